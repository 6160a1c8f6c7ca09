package dev.wrenn.guestagent.sys;

import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;

/**
 * The agent's end of a child's stdin. A write waits while the pipe is full (64 KiB the child has not read);
 * on a virtual thread that wait happens on a platform thread ({@link Blocking}).
 */
final class PipeOutputStream extends FilterOutputStream {
    PipeOutputStream(FileOutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Blocking.call(() -> {
            out.write(b, off, len);
            return null;
        });
    }
}
