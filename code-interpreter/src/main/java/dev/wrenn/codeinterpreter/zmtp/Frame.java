package dev.wrenn.codeinterpreter.zmtp;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * One ZMTP 3.0 frame: a flags octet (MORE, LONG, COMMAND), a 1- or 8-octet size, the body.
 * Reading enforces a size cap so that a corrupt or hostile size cannot make us allocate gigabytes.
 */
public record Frame(boolean more, boolean command, byte[] body) {
    static final int MORE = 0x01;
    static final int LONG = 0x02;
    static final int COMMAND = 0x04;

    public static void write(DataOutputStream out, boolean more, boolean command, byte[] body) throws IOException {
        int flags = (more ? MORE : 0) | (command ? COMMAND : 0);
        if (body.length > 255) {
            out.writeByte(flags | LONG);
            out.writeLong(body.length);
        } else {
            out.writeByte(flags);
            out.writeByte(body.length);
        }
        out.write(body);
    }

    public static Frame read(DataInputStream in, long maxSize) throws IOException {
        int flags = in.readUnsignedByte();
        if ((flags & ~(MORE | LONG | COMMAND)) != 0) {
            throw new IOException("ZMTP frame with reserved flag bits set: 0x" + Integer.toHexString(flags));
        }
        long size = (flags & LONG) != 0 ? in.readLong() : in.readUnsignedByte();
        if (size < 0 || size > maxSize) {
            throw new IOException("ZMTP frame of " + size + " bytes is over the " + maxSize + "-byte limit");
        }
        byte[] body = new byte[(int) size];
        in.readFully(body);
        boolean command = (flags & COMMAND) != 0;
        if (command && (flags & MORE) != 0) {
            throw new IOException("ZMTP command frame with the MORE flag");
        }
        return new Frame((flags & MORE) != 0, command, body);
    }
}
