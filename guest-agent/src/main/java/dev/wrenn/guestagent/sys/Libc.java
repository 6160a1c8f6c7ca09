package dev.wrenn.guestagent.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The few libc calls the JDK has no API for (pseudo-terminals, inotify, raw reads of their fds), bound through
 * FFM. Every call captures errno so that failures carry the kernel's reason.
 */
public final class Libc {
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EAGAIN = 11;

    private static final Linker LINKER = Native.LINKER;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout PTR = ValueLayout.ADDRESS;

    private static final MethodHandle POSIX_OPENPT = bind("posix_openpt", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle GRANTPT = bind("grantpt", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle UNLOCKPT = bind("unlockpt", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle PTSNAME_R = bind("ptsname_r", FunctionDescriptor.of(INT, INT, PTR, LONG));
    private static final MethodHandle IOCTL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("ioctl").orElseThrow(),
            FunctionDescriptor.of(INT, INT, LONG, PTR),
            Linker.Option.firstVariadicArg(2),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle READ = bind("read", FunctionDescriptor.of(LONG, INT, PTR, LONG));
    private static final MethodHandle WRITE = bind("write", FunctionDescriptor.of(LONG, INT, PTR, LONG));
    private static final MethodHandle POLL = bind("poll", FunctionDescriptor.of(INT, PTR, LONG, INT));
    private static final MethodHandle INOTIFY_INIT1 = bind("inotify_init1", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle INOTIFY_ADD_WATCH =
            bind("inotify_add_watch", FunctionDescriptor.of(INT, INT, PTR, INT));

    private Libc() {}

    private static MethodHandle bind(String name, FunctionDescriptor fd) {
        return Native.bind(name, fd);
    }

    /** A failed call: {@code errno} tells callers such as the PTY reader whether the end is normal (EIO). */
    public static final class ErrnoException extends IOException {
        private final int errno;

        ErrnoException(String call, int errno) {
            super(call + " failed: errno " + errno);
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }

    private static int errno(MemorySegment state) {
        return Native.errno(state);
    }

    private static int checked(String call, int rc, MemorySegment state) throws ErrnoException {
        if (rc < 0) throw new ErrnoException(call, errno(state));
        return rc;
    }

    public static int posixOpenpt(int flags) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            return checked("posix_openpt", (int) POSIX_OPENPT.invokeExact(st, flags), st);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    public static void grantpt(int fd) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            checked("grantpt", (int) GRANTPT.invokeExact(st, fd), st);
            checked("unlockpt", (int) UNLOCKPT.invokeExact(st, fd), st);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    public static String ptsname(int fd) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            MemorySegment buf = a.allocate(128);
            int rc = (int) PTSNAME_R.invokeExact(st, fd, buf, 128L);
            // ptsname_r returns the error number itself rather than setting errno
            if (rc != 0) throw new ErrnoException("ptsname_r", rc);
            return buf.getString(0);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** {@code ioctl(fd, request, arg)} with a pointer argument. */
    public static void ioctl(int fd, long request, MemorySegment arg) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            checked("ioctl", (int) IOCTL.invokeExact(st, fd, request, arg), st);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** read(2) into {@code buf}; 0 at end of file; retries EINTR. */
    public static int read(int fd, MemorySegment buf, MemorySegment state) throws IOException {
        while (true) {
            long n;
            try {
                n = (long) READ.invokeExact(state, fd, buf, buf.byteSize());
            } catch (Throwable t) {
                throw new IOException(t);
            }
            if (n >= 0) return (int) n;
            int e = errno(state);
            if (e != EINTR) throw new ErrnoException("read", e);
        }
    }

    /** Writes all of {@code data}, retrying short writes and EINTR. */
    public static void writeFully(int fd, byte[] data) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            MemorySegment buf = a.allocate(Math.max(1, data.length));
            MemorySegment.copy(data, 0, buf, ValueLayout.JAVA_BYTE, 0, data.length);
            long off = 0;
            while (off < data.length) {
                long n = (long) WRITE.invokeExact(st, fd, buf.asSlice(off), (long) data.length - off);
                if (n < 0) {
                    if (errno(st) == EINTR) continue;
                    throw new ErrnoException("write", errno(st));
                }
                off += n;
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    public static void close(int fd) {
        Native.close(fd);
    }

    /** Waits up to {@code timeoutMs} for {@code fd} to become readable; true if it is. */
    public static boolean pollIn(int fd, int timeoutMs, Arena arena) throws IOException {
        MemorySegment pfd = arena.allocate(8, 4);
        pfd.set(INT, 0, fd);
        pfd.set(ValueLayout.JAVA_SHORT, 4, (short) 1); // POLLIN
        pfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        MemorySegment st = Native.captureState(arena);
        int rc;
        try {
            rc = (int) POLL.invokeExact(st, pfd, 1L, timeoutMs);
        } catch (Throwable t) {
            throw new IOException(t);
        }
        if (rc < 0) {
            if (errno(st) == EINTR) return false;
            throw new ErrnoException("poll", errno(st));
        }
        return rc > 0;
    }

    public static int inotifyInit(int flags) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            return checked("inotify_init1", (int) INOTIFY_INIT1.invokeExact(st, flags), st);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    public static int inotifyAddWatch(int fd, String path, int mask) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            MemorySegment p = a.allocateFrom(path);
            return checked("inotify_add_watch", (int) INOTIFY_ADD_WATCH.invokeExact(st, fd, p, mask), st);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** Room for the errno of one call, for loops that allocate it once. */
    public static MemorySegment captureState(Arena arena) {
        return Native.captureState(arena);
    }
}
