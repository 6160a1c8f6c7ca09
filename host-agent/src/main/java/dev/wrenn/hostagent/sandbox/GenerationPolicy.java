package dev.wrenn.hostagent.sandbox;

/**
 * How long memory generation chains may grow. Each pause of a clone adds a generation and each
 * template made from a clone adds one to its parent's chain; long chains make every restore read
 * more files, so they are folded: a clone's own generations into one, a template's chain (and disk
 * backing chain) into a full RAM file and a disk on the base image.
 *
 * @param maxOwn a clone's own generations are compacted into one when a pause would make more
 * @param maxTemplate a template's chain is flattened when it would grow longer than this
 */
record GenerationPolicy(int maxOwn, int maxTemplate) {
    static final GenerationPolicy DEFAULT = new GenerationPolicy(4, 4);

    GenerationPolicy {
        if (maxOwn < 1 || maxTemplate < 1) throw new IllegalArgumentException("limits must be >= 1");
    }

    /**
     * How many generations of {@code m}'s chain a pause keeps as they are, before appending its own:
     * all of them, or only the template's when the clone's own ones are folded into the new one.
     */
    int keptAtPause(MemoryLayout m) {
        int own = m.chain().size() - m.templateGenerations();
        return own >= maxOwn ? m.templateGenerations() : m.chain().size();
    }

    /** Whether a template made from a clone with {@code m} may be one more generation over its parent's chain. */
    boolean templateExtendsChain(MemoryLayout m) {
        return m.templateGenerations() + 1 <= maxTemplate;
    }
}
