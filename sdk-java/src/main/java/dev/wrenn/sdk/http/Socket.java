package dev.wrenn.sdk.http;

import dev.wrenn.sdk.ConnectionException;
import dev.wrenn.sdk.WrennException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * One WebSocket to the API, read as a queue of whole messages. A refused upgrade throws the API's error (the
 * server answers it in the error envelope). The reader takes messages as fast as it wants: the socket asks the
 * server for more only while few are waiting, so a slow reader slows the sender instead of filling memory, and
 * the JDK's listener is never blocked.
 */
public final class Socket implements AutoCloseable {
    /** What arrives: a JSON text message, a binary one, or the end (always last, repeated to every later read). */
    public sealed interface Message {
        record Text(JsonNode json) implements Message {}

        record Binary(byte[] data) implements Message {}

        /** The socket closed (by either side) with this code and reason, or failed ({@code error} not null). */
        record End(int code, String reason, Throwable error) implements Message {}
    }

    private static final int HIGH_WATER = 256;
    private static final int LOW_WATER = 64;

    private final LinkedBlockingQueue<Message> queue = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final ReentrantLock sending = new ReentrantLock();
    private final Object credit = new Object();
    private final Consumer<Socket> onClose;
    private volatile WebSocket ws;
    private volatile Message.End end;
    private boolean paused;

    private Socket(Consumer<Socket> onClose) {
        this.onClose = onClose;
    }

    static Socket open(HttpClient http, URI uri, String apiKey, Duration timeout, Consumer<AutoCloseable> onClose) {
        var socket = new Socket(onClose::accept);
        try {
            socket.ws = http.newWebSocketBuilder()
                    .header(Transport.API_KEY_HEADER, apiKey)
                    .connectTimeout(timeout)
                    .buildAsync(uri, socket.new Listener())
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return socket;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                var r = h.getResponse();
                byte[] body = r.body() instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : new byte[0];
                throw ApiErrors.fromResponse(
                        r.statusCode(),
                        body,
                        ApiErrors.retryAfter(
                                r.headers().firstValue("Retry-After").orElse(null)));
            }
            throw new ConnectionException("opening " + uri + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new ConnectionException("opening " + uri + " took longer than " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionException("opening " + uri + " was interrupted", e);
        }
    }

    /** The next message, waiting at most {@code timeout}; null if none came in time. */
    public Message next(Duration timeout) {
        Message end = this.end;
        if (end != null && queue.isEmpty()) return end;
        try {
            Message m = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (m == null) return null;
            if (m instanceof Message.End) {
                queue.offer(m); // every later read sees the end again
            } else {
                resumeIfDrained();
            }
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionException("waiting on a stream was interrupted", e);
        }
    }

    /** The next message, waiting as long as it takes. */
    public Message next() {
        return next(Duration.ofDays(365));
    }

    public void sendText(String text) {
        send(() -> ws.sendText(text, true));
    }

    public void sendJson(Json.Fields fields) {
        sendText(fields.text());
    }

    public void sendBinary(byte[] data) {
        send(() -> ws.sendBinary(ByteBuffer.wrap(data), true));
    }

    /** The JDK allows one send in flight per socket: sends from several threads take turns. */
    private void send(java.util.function.Supplier<CompletableFuture<WebSocket>> op) {
        if (end != null) throw new dev.wrenn.sdk.StreamException("the stream has ended: " + describe(end), null);
        sending.lock();
        try {
            op.get().get();
        } catch (ExecutionException e) {
            throw new ConnectionException("sending on a stream failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionException("sending on a stream was interrupted", e);
        } finally {
            sending.unlock();
        }
    }

    public boolean isEnded() {
        return end != null;
    }

    /**
     * Closes the socket (code 1000) and waits briefly for the server's reply, then drops the connection. Safe to
     * call more than once and after the server closed it.
     */
    @Override
    public void close() {
        try {
            WebSocket w = ws;
            if (w != null && !w.isOutputClosed()) {
                try {
                    // A send stuck behind a reader that does not read must not hold the close up.
                    if (sending.tryLock(2, TimeUnit.SECONDS)) {
                        try {
                            w.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
                        } finally {
                            sending.unlock();
                        }
                        ended.get(2, TimeUnit.SECONDS);
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // the connection is dropped below either way
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (w != null) w.abort();
            finish(new Message.End(WebSocket.NORMAL_CLOSURE, "closed by the client", null));
        } finally {
            onClose.accept(this);
        }
    }

    static String describe(Message.End end) {
        if (end.error() != null) return "failed: " + end.error();
        return "closed (" + end.code() + (end.reason() == null || end.reason().isEmpty() ? "" : " " + end.reason())
                + ")";
    }

    private void finish(Message.End e) {
        synchronized (credit) {
            if (end != null) return;
            end = e;
        }
        queue.offer(e);
        ended.complete(null);
    }

    private void deliver(WebSocket webSocket, Message m) {
        queue.offer(m);
        synchronized (credit) {
            if (queue.size() >= HIGH_WATER) {
                paused = true;
                return;
            }
        }
        webSocket.request(1);
    }

    private void resumeIfDrained() {
        synchronized (credit) {
            if (!paused || queue.size() > LOW_WATER || end != null) return;
            paused = false;
        }
        ws.request(1);
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (!last) {
                webSocket.request(1);
                return null;
            }
            String whole = text.toString();
            text.setLength(0);
            JsonNode json;
            try {
                json = Json.tree(whole);
            } catch (JacksonException e) {
                finish(new Message.End(
                        0, null, new IllegalStateException("the server sent a message that is not JSON")));
                webSocket.abort();
                return null;
            }
            deliver(webSocket, new Message.Text(json));
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (!last) {
                webSocket.request(1);
                return null;
            }
            byte[] whole = binary.toByteArray();
            binary.reset();
            deliver(webSocket, new Message.Binary(whole));
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            finish(new Message.End(statusCode, reason, null));
            return null; // the JDK answers the close at once
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            finish(new Message.End(0, null, error));
        }
    }

    /**
     * The error a stream's {@code {"type":"error"}} message stands for, classified by the close that follows it.
     * The stream is over after an error: a message other than the close is dropped.
     */
    public WrennException errorOf(String message) {
        // The server closes right after an error message; its close reason is the API's error code when there is
        // one (1008 "sandbox_not_running"), so wait briefly for it.
        Message m = next(Duration.ofSeconds(2));
        if (m instanceof Message.End e && e.reason() != null && ApiErrors.known(e.reason())) {
            return ApiErrors.fromCode(e.reason(), message);
        }
        return new dev.wrenn.sdk.StreamException(message, null);
    }
}
