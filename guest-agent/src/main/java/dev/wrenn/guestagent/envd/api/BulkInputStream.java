package dev.wrenn.guestagent.envd.api;

import java.io.IOException;
import java.io.InputStream;

/** A stream whose work is all in its bulk read: a single-byte read goes through it. */
abstract class BulkInputStream extends InputStream {
    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;
}
