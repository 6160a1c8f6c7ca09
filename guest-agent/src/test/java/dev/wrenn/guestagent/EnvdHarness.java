package dev.wrenn.guestagent;

import dev.wrenn.guestagent.http.Json;
import dev.wrenn.guestagent.users.Passwd;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent in-process with a passwd file of its own: {@code root} (uid 0) and {@code user}, which is the
 * system's {@code nobody} (uid 65534) under the name the guest image uses, each with a home in the test dir.
 */
final class EnvdHarness implements AutoCloseable {
    static final int USER_UID = 65534;

    final Path dir;
    final Path rootHome;
    final Path userHome;
    final AgentHarness agent;
    final ConnectClient rpc;

    EnvdHarness(Path dir) throws IOException {
        this.dir = dir;
        // the unprivileged user must be able to reach its home: JUnit's temp dir is private to root
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        rootHome = Files.createDirectories(dir.resolve("root-home"));
        userHome = Files.createDirectories(dir.resolve("user-home"));
        Files.setAttribute(userHome, "unix:uid", USER_UID);
        Files.setAttribute(userHome, "unix:gid", USER_UID);
        Path passwd = dir.resolve("passwd");
        Files.writeString(
                passwd,
                "root:x:0:0:root:" + rootHome + ":/bin/bash\n" + "user:x:" + USER_UID + ":" + USER_UID + ":user:"
                        + userHome + ":/bin/sh\n");
        agent = new AgentHarness(dir, new Passwd(passwd));
        rpc = new ConnectClient(agent.http, agent.uri("/"), agent.token);
    }

    static Map<String, Object> cmd(String cmd, String... args) {
        var process = new LinkedHashMap<String, Object>();
        process.put("cmd", cmd);
        process.put("args", List.of(args));
        var req = new LinkedHashMap<String, Object>();
        req.put("process", process);
        return req;
    }

    static Map<String, Object> sh(String script) {
        return cmd("/bin/sh", "-c", script);
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Everything one process stream said. */
    static final class Collected {
        long pid = -1;
        final StringBuilder stdout = new StringBuilder();
        final StringBuilder stderr = new StringBuilder();
        final StringBuilder pty = new StringBuilder();
        final List<String> kinds = new ArrayList<>();
        Map<String, Object> end;
        Map<String, Object> endOfStream;

        long exitCode() {
            return ((Number) end.get("exitCode")).longValue();
        }
    }

    /** Reads one event; returns false once the stream ended. */
    @SuppressWarnings("unchecked")
    static boolean step(ConnectClient.Stream s, Collected c) throws IOException {
        Map<String, Object> msg = s.next();
        if (msg == null) {
            c.endOfStream = s.end();
            return false;
        }
        var event = (Map<String, Object>) msg.get("event");
        String kind = event.keySet().iterator().next();
        c.kinds.add(kind);
        var body = (Map<String, Object>) event.get(kind);
        switch (kind) {
            case "start" -> c.pid = ((Number) body.get("pid")).longValue();
            case "data" ->
                body.forEach((k, v) -> {
                    String text = new String(Base64.getDecoder().decode((String) v), StandardCharsets.UTF_8);
                    (k.equals("stdout") ? c.stdout : k.equals("stderr") ? c.stderr : c.pty).append(text);
                });
            case "end" -> c.end = body;
            default -> {}
        }
        return true;
    }

    static Collected collect(ConnectClient.Stream s) throws IOException {
        var c = new Collected();
        while (step(s, c)) {
            // read to the end
        }
        return c;
    }

    /** Reads until the collected output contains {@code text} (the stream's end fails the wait). */
    static void awaitOutput(ConnectClient.Stream s, Collected c, String text) throws IOException {
        while (!(c.stdout.toString() + c.stderr + c.pty).contains(text)) {
            if (!step(s, c)) throw new AssertionError("stream ended before '" + text + "': " + c.stdout + c.pty);
        }
    }

    Collected run(Map<String, Object> req) throws Exception {
        try (var s = rpc.stream("process.Process/Start", req)) {
            return collect(s);
        }
    }

    /** {@code POST /init} with the current token. */
    HttpResponse<String> init(Map<String, Object> body) throws Exception {
        var req = agent.request("/init")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build();
        return agent.http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, Object> selector(long pid) {
        return Map.of("process", Map.of("pid", pid));
    }

    @Override
    public void close() {
        agent.close();
    }
}
