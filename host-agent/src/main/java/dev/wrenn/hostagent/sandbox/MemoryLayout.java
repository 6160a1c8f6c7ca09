package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.vm.Snapshottable.RamMode;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a sandbox's RAM lives. A cold-booted sandbox has its own shared RAM file ({@code base} null);
 * a clone of a template maps the template's base RAM file privately (copy-on-write), with memory
 * generations (diffs, oldest first) written on top: first the template's, then its own pauses'.
 *
 * @param templateGenerations how many generations of {@code chain} belong to the template (this
 *     sandbox never rewrites those)
 * @param templateGen the template generation whose disk backs this sandbox's disk, or null
 */
public record MemoryLayout(Path base, List<Path> chain, int templateGenerations, Path templateGen) {
    public MemoryLayout {
        chain = List.copyOf(chain);
        if (base == null && !chain.isEmpty()) throw new IllegalArgumentException("memory generations need a base");
        if (templateGenerations < 0 || templateGenerations > chain.size())
            throw new IllegalArgumentException("template generations out of range: " + templateGenerations);
    }

    /** A sandbox with its own RAM file. */
    public static MemoryLayout own() {
        return new MemoryLayout(null, List.of(), 0, null);
    }

    /** A clone of a template: its base and generations, none of them its own yet. */
    public static MemoryLayout cloneOf(TemplateStore.Template t) {
        return new MemoryLayout(
                t.memoryBase(),
                t.memoryChain(),
                t.memoryChain().size(),
                t.gen().toAbsolutePath().normalize());
    }

    public RamMode ram() {
        return base == null ? RamMode.SHARED_FILE : RamMode.PRIVATE;
    }

    public MemoryLayout withChain(List<Path> newChain) {
        return new MemoryLayout(base, newChain, templateGenerations, templateGen);
    }
}
