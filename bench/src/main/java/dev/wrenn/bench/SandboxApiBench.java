package dev.wrenn.bench;

import dev.wrenn.hostagent.sandbox.ImageCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/**
 * The sandbox figures measured twice in one run: through the public API (HTTP, control plane,
 * PostgreSQL, gRPC) and straight against the same host agent (gRPC), run by run in turn so that the
 * machine's drift hits both alike; the API's overhead shows as a ratio. Then a burst of concurrent
 * creates through the API. Any failure ends the run with an error and no table.
 *
 * <p>Usage: {@code bench/run.sh sandbox [runs] [size-mb] [burst]}; needs root and the guest image
 * (found like the tests find it: {@link ImageCatalog#configuredDir()}).
 */
public final class SandboxApiBench {
    static final String USAGE = "usage: bench/run.sh sandbox [runs=5] [size-mb=100] [burst=20]";

    public static void main(String[] args) {
        int runs;
        int sizeMb;
        int burst;
        try {
            runs = arg(args, 0, 5);
            sizeMb = arg(args, 1, 100);
            burst = arg(args, 2, 20);
            if (args.length > 3) throw new IllegalArgumentException("too many arguments");
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        try {
            run(runs, sizeMb, burst);
        } catch (Throwable t) {
            System.err.println("sandbox bench failed:");
            t.printStackTrace();
            System.exit(1);
        }
        // gRPC and HTTP client threads must not keep a finished benchmark alive.
        System.exit(0);
    }

    static void run(int runs, int sizeMb, int burst) throws Exception {
        try (var stack = new LocalStack("wab-", "10.221.0.0/16");
                var raw = new AgentSandboxes(stack.agent.port(), stack.token)) {
            var viaApi = new ApiSandboxes(stack.api());
            var api = new PathFigures(viaApi, sizeMb);
            var direct = new PathFigures(raw, sizeMb);
            for (int i = 0; i < runs; i++) {
                String saveAs = i == runs - 1 ? "bench-tpl" : null; // the last run's sandbox becomes the template
                api.run(saveAs);
                direct.run(saveAs);
                System.err.printf("sandbox bench: run %d/%d done%n", i + 1, runs);
            }
            for (int i = 0; i < runs; i++) {
                api.cloneOf("bench-tpl");
                direct.cloneOf("bench-tpl");
            }
            viaApi.deleteTemplate("bench-tpl");
            raw.deleteTemplate("bench-tpl");
            Burst b = burst(viaApi, burst);

            String accel = raw.accel();
            SideBySide.print(
                    "Sandboxes through the API vs. straight to the host agent (" + runs + " runs, "
                            + PathFigures.EXECS_PER_RUN + " execs per run, " + accel + ")",
                    api.rows(),
                    direct.rows());
            Stats.table(
                    burst + " concurrent creates through the API (" + b.up() + " up, " + b.refused()
                            + " refused by capacity; " + accel + ")",
                    List.of(b.each(), b.all()));
        }
    }

    record Burst(Stats each, Stats all, int up, int refused) {}

    /**
     * {@code n} creates at once through the API. Creates the host refuses for capacity (503) are
     * counted; any other failure fails the benchmark.
     */
    static Burst burst(ApiSandboxes api, int n) throws Exception {
        var each = new Stats("each create", "ms");
        var all = new Stats("until the last answered", "ms");
        var ids = new ArrayList<String>();
        long t0 = System.nanoTime();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new ArrayList<CompletableFuture<String>>();
            for (int i = 0; i < n; i++) {
                futures.add(CompletableFuture.supplyAsync(
                        () -> {
                            long s = System.nanoTime();
                            try {
                                String id = api.createOrNullIfFull();
                                synchronized (each) {
                                    each.add((System.nanoTime() - s) / 1e6);
                                }
                                return id;
                            } catch (Exception e) {
                                throw new IllegalStateException("a concurrent create failed", e);
                            }
                        },
                        pool));
            }
            for (var f : futures) {
                String id = f.join();
                if (id != null) ids.add(id);
            }
        }
        all.add((System.nanoTime() - t0) / 1e6);
        for (String id : ids) api.destroy(id);
        if (ids.isEmpty()) throw new IllegalStateException("every one of " + n + " concurrent creates was refused");
        return new Burst(each, all, ids.size(), n - ids.size());
    }

    private static int arg(String[] args, int i, int def) {
        if (args.length <= i) return def;
        int v;
        try {
            v = Integer.parseInt(args[i]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: " + args[i]);
        }
        if (v < 1) throw new IllegalArgumentException("every argument must be at least 1, got " + v);
        return v;
    }
}
