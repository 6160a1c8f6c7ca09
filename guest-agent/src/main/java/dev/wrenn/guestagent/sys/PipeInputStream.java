package dev.wrenn.guestagent.sys;

import java.io.FileInputStream;
import java.io.FilterInputStream;
import java.io.IOException;

/**
 * The agent's end of a child's stdout or stderr. It closes its descriptor at end of file, so that a reader
 * that drains the pipe leaves nothing open even if it never calls close; after that it keeps answering end of
 * file. A read that would wait, on a virtual thread, waits on a platform thread ({@link Blocking}); one that
 * finds bytes in the pipe reads them where it is.
 */
final class PipeInputStream extends FilterInputStream {
    private volatile boolean ended;

    PipeInputStream(FileInputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (ended) return -1;
        if (len == 0) return 0;
        int n = in.available() > 0 ? in.read(b, off, len) : Blocking.call(() -> in.read(b, off, len));
        if (n < 0) {
            ended = true;
            close();
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return ended ? 0 : in.available();
    }
}
