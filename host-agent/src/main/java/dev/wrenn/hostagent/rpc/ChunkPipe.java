package dev.wrenn.hostagent.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Turns gRPC client-streamed chunks into the InputStream an HTTP upload reads. Bounded: a full pipe
 * blocks the gRPC callback, which stops gRPC from granting the client more flow-control window.
 */
final class ChunkPipe extends InputStream {
    private static final byte[] EOF = new byte[0];

    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(8);
    private volatile IOException failure;
    private volatile boolean aborted;
    private byte[] current;
    private int pos;
    private long total;

    void put(byte[] chunk) throws InterruptedException {
        if (chunk.length == 0) return;
        while (!aborted && !queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
            // wait for the reader, unless it gave up
        }
    }

    void finish() throws InterruptedException {
        while (!aborted && !queue.offer(EOF, 100, TimeUnit.MILLISECONDS)) {
            // as put
        }
    }

    /** The writer side failed: the reader sees an IOException, the writer stops blocking. */
    void abort(String why) {
        failure = new IOException(why);
        aborted = true;
        queue.clear();
        queue.offer(EOF);
    }

    long total() {
        return total;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (current == null || pos == current.length) {
            if (current == EOF) return end();
            try {
                current = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            pos = 0;
            if (current == EOF) return end();
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        total += n;
        return n;
    }

    private int end() throws IOException {
        if (failure != null) throw failure;
        return -1;
    }

    @Override
    public void close() {
        // Reader gone (upload failed or done): release a blocked writer.
        aborted = true;
        queue.clear();
    }
}
