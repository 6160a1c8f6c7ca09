package dev.wrenn.hostagent.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code --name N} options of a benchmark, each a positive integer with a default. A wrong option
 * ends the benchmark with its usage (exit 2) instead of running with a value the caller did not ask for.
 */
final class BenchArgs {
    private final Map<String, Integer> values;

    private BenchArgs(Map<String, Integer> values) {
        this.values = values;
    }

    static BenchArgs parse(String[] args, Map<String, Integer> defaults, String usage) {
        Map<String, Integer> v = new LinkedHashMap<>(defaults);
        try {
            if (args.length % 2 != 0)
                throw new IllegalArgumentException("option " + args[args.length - 1] + " has no value");
            for (int i = 0; i < args.length; i += 2) {
                if (!v.containsKey(args[i])) throw new IllegalArgumentException("unknown option " + args[i]);
                int n = Integer.parseInt(args[i + 1]);
                if (n < 1) throw new IllegalArgumentException(args[i] + " must be at least 1");
                v.put(args[i], n);
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + usage);
            System.exit(2);
        }
        return new BenchArgs(v);
    }

    int get(String name) {
        return values.get(name);
    }

    /** Runs the benchmark; any failure exits 1 with its stack trace, so that no partial table passes. */
    static void exitWith(String name, ThrowingRunnable body) {
        try {
            body.run();
        } catch (Throwable t) {
            System.err.println(name + " failed:");
            t.printStackTrace();
            System.exit(1);
        }
        // Client and agent threads must not keep a finished benchmark alive.
        System.exit(0);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
