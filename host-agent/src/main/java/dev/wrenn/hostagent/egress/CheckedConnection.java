package dev.wrenn.hostagent.egress;

import dev.wrenn.hostagent.host.NativeTcp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One guest connection through a {@link NameChecker}: read its name, decide, then relay both ways. */
final class CheckedConnection {
    private static final Logger log = LoggerFactory.getLogger(CheckedConnection.class);
    /** How long a guest has to send its ClientHello or request head. */
    static final int SNIFF_TIMEOUT_S = 10;

    static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final int CHUNK = 64 * 1024;
    /** A fatal TLS alert, access_denied (RFC 8446 6.2): the client reports "alert access denied". */
    private static final byte[] TLS_ACCESS_DENIED = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x31};

    private final String id;
    private final int guest;
    private final InetSocketAddress to;
    private final Supplier<NetworkPolicy> policy;
    private final Consumer<CheckedConnection> done;
    private final Socket upstream = new Socket();
    /** Refused with a reset rather than an answer. */
    private boolean reset;

    CheckedConnection(
            String id,
            int guest,
            InetSocketAddress to,
            Supplier<NetworkPolicy> policy,
            Consumer<CheckedConnection> done) {
        this.id = id;
        this.guest = guest;
        this.to = to;
        this.policy = policy;
        this.done = done;
    }

    void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = NativeTcp.callState(arena);
            MemorySegment buf = arena.allocate(ServerName.MAX_BYTES);
            NativeTcp.receiveTimeout(guest, SNIFF_TIMEOUT_S);
            int len = 0;
            ServerName.Sniff sniff = ServerName.Sniff.MORE;
            while (!sniff.complete()) {
                int n = NativeTcp.read(guest, buf.asSlice(len), state);
                if (n <= 0) break; // end of stream or a silent guest: decide on what came
                len += n;
                sniff = ServerName.sniff(buf.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE), len);
            }
            if (len == 0) return;
            int address = java.nio.ByteBuffer.wrap(to.getAddress().getAddress()).getInt();
            NetworkPolicy p = policy.get();
            if (!p.admits(sniff.name(), address)) {
                refuse(sniff, buf, state);
                return;
            }
            upstream.connect(to, CONNECT_TIMEOUT_MS);
            upstream.setTcpNoDelay(true);
            NativeTcp.receiveTimeout(guest, 0);
            OutputStream out = upstream.getOutputStream();
            out.write(buf.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE));
            out.flush();
            Thread back =
                    Thread.ofPlatform().daemon().name("name-check-back-" + id).start(this::toGuest);
            try {
                toUpstream(arena, state, out);
            } catch (IOException e) {
                upstream.close(); // wakes the other direction, which must be done before the descriptor closes
                throw e;
            } finally {
                back.join();
            }
        } catch (IOException e) {
            log.debug("sandbox {}: connection to {} ended: {}", id, to, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                upstream.close();
            } catch (IOException ignored) {
                // closing
            }
            // Only this thread closes the descriptor: the others are done with it by now.
            if (reset) NativeTcp.reset(guest);
            else NativeTcp.close(guest);
            done.accept(this);
        }
    }

    private void refuse(ServerName.Sniff sniff, MemorySegment buf, MemorySegment state) throws IOException {
        String what = sniff.name() != null ? sniff.name() : "a connection that names no server";
        log.info("sandbox {}: egress to {} ({}) refused by its policy", id, what, to);
        byte[] answer = switch (sniff.protocol()) {
            case TLS -> TLS_ACCESS_DENIED;
            case HTTP -> {
                String body = "wrenn: this sandbox's egress policy does not allow " + what + "\n";
                yield ("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                                + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body)
                        .getBytes(StandardCharsets.UTF_8);
            }
            case OTHER -> null;
        };
        if (answer == null) {
            reset = true;
            return;
        }
        MemorySegment.copy(answer, 0, buf, ValueLayout.JAVA_BYTE, 0, answer.length);
        NativeTcp.write(guest, buf, answer.length, state);
        NativeTcp.shutdown(guest, NativeTcp.SHUT_WR);
    }

    private void toUpstream(Arena arena, MemorySegment state, OutputStream out) throws IOException {
        MemorySegment buf = arena.allocate(CHUNK);
        byte[] heap = new byte[CHUNK];
        try {
            while (true) {
                int n = NativeTcp.read(guest, buf, state);
                if (n <= 0) break;
                MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, heap, 0, n);
                out.write(heap, 0, n);
            }
        } finally {
            try {
                upstream.shutdownOutput();
            } catch (IOException closedAlready) {
                // the other direction ended it
            }
        }
    }

    private void toGuest() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = NativeTcp.callState(arena);
            MemorySegment buf = arena.allocate(CHUNK);
            byte[] heap = new byte[CHUNK];
            InputStream in = upstream.getInputStream();
            int n;
            while ((n = in.read(heap)) > 0) {
                MemorySegment.copy(heap, 0, buf, ValueLayout.JAVA_BYTE, 0, n);
                NativeTcp.write(guest, buf, n, state);
            }
            NativeTcp.shutdown(guest, NativeTcp.SHUT_WR);
        } catch (IOException e) {
            // The guest's side ends too: its next read sees the end.
            NativeTcp.shutdown(guest, NativeTcp.SHUT_RDWR);
        }
    }

    /** Wakes both directions (the checker's teardown); {@link #run} then closes what is left. */
    void stop() {
        NativeTcp.shutdown(guest, NativeTcp.SHUT_RDWR);
        try {
            upstream.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
