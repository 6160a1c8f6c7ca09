package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.OpenApiContract;
import dev.wrenn.controlplane.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/** A real WebSocket client (the JDK's) for the exec stream, recording messages with their arrival time. */
final class WsClient implements AutoCloseable {
    record Message(long atNanos, JsonNode json) {}

    final LinkedBlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile WebSocket socket;

    private WsClient() {}

    static URI uri(TestServer server, String id) {
        return URI.create("ws://127.0.0.1:" + server.baseUri().getPort() + "/v1/sandboxes/" + id + "/exec/stream");
    }

    static WsClient connect(TestServer server, ApiClient api, String id) throws Exception {
        var client = new WsClient();
        var builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        List<String> h = api.headers();
        for (int i = 0; i < h.size(); i += 2) builder.header(h.get(i), h.get(i + 1));
        client.socket = builder.buildAsync(uri(server, id), client.listener()).get(20, TimeUnit.SECONDS);
        return client;
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    messages.add(new Message(System.nanoTime(), ApiClient.JSON.readTree(partial.toString())));
                    partial.setLength(0);
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

    /** The HTTP status the server answered the upgrade with, or 101 when it upgraded. */
    static int handshakeStatus(TestServer server, ApiClient api, String id) {
        var builder = HttpClient.newHttpClient().newWebSocketBuilder();
        List<String> h = api.headers();
        for (int i = 0; i < h.size(); i += 2) builder.header(h.get(i), h.get(i + 1));
        try {
            var ws = builder.buildAsync(uri(server, id), new WebSocket.Listener() {})
                    .get(20, TimeUnit.SECONDS);
            ws.abort();
            return 101;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException hs) {
                var response = hs.getResponse();
                Object body = response.body();
                if (body instanceof String s && !s.isEmpty()) {
                    var problems = OpenApiContract.get().violationsOf("Error", ApiClient.JSON.readTree(s));
                    if (!problems.isEmpty())
                        throw new AssertionError("refused upgrade body violates the contract: " + problems);
                }
                return response.statusCode();
            }
            throw new AssertionError(e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    void send(String json) {
        socket.sendText(json, true).join();
    }

    Message next() throws InterruptedException {
        var m = messages.poll(60, TimeUnit.SECONDS);
        if (m == null) throw new AssertionError("no message within 60 s");
        return m;
    }

    void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        socket.abort();
    }
}
