package dev.wrenn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The crash a user meets: {@code wrenn server} SIGKILLed (as the OOM killer does) while sandboxes
 * run, while others pause, with one already paused; then started again on the same data dir. Every
 * sandbox must come back running or paused, with its files and its processes, and the database of
 * the dead server must not stand in the new one's way: stopped by its watchdog when the JVM died,
 * or, when the watchdog died too, stopped by the new server.
 */
class ServerCrashIT {
    private static final Path ROOT =
            Path.of(System.getProperty("wrenn.root", "..")).toAbsolutePath().normalize();
    // Each sandbox counts in the background; the file is replaced by rename, so a read never sees it empty.
    private static final String COUNTER = "nohup sh -c 'i=0; while :; do i=$((i+1)); echo $i > /root/c.tmp;"
            + " mv /root/c.tmp /root/count; sleep 0.2; done' >/dev/null 2>&1 &";

    @Test
    void aKilledServerComesBackWithEverySandboxAndItsState() throws Exception {
        Path data = Files.createTempDirectory("wrenn-crash-");
        Path log = data.resolve("server.log");
        linkTestImage(data);
        int port = freePort();
        var keep = new LinkedHashMap<String, String>(); // id -> what it must be after the crash: running or paused
        String apiKey;
        List<String> pausing = new ArrayList<>();
        try (var first = ServerProcess.start(ROOT, data, port, log)) {
            first.signUp();
            apiKey = first.apiKey;
            List<String> ids = createWithState(first, 5);
            String paused = ids.get(0);
            assertThat(first.call("POST", "/v1/sandboxes/" + paused + "/pause", null)
                            .status())
                    .isEqualTo(200);
            keep.put(paused, "paused");
            keep.put(ids.get(1), "running");
            pausing.addAll(ids.subList(2, 5));

            List<String> children = first.children().stream()
                    .map(c -> c.info().commandLine().orElse(""))
                    .toList();
            assertThat(children).as("the JVM's children").anyMatch(c -> c.contains("wrenn-pg-watchdog"));
            // Pauses in flight: the kill lands at different points of each.
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> inFlight = new ArrayList<>();
                for (int i = 0; i < pausing.size(); i++) {
                    String id = pausing.get(i);
                    long delay = 120L * i;
                    inFlight.add(pool.submit(() -> {
                        Thread.sleep(delay); // where in its pause the kill lands: the point of the test
                        try {
                            first.call("POST", "/v1/sandboxes/" + id + "/pause", null);
                        } catch (RuntimeException cutOff) {
                            // the server died under the request: that is the point
                        }
                        return null;
                    }));
                }
                Thread.sleep(300); // the kill point, not a wait for something to happen
                first.kill();
            }
            // The watchdog stops the dead server's database: no postmaster is left holding the data dir.
            awaitNoPostmaster(data);
        }

        try (var second = ServerProcess.start(ROOT, data, port, log)) {
            second.apiKey = apiKey;
            for (String id : pausing) {
                String s = awaitSettled(second, id);
                assertThat(s)
                        .as("sandbox %s, paused when the server was killed", id)
                        .isIn("running", "paused");
                keep.put(id, s);
            }
            assertThat(second.status(keep.keySet().iterator().next())).isEqualTo("paused");
            System.out.printf("after the kill with pauses in flight: %s%n", keep);
            for (var e : keep.entrySet()) {
                if (e.getValue().equals("paused")) {
                    assertThat(second.call("POST", "/v1/sandboxes/" + e.getKey() + "/resume", null)
                                    .status())
                            .as(second.tail())
                            .isEqualTo(200);
                }
                assertStateSurvived(second, e.getKey());
            }

            // Now the watchdog dies first (as in a kill of the server's whole tree; its VMs are left
            // alone): the next server finds the orphaned database and stops it itself.
            second.children().stream()
                    .filter(c -> c.info().commandLine().orElse("").contains("wrenn-pg-watchdog"))
                    .forEach(ProcessHandle::destroyForcibly);
            second.kill();
            assertThat(postmasterAlive(data))
                    .as("the orphaned postmaster is still running")
                    .isTrue();
        }

        try (var third = ServerProcess.start(ROOT, data, port, log)) {
            third.apiKey = apiKey;
            assertThat(Files.readString(log)).contains("left by a server that did not stop");
            for (String id : keep.keySet()) {
                assertThat(awaitSettled(third, id)).isEqualTo("running");
                assertStateSurvived(third, id);
            }
            for (String id : keep.keySet())
                assertThat(third.call("DELETE", "/v1/sandboxes/" + id, null).status())
                        .isEqualTo(204);
        }
        // Kept when the test fails, for its server log; the image is only linked.
        try (var files = Files.walk(data)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    /** Creates n sandboxes, each with a file and a background counter. */
    private static List<String> createWithState(ServerProcess s, int n) throws Exception {
        List<String> ids = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ServerProcess.Response>> creates = new ArrayList<>();
            for (int i = 0; i < n; i++)
                creates.add(pool.submit(() -> s.call("POST", "/v1/sandboxes", "{\"memory_mb\":256}")));
            for (var f : creates) {
                var r = f.get();
                assertThat(r.status()).as(r.body()).isEqualTo(201);
                ids.add(r.json().get("id").asString());
            }
        }
        for (String id : ids) {
            s.sh(id, "echo kept-" + id + " > /root/file && sync");
            s.sh(id, COUNTER);
        }
        for (String id : ids) awaitCount(s, id);
        return ids;
    }

    private static void assertStateSurvived(ServerProcess s, String id) {
        assertThat(s.sh(id, "cat /root/file")).isEqualTo("kept-" + id + "\n");
        long before = awaitCount(s, id);
        await(String.format("the counter of %s still counts", id)).until(() -> count(s, id) > before);
    }

    private static long awaitCount(ServerProcess s, String id) {
        return await(String.format("a counter in %s", id)).until(() -> count(s, id), c -> c > 0);
    }

    private static long count(ServerProcess s, String id) {
        String out = s.sh(id, "cat /root/count 2>/dev/null || echo 0").strip();
        return Long.parseLong(out);
    }

    /**
     * Waits until the row agrees with the host (the reconciler runs every second here): running
     * and answering commands, or paused. A paused row only ever moves when the host runs the
     * sandbox, which nothing here asks for; whether the host really holds the pause is proven by
     * the resume that follows.
     */
    private static String awaitSettled(ServerProcess s, String id) {
        return await(String.format("sandbox %s settles", id))
                .until(
                        () -> {
                            String st = s.status(id);
                            if (st.equals("running")) {
                                return s.call("POST", "/v1/sandboxes/" + id + "/exec", "{\"cmd\":\"true\"}")
                                                        .status()
                                                == 200
                                        ? st
                                        : null;
                            }
                            return st.equals("pending") ? null : st;
                        },
                        st -> st != null);
    }

    private static void awaitNoPostmaster(Path data) {
        await("the dead server's PostgreSQL stops").until(() -> !postmasterAlive(data));
    }

    /** How long a state may take to appear: a hang guard, not a speed limit. */
    private static org.awaitility.core.ConditionFactory await(String what) {
        return Awaitility.await(what).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200));
    }

    private static boolean postmasterAlive(Path data) {
        try {
            String pid = Files.readAllLines(data.resolve("postgres/data/postmaster.pid"))
                    .getFirst()
                    .strip();
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
            return state != 'Z';
        } catch (Exception e) {
            return false;
        }
    }

    private static void linkTestImage(Path data) throws Exception {
        String v = System.getenv("WRENN_IMAGE_DIR");
        Path image = v != null && !v.isBlank()
                ? Path.of(v)
                : Path.of(System.getProperty("user.home"), ".wrenn/images/minimal");
        assertThat(image.resolve("manifest.json"))
                .as("guest image (build it with ./wrenn image build)")
                .isRegularFile();
        Files.createDirectories(data.resolve("images"));
        Files.createSymbolicLink(data.resolve("images/minimal"), image);
    }

    private static int freePort() throws Exception {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
