package dev.wrenn.guestagent.sys;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Start {@code /bin/true} and wait for its exit: ProcessBuilder as Process.Start used it (with setsid, and with
 * setpriv for another user) against {@link Spawn}. Not a test (surefire does not pick it up); run it with
 * {@code java --enable-native-access=ALL-UNNAMED -cp guest-agent/target/classes:guest-agent/target/test-classes
 * dev.wrenn.guestagent.sys.SpawnBench [runs]}. Prints median and p99 in milliseconds.
 */
public final class SpawnBench {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin", "HOME", "/root");
    private static final Path CWD = Path.of("/tmp");
    private static final List<String> AS_NOBODY =
            List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--init-groups", "--");

    private SpawnBench() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        var setsidSetpriv = new ArrayList<>(List.of("/usr/bin/setsid"));
        setsidSetpriv.addAll(AS_NOBODY);
        setsidSetpriv.add("/bin/true");
        var setpriv = new ArrayList<>(AS_NOBODY);
        setpriv.add("/bin/true");
        var cases = new LinkedHashMap<String, Callable<Integer>>();
        cases.put("ProcessBuilder: setsid true (before)", () -> builder(List.of("/usr/bin/setsid", "/bin/true")));
        cases.put("ProcessBuilder: true", () -> builder(List.of("/bin/true")));
        cases.put("Spawn: true (after)", () -> spawn(List.of("/bin/true")));
        cases.put("Spawn: true, from a virtual thread", () -> onVirtualThread(() -> spawn(List.of("/bin/true"))));
        cases.put("ProcessBuilder: setsid setpriv true (before)", () -> builder(setsidSetpriv));
        cases.put("Spawn: setpriv true (after)", () -> spawn(setpriv));

        var names = new ArrayList<>(cases.keySet());
        long[][] ns = new long[names.size()][runs];
        for (int round = -20; round < runs; round++) {
            // round-robin, so that load from elsewhere on the machine weighs on every case alike
            for (int c = 0; c < names.size(); c++) {
                long t0 = System.nanoTime();
                check(cases.get(names.get(c)).call());
                if (round >= 0) ns[c][round] = System.nanoTime() - t0;
            }
        }
        System.out.printf(
                "%-44s %8s %8s %8s%n", "/bin/true, start to exit (" + runs + " runs)", "median", "p90", "p99");
        for (int c = 0; c < names.size(); c++) {
            Arrays.sort(ns[c]);
            System.out.printf(
                    "%-44s %8.2f %8.2f %8.2f%n", names.get(c), ms(ns[c], 0.5), ms(ns[c], 0.9), ms(ns[c], 0.99));
        }
    }

    private static int builder(List<String> command) throws Exception {
        var pb = new ProcessBuilder(command).directory(CWD.toFile());
        pb.environment().clear();
        pb.environment().putAll(ENV);
        return finish(pb.start());
    }

    private static int spawn(List<String> argv) throws Exception {
        return finish(Spawn.start(new Spawn.Request(argv, ENV, CWD, null)));
    }

    /** The exit, and the agent's pipe ends closed, as Process.Start's end does. */
    private static int finish(Process p) throws Exception {
        int exit = p.waitFor();
        p.getInputStream().close();
        p.getErrorStream().close();
        p.getOutputStream().close();
        return exit;
    }

    private static int onVirtualThread(Callable<Integer> task) throws Exception {
        int[] exit = {-1};
        Exception[] failure = {null};
        Thread.ofVirtual()
                .start(() -> {
                    try {
                        exit[0] = task.call();
                    } catch (Exception e) {
                        failure[0] = e;
                    }
                })
                .join();
        if (failure[0] != null) throw failure[0];
        return exit[0];
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * quantile))] / 1e6;
    }

    private static void check(int exit) {
        if (exit != 0) throw new IllegalStateException("exit " + exit);
    }
}
