package dev.wrenn.codeinterpreter.zmtp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The client end of one ZMTP 3.0 connection (RFC 23) over TCP, NULL mechanism: enough of ZeroMQ to
 * be a DEALER or a SUB towards a Jupyter kernel. No reconnection, no queueing: a kernel lives on
 * loopback next to us, and when its connection drops the kernel is gone.
 *
 * <p>One thread receives, any thread may send (sends are serialised so multipart messages never interleave).
 */
public final class ZmtpSocket implements AutoCloseable {
    /** Frames above this are refused: a kernel's largest output (an image) is a few megabytes. */
    static final long MAX_FRAME = 256L << 20;

    public enum Type {
        DEALER(Set.of("ROUTER", "DEALER", "REP")),
        SUB(Set.of("PUB", "XPUB"));

        private final Set<String> peers;

        Type(Set<String> peers) {
            this.peers = peers;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final String peerType;

    private ZmtpSocket(Socket socket, DataInputStream in, DataOutputStream out, String peerType) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.peerType = peerType;
    }

    /**
     * Connects and completes the handshake within {@code timeout}. {@code identity} (DEALER only) is the
     * routing id the peer's ROUTER will see; null lets the peer pick one.
     */
    public static ZmtpSocket connect(InetSocketAddress address, Type type, byte[] identity, Duration timeout)
            throws IOException {
        var socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(address, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            var in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
            var out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
            out.write(Greeting.encode());
            Frame.write(out, false, true, Command.ready(type.name(), identity).encode());
            out.flush();

            byte[] greeting = new byte[Greeting.LENGTH];
            in.readFully(greeting);
            Greeting.check(greeting);
            Frame first = Frame.read(in, MAX_FRAME);
            if (!first.command()) throw new IOException("ZMTP peer sent a message before READY");
            Command ready = Command.decode(first.body());
            if (ready.name().equals("ERROR")) {
                throw new IOException("ZMTP peer refused the handshake: " + ready.property("Reason"));
            }
            if (!ready.name().equals("READY")) throw new IOException("ZMTP peer sent " + ready.name() + ", not READY");
            String peerType = ready.property("Socket-Type");
            if (peerType == null || !type.peers.contains(peerType.toUpperCase())) {
                throw new IOException("a " + type + " socket cannot talk to a " + peerType + " socket");
            }
            socket.setSoTimeout(0);
            var zmtp = new ZmtpSocket(socket, in, out, peerType);
            // ZMTP 3.0 subscriptions are ordinary messages: 0x01 then the topic prefix (empty = everything).
            if (type == Type.SUB) zmtp.send(List.of(new byte[] {1}));
            return zmtp;
        } catch (SocketTimeoutException e) {
            socket.close();
            throw new IOException("ZMTP handshake with " + address + " timed out", e);
        } catch (EOFException e) {
            // libzmq hangs up without a word on a READY it will not accept (a socket type it cannot pair with).
            socket.close();
            throw new IOException(
                    "ZMTP peer " + address + " closed the connection during the handshake" + " (is it a "
                            + String.join(" or ", new TreeSet<>(type.peers)) + " socket?)",
                    e);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    public String peerType() {
        return peerType;
    }

    /** Sends one multipart message. */
    public void send(List<byte[]> parts) throws IOException {
        if (parts.isEmpty()) throw new IllegalArgumentException("a ZMTP message has at least one frame");
        synchronized (out) {
            for (int i = 0; i < parts.size(); i++) {
                Frame.write(out, i < parts.size() - 1, false, parts.get(i));
            }
            out.flush();
        }
    }

    /**
     * Blocks for the next multipart message. Commands between messages (PING from newer peers) are
     * skipped: heartbeating is off on Jupyter kernels' sockets. Throws {@link java.io.EOFException}
     * when the peer closes.
     */
    public List<byte[]> receive() throws IOException {
        var parts = new ArrayList<byte[]>(8);
        while (true) {
            Frame f = Frame.read(in, MAX_FRAME);
            if (f.command()) {
                if (!parts.isEmpty()) throw new IOException("ZMTP command inside a multipart message");
                Command c = Command.decode(f.body());
                if (c.name().equals("ERROR")) throw new IOException("ZMTP peer error: " + c.property("Reason"));
                continue;
            }
            parts.add(f.body());
            if (!f.more()) return parts;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing: nothing left to tell the peer
        }
    }
}
