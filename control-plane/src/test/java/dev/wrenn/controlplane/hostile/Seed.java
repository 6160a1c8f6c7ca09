package dev.wrenn.controlplane.hostile;

import java.util.SplittableRandom;

/**
 * The seed of a hostile run: given with {@code -Dwrenn.hostile.seed=N} to reproduce a failure, else fresh and
 * printed, so every report can be replayed. Each route draws from its own stream derived from the seed and the
 * route's name, so a replay of one route does not depend on the order routes run in.
 */
final class Seed {
    static final long VALUE = Long.getLong("wrenn.hostile.seed", System.nanoTime());
    /** How many inputs each route gets. */
    static final int TRIES = Integer.getInteger("wrenn.hostile.tries", 12);

    static {
        System.out.println("hostile suite seed: -Dwrenn.hostile.seed=" + VALUE + " (tries per route " + TRIES + ")");
    }

    private Seed() {}

    static SplittableRandom forRoute(String route) {
        return new SplittableRandom(VALUE ^ (route.hashCode() * 0x9E3779B97F4A7C15L));
    }
}
