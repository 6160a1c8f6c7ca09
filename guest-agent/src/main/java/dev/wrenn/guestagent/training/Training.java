package dev.wrenn.guestagent.training;

import dev.wrenn.guestagent.GuestAgent;
import dev.wrenn.guestagent.auth.TokenStore;
import dev.wrenn.guestagent.sys.Spawn;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The AOT training run ({@code --train}), executed at image build time inside the rootfs (chroot)
 * with the guest's own runtime and flags: it drives every endpoint once so the classes of the
 * request paths land in the AOT cache and the first request in a fresh VM is not a cold start.
 */
public final class Training {
    private Training() {}

    public static void run() throws Exception {
        String token = UUID.randomUUID().toString().replace("-", "");
        Path dir = Files.createTempDirectory("wrenn-train");
        try (var agent = GuestAgent.start(0, new TokenStore(token), unixMs -> {}, seed -> false, dir)) {
            String base = "http://127.0.0.1:" + agent.port();
            for (int round = 0; round < 3; round++) {
                call(base + "/health", "GET", token, null);
                call(base + "/clock", "POST", token, "{\"unix_ms\":" + System.currentTimeMillis() + "}");
                call(base + "/entropy", "POST", token, "{\"seed\":\"" + token + token + "\"}");
                call(
                        base + "/restored",
                        "POST",
                        token,
                        "{\"unix_ms\":" + System.currentTimeMillis() + ",\"seed\":\"" + token + token + "\"}");
                call(
                        base + "/exec",
                        "POST",
                        token,
                        "{\"cmd\":\"sh\",\"args\":[\"-c\",\"echo hi; echo err"
                                + " >&2\"],\"env\":{\"A\":\"b\"},\"timeout_ms\":10000}");
                call(base + "/exec", "POST", token, "{\"cmd\":\"sh\",\"args\":[\"-c\",\"printf '\\\\377'; exit 3\"]}");
                call(base + "/exec", "POST", token, "{\"cmd\":\"sh\",\"args\":[\"-c\",\"sleep 5\"],\"timeout_ms\":50}");
                call(base + "/exec", "POST", token, "{\"cmd\":\"no-such-command-wrenn\"}");
                call(base + "/process", "POST", token, "{\"cmd\":\"sh\",\"args\":[\"-c\",\"echo a; echo b >&2\"]}");
                Path f = dir.resolve("sub/file.bin");
                call(base + "/files?path=" + f + "&mode=0600", "PUT", token, "x".repeat(200_000));
                call(base + "/files?path=" + f, "GET", token, null);
                call(base + "/files?path=" + dir.resolve("missing"), "GET", token, null);
                call(base + "/health", "GET", "wrong", null);
                streamWithStdinAndStop(base, token);
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

    private static void streamWithStdinAndStop(String base, String token) throws Exception {
        HttpURLConnection c = open(base + "/process", "POST", token);
        c.setDoOutput(true);
        try (OutputStream o = c.getOutputStream()) {
            o.write("{\"cmd\":\"cat\"}".getBytes(StandardCharsets.UTF_8));
        }
        InputStream in = c.getInputStream();
        String start = readLine(in);
        long pid = Long.parseLong(start.replaceAll(".*\"pid\":(\\d+).*", "$1"));
        call(base + "/process/" + pid + "/stdin", "POST", token, "hello\n");
        readLine(in);
        call(base + "/process/" + pid + "/stop", "POST", token, null);
        in.readAllBytes();
        c.disconnect();
    }

    private static String readLine(InputStream in) throws IOException {
        var sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') sb.append((char) b);
        return sb.toString();
    }

    private static HttpURLConnection open(String url, String method, String token) throws IOException {
        var c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setRequestMethod(method);
        c.setRequestProperty("Authorization", "Bearer " + token);
        return c;
    }

    private static void call(String url, String method, String token, String body) throws IOException {
        HttpURLConnection c = open(url, method, token);
        if (body != null) {
            c.setDoOutput(true);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            c.setFixedLengthStreamingMode(bytes.length);
            try (OutputStream o = c.getOutputStream()) {
                o.write(bytes);
            }
        }
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            if (in != null) in.readAllBytes();
        }
    }
}
