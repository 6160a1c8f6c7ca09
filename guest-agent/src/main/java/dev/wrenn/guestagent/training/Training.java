package dev.wrenn.guestagent.training;

import dev.wrenn.guestagent.GuestAgent;
import dev.wrenn.guestagent.auth.TokenStore;
import dev.wrenn.guestagent.http.Json;
import dev.wrenn.guestagent.sys.Spawn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The AOT training run ({@code --train}), executed at image build time inside the rootfs (chroot) with the
 * guest's own runtime and flags: it drives the request paths the host agent uses, several rounds each, so
 * their classes land in the AOT cache and the first request in a fresh VM is not a cold start. The clock and
 * the entropy are stand-ins: a build must not set the build machine's clock.
 */
public final class Training {
    private static final int ROUNDS = 3;
    private static final String PROCESS = "process.Process/";
    private static final String FILESYSTEM = "filesystem.Filesystem/";
    /** Bounds every process started here, through Start's deadline. */
    private static final long PROCESS_LIMIT_MS = 20_000;

    private Training() {}

    public static void run() throws Exception {
        var random = new SecureRandom();
        String token = HexFormat.of().formatHex(bytes(random, 16));
        Path dir = Files.createTempDirectory("wrenn-train");
        try (var agent = GuestAgent.start(0, new TokenStore(token), unixMs -> {}, seed -> false)) {
            var c = new TrainingClient("http://127.0.0.1:" + agent.port(), token);
            for (int round = 0; round < ROUNDS; round++) {
                c.call("GET", "/health", null, null, null, 204);
                String init = Json.write(Map.of(
                        "timestamp", Instant.now().toString(),
                        "entropySeed", HexFormat.of().formatHex(bytes(random, 32)),
                        "accessToken", token));
                c.call("POST", "/init", "application/json", utf8(init), 204);
                processes(c);
                filesystem(c, dir.resolve("fs-" + round));
                files(c, dir.resolve("files-" + round));
            }
            // Process.Start spawns through FFM: its classes, at least, go into the cache.
            Spawn.warm();
            // Link the FFM call sites used after resume without calling them (no host clock change).
            Class.forName("dev.wrenn.guestagent.clock.WallClock$SystemWallClock");
            Class.forName("dev.wrenn.guestagent.clock.KernelEntropy$SystemEntropy");
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
        System.err.println("wrenn-guest-agent: training run done");
    }

    private static void processes(TrainingClient c) throws Exception {
        expectExit(c, start("sh", "-c", "echo hi; echo err >&2"), 0);
        expectExit(c, start("sh", "-c", "exit 3"), 3);
        expectExit(c, start("no-such-command-wrenn"), 127);

        // What the host's exec does: no stdin, SIGKILL at its time limit.
        var sleep = start("sleep", "5");
        sleep.put("stdin", false);
        try (var s = c.stream(PROCESS + "Start", sleep, PROCESS_LIMIT_MS)) {
            long pid = pid(s);
            c.unary(PROCESS + "SendSignal", Map.of("process", Map.of("pid", pid), "signal", "SIGNAL_SIGKILL"));
            s.exitCode();
        }

        var cat = start("cat");
        cat.put("stdin", true);
        cat.put("tag", "training");
        try (var s = c.stream(PROCESS + "Start", cat, PROCESS_LIMIT_MS)) {
            long pid = pid(s);
            c.unary(PROCESS + "SendInput", input(pid, "stdin", "hello\n"));
            s.until("data");
            c.unary(PROCESS + "List", Map.of());
            try (var attached = c.stream(PROCESS + "Connect", Map.of("process", Map.of("tag", "training")), 0)) {
                pid(attached);
                c.unary(PROCESS + "CloseStdin", Map.of("process", Map.of("pid", pid)));
                attached.exitCode();
            }
            s.exitCode();
        }

        var shell = start("sh");
        shell.put("pty", Map.of("size", Map.of("cols", 80, "rows", 24)));
        try (var s = c.stream(PROCESS + "Start", shell, PROCESS_LIMIT_MS)) {
            long pid = pid(s);
            c.unary(
                    PROCESS + "Update",
                    Map.of("process", Map.of("pid", pid), "pty", Map.of("size", Map.of("cols", 120, "rows", 40))));
            c.unary(PROCESS + "SendInput", input(pid, "pty", "stty size; exit\n"));
            s.exitCode();
        }
    }

    private static void filesystem(TrainingClient c, Path dir) throws Exception {
        c.unary(FILESYSTEM + "MakeDir", Map.of("path", dir.resolve("a/b").toString()));
        c.unary(FILESYSTEM + "Stat", Map.of("path", dir.resolve("a").toString()));
        c.unary(FILESYSTEM + "ListDir", Map.of("path", dir.toString(), "depth", 2));
        c.unary(
                FILESYSTEM + "Move",
                Map.of(
                        "source",
                        dir.resolve("a/b").toString(),
                        "destination",
                        dir.resolve("c").toString()));
        c.unary(FILESYSTEM + "Remove", Map.of("path", dir.toString()));
    }

    private static void files(TrainingClient c, Path dir) throws Exception {
        String file = "/files?path=" + dir.resolve("sub/file.bin");
        byte[] content = new byte[200_000];
        c.call("POST", file + "&mode=0600", "application/octet-stream", content, 200);
        if (c.call("GET", file, null, null, 200).length != content.length) {
            throw new IllegalStateException("GET /files returned another length than was uploaded");
        }
        c.call("GET", "/files?path=" + dir.resolve("missing"), null, null, 404);
        c.call("GET", file, "wrong-token", null, null, 401);
    }

    private static Map<String, Object> start(String cmd, String... args) {
        var req = new LinkedHashMap<String, Object>();
        req.put("process", Map.of("cmd", cmd, "args", List.of(args)));
        return req;
    }

    private static void expectExit(TrainingClient c, Map<String, Object> req, long expected) throws Exception {
        try (var s = c.stream(PROCESS + "Start", req, PROCESS_LIMIT_MS)) {
            long code = s.exitCode();
            if (code != expected) throw new IllegalStateException(req + " exited " + code + ", not " + expected);
        }
    }

    private static long pid(TrainingClient.Stream s) throws Exception {
        return ((Number) s.until("start").get("pid")).longValue();
    }

    private static Map<String, Object> input(long pid, String kind, String text) {
        return Map.of(
                "process",
                Map.of("pid", pid),
                "input",
                Map.of(kind, Base64.getEncoder().encodeToString(utf8(text))));
    }

    private static byte[] bytes(SecureRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
