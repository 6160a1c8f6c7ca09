package dev.wrenn.bench;

import dev.wrenn.controlplane.ControlPlane;
import dev.wrenn.controlplane.config.ControlPlaneConfig;
import dev.wrenn.hostagent.storage.DurableFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Control plane figures over real HTTP on loopback: start-up (cold embedded database, warm
 * restart), sign-up, login and an API-key-authenticated read.
 *
 * <p>Usage: {@code bench/run.sh api [runs]}.
 */
public final class ApiBench {
    private static final Pattern TOKEN = Pattern.compile("\"token\":\"([^\"]+)\"");
    private static final Pattern KEY = Pattern.compile("\"key\":\"([^\"]+)\"");

    static final String USAGE = "usage: bench/run.sh api [runs=50]";

    public static void main(String[] args) {
        int runs;
        try {
            if (args.length > 1) throw new IllegalArgumentException("too many arguments");
            runs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
            if (runs < 1) throw new IllegalArgumentException("runs must be at least 1");
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("wrenn-bench");
            run(runs, dir);
            DurableFiles.deleteTree(dir);
        } catch (Throwable t) {
            System.err.println("api bench failed (data left in " + dir + "):");
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    static void run(int runs, Path dir) throws Exception {
        var http = HttpClient.newHttpClient();

        var coldStart = new Stats("server start, fresh data dir (initdb + migrations)", "ms");
        var warmStart = new Stats("server start, existing data dir", "ms");
        // One start per 10 runs, 1 to 5: start-ups cost seconds each, the request figures milliseconds.
        int starts = Math.min(5, Math.max(1, (runs + 9) / 10));
        for (int i = 0; i < starts; i++) {
            Path fresh = dir.resolve("fresh-" + i);
            long t0 = System.nanoTime();
            try (var cp = start(fresh)) {
                coldStart.add(ms(t0));
            }
            t0 = System.nanoTime();
            try (var cp = start(fresh)) {
                warmStart.add(ms(t0));
            }
        }

        var signup = new Stats("POST /v1/auth/signup", "ms");
        var login = new Stats("POST /v1/auth/login", "ms");
        var keyed = new Stats("GET /v1/sandboxes with X-API-Key", "ms");
        try (var cp = start(dir.resolve("main"))) {
            var base = URI.create("http://127.0.0.1:" + cp.port());
            // Warm up the JIT and the pool so the figures are of a running server.
            for (int i = 0; i < 20; i++) signup(http, base, "warm-" + UUID.randomUUID() + "@bench.test");
            String email = null;
            for (int i = 0; i < runs; i++) {
                email = "bench-" + UUID.randomUUID() + "@bench.test";
                long t0 = System.nanoTime();
                signup(http, base, email);
                signup.add(ms(t0));
            }
            String token = null;
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                token = extract(TOKEN, post(http, base, "/v1/auth/login", body(email), Map.of(), 200));
                login.add(ms(t0));
            }
            String key = extract(
                    KEY, post(http, base, "/v1/api-keys", "{}", Map.of("Authorization", "Bearer " + token), 201));
            for (int i = 0; i < runs * 4; i++) {
                long t0 = System.nanoTime();
                var r = http.send(
                        HttpRequest.newBuilder(base.resolve("/v1/sandboxes"))
                                .header("X-API-Key", key)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) throw new IllegalStateException("list failed: " + r.body());
                keyed.add(ms(t0));
            }
        }
        Stats.table(
                "Control plane (" + runs + " runs; embedded PostgreSQL; loopback HTTP)",
                List.of(coldStart, warmStart, signup, login, keyed));
    }

    private static ControlPlane start(Path dataDir) {
        return ControlPlane.start(ControlPlaneConfig.from(
                Map.of("WRENN_HOST", "127.0.0.1", "WRENN_PORT", "0", "WRENN_DATA_DIR", dataDir.toString())));
    }

    private static String body(String email) {
        return "{\"email\":\"" + email + "\",\"password\":\"benchmark password\"}";
    }

    private static void signup(HttpClient http, URI base, String email) throws IOException, InterruptedException {
        post(http, base, "/v1/auth/signup", body(email), Map.of(), 201);
    }

    private static String post(
            HttpClient http, URI base, String path, String json, Map<String, String> headers, int expect)
            throws IOException, InterruptedException {
        var b = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(b::header);
        var r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expect)
            throw new IllegalStateException(path + " gave " + r.statusCode() + ": " + r.body());
        return r.body();
    }

    private static String extract(Pattern p, String body) {
        Matcher m = p.matcher(body);
        if (!m.find()) throw new IllegalStateException("no match in " + body);
        return m.group(1);
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }
}
