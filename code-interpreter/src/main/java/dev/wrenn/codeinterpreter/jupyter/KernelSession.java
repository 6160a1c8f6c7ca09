package dev.wrenn.codeinterpreter.jupyter;

import dev.wrenn.codeinterpreter.zmtp.ZmtpSocket;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One running kernel and our three connections to it. A virtual thread per channel reads, checks the
 * signature and hands each message to the {@link Listener} registered for its parent msg_id; when any
 * connection drops, every listener is told, so no execution waits for a kernel that is gone.
 */
public final class KernelSession implements AutoCloseable {
    private final KernelProcess process;
    private final WireCodec codec;
    private final String session = UUID.randomUUID().toString();
    private final Map<Channel, ZmtpSocket> sockets = new EnumMap<>(Channel.class);
    private final Map<String, Listener> listeners = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Set once no more messages will be delivered; what listeners were told. */
    private volatile String closedReason;
    /** Set while shutting down on purpose, so that the connections dropping are reported as that purpose. */
    private volatile String closingReason;

    private KernelSession(KernelProcess process, ConnectionFile connection) {
        this.process = process;
        this.codec = new WireCodec(new Signer(connection.key()));
    }

    /** Starts a kernel and returns once it answers kernel_info with iopub subscribed, or throws. */
    public static KernelSession start(KernelSpec spec) throws IOException {
        ConnectionFile connection = ConnectionFile.allocate();
        KernelProcess process = KernelProcess.start(spec.python(), connection, spec.cwd(), spec.env());
        var s = new KernelSession(process, connection);
        long deadline = System.nanoTime() + spec.startTimeout().toNanos();
        try {
            byte[] identity = s.session.getBytes(StandardCharsets.US_ASCII);
            for (Channel c : Channel.values()) {
                // Routing ids mean something to ROUTERs only; iopub is a PUB.
                boolean sub = c == Channel.IOPUB;
                var type = sub ? ZmtpSocket.Type.SUB : ZmtpSocket.Type.DEALER;
                s.sockets.put(c, s.connect(connection.port(c), type, sub ? null : identity, deadline));
            }
            s.sockets.forEach(
                    (c, socket) -> Thread.ofVirtual().name("kernel-" + c).start(() -> s.read(c, socket)));
            s.awaitReady(deadline);
            return s;
        } catch (IOException | RuntimeException e) {
            s.closingReason = "the kernel did not start";
            s.closeNow();
            String tail = process.logTail();
            throw new KernelStartException(
                    "the Python kernel (" + spec.python() + " -m ipykernel_launcher) did not start: " + e.getMessage()
                            + (tail.isEmpty() ? "" : "; its output:\n" + tail),
                    e);
        }
    }

    private ZmtpSocket connect(int port, ZmtpSocket.Type type, byte[] identity, long deadline) throws IOException {
        var address = new InetSocketAddress(ConnectionFile.IP, port);
        while (true) {
            try {
                return ZmtpSocket.connect(address, type, identity, Duration.ofSeconds(5));
            } catch (ConnectException e) {
                // Not bound yet: the interpreter is still importing ipykernel.
                if (!process.isAlive()) throw new IOException("it exited", e);
                if (System.nanoTime() > deadline) throw new IOException("timed out waiting for it to listen", e);
                sleep(50);
            }
        }
    }

    /**
     * kernel_info until both its reply (shell) and a status for it (iopub) arrive: only then is our
     * subscription known to be in place, so that no output of the first execution is lost.
     */
    private void awaitReady(long deadline) throws IOException {
        while (true) {
            var replied = new CompletableFuture<Void>();
            var published = new CompletableFuture<Void>();
            Message probe = message("kernel_info_request", Map.of());
            listen(probe.id(), new Listener() {
                @Override
                public void onMessage(Channel channel, Message m) {
                    if (channel == Channel.SHELL) replied.complete(null);
                    if (channel == Channel.IOPUB) published.complete(null);
                }

                @Override
                public void onClosed(String reason) {
                    replied.completeExceptionally(new IOException(reason));
                }
            });
            try {
                send(Channel.SHELL, probe);
                CompletableFuture.allOf(replied, published).get(1, TimeUnit.SECONDS);
                return;
            } catch (TimeoutException e) {
                if (System.nanoTime() > deadline) throw new IOException("no answer to kernel_info in time");
                if (!process.isAlive()) throw new IOException("it exited");
            } catch (ExecutionException e) {
                throw new IOException(e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            } finally {
                unlisten(probe.id());
            }
        }
    }

    private void read(Channel channel, ZmtpSocket socket) {
        try {
            while (true) {
                List<byte[]> frames = socket.receive();
                Message m;
                try {
                    m = codec.decode(frames);
                } catch (BadMessageException e) {
                    System.err.println(
                            "wrenn-code-interpreter: dropped a message on " + channel + ": " + e.getMessage());
                    continue;
                }
                String parent = m.parentId();
                Listener l = parent == null ? null : listeners.get(parent);
                if (l != null) l.onMessage(channel, m);
            }
        } catch (IOException e) {
            String closing = closingReason;
            lost(closing != null ? closing : "the kernel went away (its " + channel + " connection closed)");
        }
    }

    private void lost(String reason) {
        if (closedReason == null) closedReason = reason;
        for (var key : List.copyOf(listeners.keySet())) {
            Listener l = listeners.remove(key);
            if (l != null) l.onClosed(closedReason);
        }
    }

    public Message message(String type, Map<String, Object> content) {
        return Message.request(session, type, content);
    }

    /** Register before sending, so that even the fastest reply finds its listener. */
    public void listen(String msgId, Listener listener) {
        listeners.put(msgId, listener);
        if (closedReason != null && listeners.remove(msgId) != null) listener.onClosed(closedReason);
    }

    public void unlisten(String msgId) {
        listeners.remove(msgId);
    }

    public void send(Channel channel, Message m) throws IOException {
        ZmtpSocket socket = sockets.get(channel);
        if (closedReason != null || socket == null) throw new IOException(closedReason);
        socket.send(codec.encode(m));
    }

    /** Whether the kernel is still there to run code. */
    public boolean isAlive() {
        return closedReason == null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Interrupts whatever runs (ipykernel turns interrupt_request into SIGINT to itself). */
    public void interrupt() throws IOException {
        send(Channel.CONTROL, message("interrupt_request", Map.of()));
    }

    /** Tells listeners {@code reason}, asks the kernel to shut down, and reaps it. Idempotent. */
    public void close(String reason) {
        if (!closed.compareAndSet(false, true)) return;
        closingReason = reason;
        if (closedReason == null) {
            var reply = new CompletableFuture<Void>();
            Message shutdown = message("shutdown_request", Map.of("restart", false));
            listen(shutdown.id(), new Listener() {
                @Override
                public void onMessage(Channel channel, Message m) {
                    if (channel == Channel.CONTROL) reply.complete(null);
                }

                @Override
                public void onClosed(String why) {
                    reply.complete(null);
                }
            });
            try {
                send(Channel.CONTROL, shutdown);
                reply.get(2, TimeUnit.SECONDS);
            } catch (IOException | ExecutionException | TimeoutException e) {
                // a kernel that cannot answer is stopped by signal below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        process.stop(Duration.ofSeconds(2));
        closeNow();
        lost(reason);
    }

    @Override
    public void close() {
        close("the kernel was shut down");
    }

    private void closeNow() {
        sockets.values().forEach(ZmtpSocket::close);
        if (process.isAlive()) process.stop(Duration.ZERO);
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
