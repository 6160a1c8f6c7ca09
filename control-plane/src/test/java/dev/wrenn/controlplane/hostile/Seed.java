package dev.wrenn.controlplane.hostile;

import java.util.SplittableRandom;

/**
 * The seed of a hostile run, printed so every report can be replayed: {@code -Dwrenn.hostile.seed=N}, or
 * {@code -Dwrenn.hostile.seed=random} to explore new inputs. The build runs a fixed seed so that CI judges the code,
 * not the draw; exploring runs find what the fixed one misses (docs/security/input.md keeps what they found).
 * Each route draws from its own stream derived from the seed and the route's name, so a replay of one route does
 * not depend on the order routes run in.
 */
final class Seed {
    static final long VALUE = parse(System.getProperty("wrenn.hostile.seed", "1"));
    /** How many inputs each route gets. */
    static final int TRIES = Integer.getInteger("wrenn.hostile.tries", 12);

    static {
        System.out.println("hostile suite seed: -Dwrenn.hostile.seed=" + VALUE + " (tries per route " + TRIES + ")");
    }

    private Seed() {}

    private static long parse(String v) {
        return v.equals("random") ? System.nanoTime() : Long.parseLong(v);
    }

    static SplittableRandom forRoute(String route) {
        return new SplittableRandom(VALUE ^ (route.hashCode() * 0x9E3779B97F4A7C15L));
    }
}
