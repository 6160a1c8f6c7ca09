package dev.wrenn.controlplane.hostile;

import dev.wrenn.controlplane.testing.TestHostAgent;
import dev.wrenn.controlplane.testing.TestServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a hostile run must leave as it found it: JVM threads and descriptors (near: pools grow and shrink), and
 * exactly: VMM processes, the agent's network namespaces, nft tables and slot files, live sandbox rows.
 */
record Leaks(int threads, int fds, long vmms, List<String> netns, List<String> nft, long agentFiles, long liveRows) {
    /** Slack for pools that keep a few more threads or descriptors after a burst; a leak grows with the input. */
    static final int THREAD_SLACK = 24;

    static final int FD_SLACK = 48;

    static Leaks measure(TestServer server) {
        return new Leaks(
                ManagementFactory.getThreadMXBean().getThreadCount(),
                count(Path.of("/proc/self/fd")),
                countVmms(),
                list(Path.of("/run/netns")),
                nftTables(),
                countAgentFiles(),
                liveRows(server));
    }

    /** What grew between the baseline and now, beyond slack; empty when nothing leaked. */
    List<String> against(Leaks baseline) {
        var out = new ArrayList<String>();
        if (threads > baseline.threads + THREAD_SLACK) out.add("threads " + baseline.threads + " -> " + threads);
        if (fds > baseline.fds + FD_SLACK) out.add("descriptors " + baseline.fds + " -> " + fds);
        if (vmms != baseline.vmms) out.add("VMM processes " + baseline.vmms + " -> " + vmms);
        if (!netns.equals(baseline.netns)) out.add("network namespaces " + baseline.netns + " -> " + netns);
        if (!nft.equals(baseline.nft)) out.add("nft tables " + baseline.nft + " -> " + nft);
        if (agentFiles != baseline.agentFiles) out.add("agent files " + baseline.agentFiles + " -> " + agentFiles);
        if (liveRows != baseline.liveRows) out.add("live sandbox rows " + baseline.liveRows + " -> " + liveRows);
        return out;
    }

    /** Waits (bounded) for pools to drain before the comparison counts as final. */
    static List<String> settle(TestServer server, Leaks baseline) throws InterruptedException {
        List<String> grown = List.of();
        for (int i = 0; i < 30; i++) {
            System.gc();
            grown = measure(server).against(baseline);
            if (grown.isEmpty()) return grown;
            TimeUnit.SECONDS.sleep(1);
        }
        return grown;
    }

    private static int count(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static List<String> list(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of("unreadable: " + e);
        }
    }

    private static long countVmms() {
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            return s.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        try {
                            return new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                                    .startsWith("qemu-system");
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static List<String> nftTables() {
        try {
            var p = new ProcessBuilder("nft", "list", "tables")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out.lines()
                    .map(String::trim)
                    .filter(l -> !l.isEmpty())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of("nft failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** Files under the agent's data dir other than templates: disks, sockets, slot state of live sandboxes. */
    private static long countAgentFiles() {
        Path data = TestHostAgent.agent().config().dataDir();
        try (Stream<Path> s = Files.walk(data)) {
            return s.filter(p -> !p.startsWith(data.resolve("templates"))).count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static long liveRows(TestServer server) {
        try (var c = DriverManager.getConnection(server.jdbcUrl(), "postgres", "postgres");
                var st = c.createStatement();
                var rs = st.executeQuery(
                        "SELECT count(*) FROM sandboxes WHERE status IN ('pending','running','paused')")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }
}
