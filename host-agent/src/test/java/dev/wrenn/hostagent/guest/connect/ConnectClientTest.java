package dev.wrenn.hostagent.guest.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.wrenn.hostagent.guest.GuestAgentException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The client against a loopback server that writes Connect's wire format byte by byte, as the spec says. */
class ConnectClientTest {
    private HttpServer server;
    private ConnectClient client;
    private final Map<String, String> seen = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        client = new ConnectClient(
                HttpClient.newHttpClient(),
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange ex) throws IOException {
        try (ex) {
            seen.put("content-type", String.valueOf(ex.getRequestHeaders().getFirst("Content-Type")));
            seen.put("version", String.valueOf(ex.getRequestHeaders().getFirst("Connect-Protocol-Version")));
            seen.put("timeout", String.valueOf(ex.getRequestHeaders().getFirst("Connect-Timeout-Ms")));
            byte[] body = ex.getRequestBody().readAllBytes();
            seen.put("body", new String(body, StandardCharsets.ISO_8859_1));
            switch (ex.getRequestURI().getPath()) {
                case "/t.S/Ok" -> send(ex, 200, "application/json", "{\"pid\":7}".getBytes());
                case "/t.S/Missing" ->
                    send(ex, 404, "application/json", "{\"code\":\"not_found\",\"message\":\"no pid 9\"}".getBytes());
                case "/t.S/Proxy" -> send(ex, 503, "text/plain", "bad gateway".getBytes());
                case "/t.S/Stream" -> {
                    ex.getResponseHeaders().add("Content-Type", "application/connect+json");
                    ex.sendResponseHeaders(200, 0);
                    OutputStream out = ex.getResponseBody();
                    byte[] all = concat(frame(0, "{\"n\":1}"), frame(0, "{\"n\":2}"), frame(2, "{\"metadata\":{}}"));
                    // One byte per write and flush: the client must reassemble envelopes across reads.
                    for (byte b : all) {
                        out.write(b);
                        out.flush();
                    }
                }
                case "/t.S/Fails" -> {
                    ex.sendResponseHeaders(200, 0);
                    ex.getResponseBody()
                            .write(concat(
                                    frame(0, "{\"n\":1}"),
                                    frame(2, "{\"error\":{\"code\":\"permission_denied\",\"message\":\"no\"}}")));
                }
                case "/t.S/Cut" -> {
                    ex.sendResponseHeaders(200, 0);
                    ex.getResponseBody().write(frame(0, "{\"n\":1}"));
                }
                case "/t.S/Gzip" -> {
                    ex.sendResponseHeaders(200, 0);
                    ex.getResponseBody().write(frame(1, "xx"));
                }
                default -> send(ex, 404, "text/plain", new byte[0]);
            }
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    private static byte[] frame(int flags, String json) {
        byte[] data = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(5 + data.length)
                .put((byte) flags)
                .putInt(data.length)
                .put(data)
                .array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(
                java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) b.put(p);
        return b.array();
    }

    private static JsonNode req() {
        return ConnectClient.JSON.createObjectNode().put("tag", "x");
    }

    @Test
    void aUnaryCallSendsJsonWithTheProtocolHeadersAndReadsTheAnswer() throws Exception {
        JsonNode r = client.unary("/t.S/Ok", req(), Map.of(), Duration.ofSeconds(3));
        assertThat(r.path("pid").asInt()).isEqualTo(7);
        assertThat(seen)
                .containsEntry("content-type", "application/json")
                .containsEntry("version", "1")
                .containsEntry("timeout", "3000")
                .containsEntry("body", "{\"tag\":\"x\"}");
    }

    @Test
    void unaryErrorsCarryTheConnectCodeOrOneDerivedFromTheStatus() {
        assertThatThrownBy(() -> client.unary("/t.S/Missing", req(), Map.of(), null))
                .isInstanceOfSatisfying(GuestAgentException.class, e -> {
                    assertThat(e.code()).isEqualTo("not_found");
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e).hasMessageContaining("no pid 9");
                });
        assertThatThrownBy(() -> client.unary("/t.S/Proxy", req(), Map.of(), null))
                .isInstanceOfSatisfying(
                        GuestAgentException.class, e -> assertThat(e.code()).isEqualTo("unavailable"));
    }

    @Test
    void aStreamIsEnvelopedBothWaysAndReassembledAcrossReads() throws Exception {
        try (ConnectStream s = client.stream("/t.S/Stream", req(), Map.of(), null)) {
            assertThat(s.next().path("n").asInt()).isEqualTo(1);
            assertThat(s.next().path("n").asInt()).isEqualTo(2);
            assertThat(s.next()).isNull();
            assertThat(s.next()).isNull();
        }
        assertThat(seen).containsEntry("content-type", "application/connect+json");
        byte[] sent = seen.get("body").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(sent[0]).isZero();
        assertThat(ByteBuffer.wrap(sent, 1, 4).getInt()).isEqualTo(sent.length - 5);
        assertThat(new String(sent, 5, sent.length - 5, StandardCharsets.UTF_8)).isEqualTo("{\"tag\":\"x\"}");
    }

    @Test
    void anEndOfStreamErrorIsThrownAfterTheMessagesBeforeIt() throws Exception {
        try (ConnectStream s = client.stream("/t.S/Fails", req(), Map.of(), null)) {
            assertThat(s.next().path("n").asInt()).isEqualTo(1);
            assertThatThrownBy(s::next).isInstanceOfSatisfying(GuestAgentException.class, e -> {
                assertThat(e.code()).isEqualTo("permission_denied");
                assertThat(e.httpStatus()).isEqualTo(403);
            });
        }
    }

    @Test
    void aStreamCutWithoutItsEndAndACompressedMessageAreErrorsNotAnEnd() throws Exception {
        try (ConnectStream s = client.stream("/t.S/Cut", req(), Map.of(), null)) {
            assertThat(s.next().path("n").asInt()).isEqualTo(1);
            assertThatThrownBy(s::next).isInstanceOf(IOException.class).hasMessageContaining("end-of-stream");
        }
        try (ConnectStream s = client.stream("/t.S/Gzip", req(), Map.of(), null)) {
            assertThatThrownBy(s::next).isInstanceOf(IOException.class).hasMessageContaining("compressed");
        }
    }
}
