package dev.wrenn.hostagent.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a stand-in of the guest agent that speaks docs/guest-agent-protocol.md. */
class GuestAgentClientTest {
    private HttpServer server;
    private HttpClient http;
    private GuestAgentClient client;
    private final AtomicReference<byte[]> uploaded = new AtomicReference<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
        http = GuestAgentClient.newHttpClient();
        client = new GuestAgentClient(http, "127.0.0.1", server.getAddress().getPort(), "secret");
    }

    @AfterEach
    void stop() {
        server.stop(0);
        http.close();
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        if (!"Bearer secret".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, 401, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"bad token\"}}");
            return;
        }
        String path = ex.getRequestURI().getPath();
        String query = ex.getRequestURI().getQuery();
        switch (ex.getRequestMethod() + " " + path) {
            case "GET /health" -> send(ex, 200, "{\"status\":\"ok\",\"uptime_ms\":5}");
            case "POST /exec" ->
                send(
                        ex,
                        200,
                        "{\"stdout\":\"" + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, 'a'})
                                + "\",\"stderr\":\"\",\"exit_code\":3,\"duration_ms\":7,"
                                + "\"encoding\":\"base64\",\"timed_out\":false}");
            case "POST /process" -> {
                ex.getResponseHeaders().add("Content-Type", "application/x-ndjson");
                ex.sendResponseHeaders(200, 0);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write("{\"type\":\"start\",\"pid\":42}\n".getBytes());
                    o.write(("{\"type\":\"stdout\",\"data\":\""
                                    + Base64.getEncoder().encodeToString("hi\n".getBytes()) + "\"}\n")
                            .getBytes());
                    o.write("{\"type\":\"exit\",\"exit_code\":0,\"timed_out\":false,\"killed\":false}\n".getBytes());
                }
            }
            case "PUT /files" -> {
                uploaded.set(body);
                ex.sendResponseHeaders(204, -1);
                ex.close();
            }
            case "GET /files" -> {
                if (query.contains("missing")) {
                    send(ex, 404, "{\"error\":{\"code\":\"not_found\",\"message\":\"no such file\"}}");
                } else {
                    byte[] data = uploaded.get();
                    ex.sendResponseHeaders(200, data.length);
                    try (OutputStream o = ex.getResponseBody()) {
                        o.write(data);
                    }
                }
            }
            default -> send(ex, 404, "{\"error\":{\"code\":\"not_found\",\"message\":\"" + path + "\"}}");
        }
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }

    @Test
    void healthAndAuth() throws Exception {
        assertThat(client.healthy(Duration.ofSeconds(1))).isTrue();
        var wrong = new GuestAgentClient(http, "127.0.0.1", server.getAddress().getPort(), "nope");
        assertThat(wrong.healthy(Duration.ofSeconds(1))).isFalse();
        assertThatThrownBy(() -> wrong.exec(ExecCommand.of("true")))
                .isInstanceOf(GuestAgentException.class)
                .extracting(e -> ((GuestAgentException) e).code())
                .isEqualTo("unauthorized");
    }

    @Test
    void execDecodesBase64Output() throws Exception {
        ExecResult r = client.exec(ExecCommand.of("x"));
        assertThat(r.stdout()).containsExactly(0xff, 'a');
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.durationMs()).isEqualTo(7);
    }

    @Test
    void processEventsStream() throws Exception {
        List<ProcessEvent> events = new ArrayList<>();
        try (var s = client.startProcess(ExecCommand.of("x"))) {
            s.forEachRemaining(events::add);
        }
        assertThat(events).hasSize(3);
        assertThat(events.get(0)).isEqualTo(new ProcessEvent.Started(42));
        assertThat(((ProcessEvent.Stdout) events.get(1)).data()).isEqualTo("hi\n".getBytes());
        assertThat(events.get(2)).isEqualTo(new ProcessEvent.Exited(0, false, false));
    }

    @Test
    void filesRoundTripAndMissingIsNotFound() throws Exception {
        byte[] data = new byte[3 << 20];
        new java.util.Random(1).nextBytes(data);
        client.putFile("/tmp/x y", 0600, () -> new ByteArrayInputStream(data));
        var d = client.getFile("/tmp/x y");
        assertThat(d.size()).isEqualTo(data.length);
        try (var in = d.body()) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThatThrownBy(() -> client.getFile("/missing"))
                .isInstanceOf(GuestAgentException.class)
                .extracting(e -> ((GuestAgentException) e).code())
                .isEqualTo("not_found");
    }
}
