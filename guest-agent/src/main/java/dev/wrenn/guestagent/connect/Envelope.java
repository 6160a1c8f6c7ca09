package dev.wrenn.guestagent.connect;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The Connect streaming envelope: one flag byte, a big-endian uint32 length, then the message. */
public record Envelope(int flags, byte[] data) {
    public static final int COMPRESSED = 0x01;
    public static final int END_STREAM = 0x02;

    /** Reads one envelope; null at a clean end of input. Rejects lengths over {@code maxLength}. */
    public static Envelope read(InputStream in, int maxLength) throws IOException {
        byte[] head = in.readNBytes(5);
        if (head.length == 0) return null;
        if (head.length < 5) throw new EOFException("truncated envelope prefix");
        long len = ((head[1] & 0xffL) << 24) | ((head[2] & 0xff) << 16) | ((head[3] & 0xff) << 8) | (head[4] & 0xff);
        if (len > maxLength) throw new ConnectError("resource_exhausted", "message of " + len + " bytes is too large");
        byte[] data = in.readNBytes((int) len);
        if (data.length < len) throw new EOFException("truncated envelope");
        return new Envelope(head[0] & 0xff, data);
    }

    public static void write(OutputStream out, int flags, byte[] data) throws IOException {
        int n = data.length;
        out.write(new byte[] {(byte) flags, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        out.write(data);
    }
}
