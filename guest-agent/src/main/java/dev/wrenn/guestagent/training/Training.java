package dev.wrenn.guestagent.training;

import dev.wrenn.guestagent.GuestAgent;
import dev.wrenn.guestagent.auth.TokenStore;
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
        try (var agent = GuestAgent.start(0, new TokenStore(token), unixMs -> {}, seed -> false)) {
            String base = "http://127.0.0.1:" + agent.port();
            for (int round = 0; round < 3; round++) {
                call(base + "/health", "GET", token, null);
            }
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

    private static HttpURLConnection open(String url, String method, String token) throws IOException {
        var c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setRequestMethod(method);
        c.setRequestProperty("X-Access-Token", token);
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
