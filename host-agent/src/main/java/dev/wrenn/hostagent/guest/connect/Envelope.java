package dev.wrenn.hostagent.guest.connect;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * One message of a Connect stream: a flags byte, a big-endian uint32 length, then that many bytes of
 * JSON. Flag 0x02 marks the end-of-stream message, 0x01 a compressed one (never requested here, so a
 * compressed message is a protocol error).
 */
record Envelope(int flags, byte[] data) {
    static final int COMPRESSED = 0x01;
    static final int END_STREAM = 0x02;

    /** Messages larger than this are refused: a guest cannot make the host agent allocate without bound. */
    static final int MAX_MESSAGE = 16 << 20;

    boolean endOfStream() {
        return (flags & END_STREAM) != 0;
    }

    static byte[] frame(byte[] json) {
        return ByteBuffer.allocate(5 + json.length)
                .put((byte) 0)
                .putInt(json.length)
                .put(json)
                .array();
    }

    /** The next envelope, or null at a clean end of input (between envelopes). */
    static Envelope read(InputStream in) throws IOException {
        int flags = in.read();
        if (flags < 0) return null;
        DataInputStream data = new DataInputStream(in);
        int length;
        try {
            length = data.readInt();
        } catch (EOFException e) {
            throw new IOException("Connect stream ended inside an envelope header", e);
        }
        if (length < 0 || length > MAX_MESSAGE) throw new IOException("Connect message of " + length + " bytes");
        if ((flags & COMPRESSED) != 0) throw new IOException("compressed Connect message, none was asked for");
        byte[] body = new byte[length];
        try {
            data.readFully(body);
        } catch (EOFException e) {
            throw new IOException("Connect stream ended inside a message of " + length + " bytes", e);
        }
        return new Envelope(flags, body);
    }
}
