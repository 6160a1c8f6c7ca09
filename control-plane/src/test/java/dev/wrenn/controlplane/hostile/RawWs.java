package dev.wrenn.controlplane.hostile;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a bare socket, so a test can send frames no well-behaved client would (a continuation with
 * nothing to continue, invalid UTF-8 in a text frame), go silent after the upgrade, or vanish without a close frame.
 */
final class RawWs implements AutoCloseable {
    static final int TEXT = 1;
    static final int BINARY = 2;
    static final int CONTINUATION = 0;
    static final int CLOSE = 8;

    /** A frame from the server: its opcode and payload; a close frame's payload starts with its code. */
    record Frame(int opcode, byte[] payload) {
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    final int status;

    private RawWs(Socket socket, int status) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.status = status;
    }

    /** Upgrades {@code path}; {@link #status} is 101 when the server accepted (else the socket is closed). */
    static RawWs open(int port, String path, Map<String, String> headers) throws IOException {
        var socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout((int) RawHttp.DEADLINE.toMillis());
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        var req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(key) + "\r\n");
        headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        socket.getOutputStream().write((req + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        var head = new ByteArrayOutputStream();
        var raw = socket.getInputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = raw.read();
            if (b < 0) break;
            head.write(b);
        }
        String[] line = head.toString(StandardCharsets.ISO_8859_1).split(" ", 3);
        int status = line.length > 1 ? Integer.parseInt(line[1]) : -1;
        return new RawWs(socket, status);
    }

    /** One masked frame, as the protocol wants from a client; {@code fin} false leaves a message open. */
    void frame(int opcode, boolean fin, byte[] payload) throws IOException {
        var f = new ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length & 0xff);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) f.write((int) (((long) payload.length >>> (8 * i)) & 0xff));
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        f.writeBytes(mask);
        byte[] masked = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) masked[i] = (byte) (payload[i] ^ mask[i & 3]);
        f.writeBytes(masked);
        out.write(f.toByteArray());
        out.flush();
    }

    void text(String s) throws IOException {
        frame(TEXT, true, s.getBytes(StandardCharsets.UTF_8));
    }

    /** The next frame from the server, or null when it closed the connection or nothing came within the deadline. */
    Frame read() throws IOException {
        try {
            int b0 = in.read();
            if (b0 < 0) return null;
            int b1 = in.readUnsignedByte();
            long len = b1 & 0x7f;
            if (len == 126) len = in.readUnsignedShort();
            else if (len == 127) len = in.readLong();
            byte[] payload = new byte[(int) len];
            in.readFully(payload);
            return new Frame(b0 & 0x0f, payload);
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Frames until the server's close frame (returned) or its end of stream or the deadline (null). */
    Frame untilClose() throws IOException {
        for (Frame f; (f = read()) != null; ) if (f.opcode() == CLOSE) return f;
        return null;
    }

    void soTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /** Gone without a close frame: the socket is reset, as when a client's machine drops off. */
    @Override
    public void close() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }
}
