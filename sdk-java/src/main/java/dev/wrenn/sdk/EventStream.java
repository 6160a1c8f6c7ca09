package dev.wrenn.sdk;

import dev.wrenn.sdk.http.Socket;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Events from one WebSocket, in order, read in either of two ways: iterated (a blocking {@link Iterator}, a
 * {@link Stream}, or {@link #next(Duration)}), or handed to a callback on a virtual thread of the stream's own
 * that ends with the stream. Closing the stream closes its socket; events after the last one, or after
 * {@link #close()}, are never delivered.
 *
 * <p>A stream that the server ends with an error message throws it, as the {@link WrennException} of its class,
 * from the iterator (or from {@link #awaitEnd()} for callbacks).
 *
 * @param <E> the event type
 */
public abstract class EventStream<E> implements Iterable<E>, AutoCloseable {
    private final Socket socket;
    private boolean done;
    private boolean iterating;
    private CompletableFuture<Void> pumped;

    protected EventStream(Socket socket) {
        this.socket = socket;
    }

    /**
     * The event a text or binary message stands for, or null for a message that is none (a keepalive, a control
     * message the subclass consumed). Called on the reading thread, in order.
     */
    protected abstract E decode(Socket.Message message);

    /** Whether {@code event} is the stream's last one (a process's exit). */
    protected abstract boolean isLast(E event);

    /** What the socket's end before the last event means: by default an error unless it closed normally (1000). */
    protected E ended(Socket.Message.End end) {
        if (end.error() == null && end.code() == 1000) return null;
        throw new StreamException(
                "the stream ended before its last event: " + (end.error() != null ? end.error() : end.code()),
                end.error());
    }

    protected final Socket socket() {
        return socket;
    }

    /**
     * Reads the stream's opening control message {@code {"type":type}} (a watch in place, a shell started), before
     * any event is read; an error message or an early end throws instead (and closes the stream).
     */
    protected final tools.jackson.databind.JsonNode awaitOpening(String type) {
        try {
            while (true) {
                Socket.Message m = socket.next();
                if (m instanceof Socket.Message.Text t) {
                    String got = t.json().path("type").asString("");
                    if (got.equals(type)) return t.json();
                    if (got.equals("error"))
                        throw socket.errorOf(t.json().path("data").asString("the stream failed"));
                } else if (m instanceof Socket.Message.End end) {
                    throw new StreamException(
                            "the stream ended before it started: " + end.code() + " "
                                    + (end.error() != null ? end.error() : end.reason()),
                            end.error());
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The next event, waiting at most {@code timeout}: null if none came in time, and also null once the stream is
     * over (then {@link #isDone()} is true).
     */
    public E next(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            synchronized (this) {
                if (done) return null;
            }
            long left = deadline - System.nanoTime();
            Socket.Message m = socket.next(Duration.ofNanos(Math.max(0, left)));
            if (m == null) return null;
            E event = interpret(m);
            if (event != null) return event;
            if (left <= 0) return null;
        }
    }

    private E interpret(Socket.Message m) {
        try {
            if (m instanceof Socket.Message.End end) {
                finish();
                return ended(end);
            }
            if (m instanceof Socket.Message.Text t
                    && t.json().path("type").asString("").equals("error")) {
                String message = t.json().path("data").asString("the stream failed");
                WrennException error = socket.errorOf(message);
                finish();
                throw error;
            }
            E event = decode(m);
            if (event != null && isLast(event)) finish();
            return event;
        } catch (RuntimeException e) {
            finish();
            socket.close();
            throw e;
        }
    }

    private synchronized void finish() {
        done = true;
    }

    /** Whether the last event (or the end) has been read. */
    public synchronized boolean isDone() {
        return done;
    }

    /** The events from here on; single use, and not once a callback takes them. */
    @Override
    public synchronized Iterator<E> iterator() {
        if (iterating || pumped != null) throw new IllegalStateException("this stream is read already");
        iterating = true;
        return new Iterator<>() {
            private E ahead;

            @Override
            public boolean hasNext() {
                while (ahead == null) {
                    if (isDone()) return false;
                    ahead = EventStream.this.next(Duration.ofDays(365));
                }
                return true;
            }

            @Override
            public E next() {
                if (!hasNext()) throw new NoSuchElementException();
                E e = ahead;
                ahead = null;
                return e;
            }
        };
    }

    /** The events as a sequential {@link Stream}; closing the Stream closes this. */
    public Stream<E> stream() {
        return StreamSupport.stream(
                        Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL),
                        false)
                .onClose(this::close);
    }

    /**
     * Hands every event to {@code sink} on a virtual thread of this stream's own, which ends with the stream; a
     * sink that throws ends the stream with that exception. Subclasses start it once, at construction.
     */
    protected final synchronized void pump(Consumer<E> sink) {
        if (iterating || pumped != null) throw new IllegalStateException("this stream is read already");
        var result = new CompletableFuture<Void>();
        pumped = result;
        Thread.ofVirtual().name("wrenn-stream").start(() -> {
            try {
                while (true) {
                    E e = next(Duration.ofDays(365));
                    if (e != null) sink.accept(e);
                    else if (isDone()) break;
                }
                result.complete(null);
            } catch (Throwable t) {
                result.completeExceptionally(t);
                socket.close();
            }
        });
    }

    /**
     * Waits until the stream is over: the callback has had every event (rethrowing what ended it), or, when the
     * stream is iterated here, reads to the last event and discards the rest.
     */
    protected void awaitEnd() {
        CompletableFuture<Void> p;
        synchronized (this) {
            p = pumped;
        }
        if (p == null) {
            while (!isDone()) next(Duration.ofDays(365));
            return;
        }
        try {
            p.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new StreamException("the stream's callback failed: " + e.getCause(), e.getCause());
        }
    }

    /** Closes the socket; a callback thread ends with it. */
    @Override
    public void close() {
        finish();
        socket.close();
    }
}
