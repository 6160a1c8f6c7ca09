package dev.wrenn.controlplane.testing;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * A real WebSocket client (the JDK's) for any route: text frames parsed as JSON (and checked to be
 * JSON), binary frames kept as bytes, the close code recorded.
 */
public final class Socket implements AutoCloseable {
    public final LinkedBlockingQueue<JsonNode> texts = new LinkedBlockingQueue<>();
    public final LinkedBlockingQueue<byte[]> binaries = new LinkedBlockingQueue<>();
    public final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile WebSocket socket;

    private Socket() {}

    private static WebSocket.Builder builder(ApiClient api) {
        var b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        List<String> h = api.headers();
        for (int i = 0; i < h.size(); i += 2) b.header(h.get(i), h.get(i + 1));
        return b;
    }

    private static URI uri(TestServer server, String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + server.baseUri().getPort() + pathAndQuery);
    }

    public static Socket open(TestServer server, ApiClient api, String pathAndQuery) throws Exception {
        var s = new Socket();
        s.socket =
                builder(api).buildAsync(uri(server, pathAndQuery), s.listener()).get(20, TimeUnit.SECONDS);
        return s;
    }

    /** The status of a refused upgrade (its body checked against the contract's Error), or 101. */
    public static int upgradeStatus(TestServer server, ApiClient api, String pathAndQuery) {
        try {
            builder(api)
                    .buildAsync(uri(server, pathAndQuery), new WebSocket.Listener() {})
                    .get(20, TimeUnit.SECONDS)
                    .abort();
            return 101;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException hs) {
                if (hs.getResponse().body() instanceof String body && !body.isEmpty()) {
                    var problems = OpenApiContract.get().violationsOf("Error", ApiClient.JSON.readTree(body));
                    if (!problems.isEmpty()) throw new AssertionError("refused upgrade: " + problems);
                }
                return hs.getResponse().statusCode();
            }
            throw new AssertionError(e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();
            private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    texts.add(ApiClient.JSON.readTree(text.toString()));
                    text.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                binary.writeBytes(b);
                if (last) {
                    binaries.add(binary.toByteArray());
                    binary.reset();
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                closed.completeExceptionally(error);
            }
        };
    }

    public void send(String json) {
        socket.sendText(json, true).join();
    }

    public void sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).join();
    }

    /** The next text message; fails after a minute without one. */
    public JsonNode next() throws InterruptedException {
        var m = texts.poll(60, TimeUnit.SECONDS);
        if (m == null) throw new AssertionError("no message within 60 s");
        return m;
    }

    @Override
    public void close() {
        socket.abort();
    }
}
