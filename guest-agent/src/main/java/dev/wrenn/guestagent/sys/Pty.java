package dev.wrenn.guestagent.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Consumer;

/**
 * A pseudo-terminal master. The child gets the slave by path and opens it itself ({@link Spawn}), so the agent
 * only ever holds the master. The master is closed by its reader thread once the last slave is gone, under a
 * lock that writers and resizes share, so no call can reach a descriptor number the kernel has already handed
 * to someone else.
 */
public final class Pty {
    private static final int O_RDWR = 2;
    private static final int O_NOCTTY = 0x100;
    private static final int O_CLOEXEC = 0x80000;
    private static final long TIOCSWINSZ = 0x5414;
    private static final int CHUNK = 16 * 1024;

    private final int master;
    private final String slavePath;
    private boolean closed;

    private Pty(int master, String slavePath) {
        this.master = master;
        this.slavePath = slavePath;
    }

    public static Pty open(int cols, int rows) throws IOException {
        int fd = Libc.posixOpenpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        try {
            Libc.grantpt(fd);
            var pty = new Pty(fd, Libc.ptsname(fd));
            pty.resize(cols, rows);
            return pty;
        } catch (IOException e) {
            Libc.close(fd);
            throw e;
        }
    }

    public String slavePath() {
        return slavePath;
    }

    public synchronized void resize(int cols, int rows) throws IOException {
        if (closed) throw new IOException("terminal closed");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ws = a.allocate(8, 2); // struct winsize { rows, cols, xpixel, ypixel }
            ws.set(ValueLayout.JAVA_SHORT, 0, (short) rows);
            ws.set(ValueLayout.JAVA_SHORT, 2, (short) cols);
            Libc.ioctl(master, TIOCSWINSZ, ws);
        }
    }

    public synchronized void write(byte[] data) throws IOException {
        if (closed) throw new IOException("terminal closed");
        Libc.writeFully(master, data);
    }

    /** Closes a master whose child never started. */
    public synchronized void closeUnused() {
        if (closed) return;
        closed = true;
        Libc.close(master);
    }

    /**
     * Reads the master until every slave is closed (EIO), handing each chunk to {@code sink}, then closes the
     * master. Blocks in read(2), so it runs on a platform thread, not a virtual one.
     */
    public Thread startReader(String name, Consumer<byte[]> sink) {
        Thread t = Thread.ofPlatform().daemon().name(name).start(() -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment buf = a.allocate(CHUNK);
                MemorySegment st = Libc.captureState(a);
                while (true) {
                    int n = Libc.read(master, buf, st);
                    if (n == 0) break;
                    sink.accept(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
                }
            } catch (IOException e) {
                // EIO: the last slave closed, the normal end of a terminal session
            } finally {
                synchronized (this) {
                    closed = true;
                    Libc.close(master);
                }
            }
        });
        return t;
    }
}
