package dev.wrenn.bench;

import java.io.InputStream;

/** {@code size} pseudo-random bytes, generated as read: an upload body that needs no file. */
final class RandomStream extends InputStream {
    private final java.util.Random random = new java.util.Random(3);
    private long left;

    RandomStream(long size) {
        this.left = size;
    }

    @Override
    public int read() {
        if (left == 0) return -1;
        left--;
        return random.nextInt(256);
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (left == 0) return -1;
        int n = (int) Math.min(len, left);
        byte[] chunk = new byte[n];
        random.nextBytes(chunk);
        System.arraycopy(chunk, 0, b, off, n);
        left -= n;
        return n;
    }
}
