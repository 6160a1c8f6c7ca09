package dev.wrenn.hostagent.host;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;

/**
 * IPv4 TCP sockets as raw descriptors, for what the JDK's sockets cannot tell: the destination a
 * connection had before the firewall redirected it ({@code SO_ORIGINAL_DST}). Calls block; use
 * platform threads (a blocked downcall pins a virtual thread's carrier).
 */
public final class NativeTcp {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout ADDR = ValueLayout.ADDRESS;
    /** Ports in a sockaddr_in are in network byte order. */
    private static final ValueLayout.OfShort NET_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private static final int AF_INET = 2;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SOL_IP = 0;
    private static final int SO_REUSEADDR = 2;
    private static final int SO_LINGER = 13;
    private static final int SO_RCVTIMEO = 20;
    private static final int SO_ORIGINAL_DST = 80;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;

    private static final MethodHandle SOCKET = bind("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle SETSOCKOPT =
            bind("setsockopt", FunctionDescriptor.of(INT, INT, INT, INT, ADDR, INT));
    private static final MethodHandle GETSOCKOPT =
            bind("getsockopt", FunctionDescriptor.of(INT, INT, INT, INT, ADDR, ADDR));
    private static final MethodHandle BIND = bind("bind", FunctionDescriptor.of(INT, INT, ADDR, INT));
    private static final MethodHandle LISTEN = bind("listen", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle ACCEPT4 = bind("accept4", FunctionDescriptor.of(INT, INT, ADDR, ADDR, INT));
    private static final MethodHandle GETPEERNAME = bind("getpeername", FunctionDescriptor.of(INT, INT, ADDR, ADDR));
    private static final MethodHandle READ = bind("read", FunctionDescriptor.of(LONG, INT, ADDR, LONG));
    private static final MethodHandle WRITE = bind("write", FunctionDescriptor.of(LONG, INT, ADDR, LONG));
    private static final MethodHandle SHUTDOWN = bind("shutdown", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(INT, INT));

    private NativeTcp() {}

    private static MethodHandle bind(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(
                LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError(name)),
                fd,
                Linker.Option.captureCallState("errno"));
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static IOException failure(String call, MemorySegment state) {
        return new IOException(call + " failed: errno " + errno(state));
    }

    /** A listening socket on {@code address:port}. */
    public static int listen(Inet4Address address, int port, int backlog) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int fd = (int) SOCKET.invokeExact(st, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (fd < 0) throw failure("socket", st);
            try {
                MemorySegment one = a.allocateFrom(INT, 1);
                if ((int) SETSOCKOPT.invokeExact(st, fd, SOL_SOCKET, SO_REUSEADDR, one, 4) != 0)
                    throw failure("setsockopt(SO_REUSEADDR)", st);
                MemorySegment sa = sockaddr(a, address, port);
                if ((int) BIND.invokeExact(st, fd, sa, (int) sa.byteSize()) != 0)
                    throw failure("bind " + address.getHostAddress() + ":" + port, st);
                if ((int) LISTEN.invokeExact(st, fd, backlog) != 0) throw failure("listen", st);
                return fd;
            } catch (IOException | RuntimeException e) {
                close(fd);
                throw e;
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** The next connection; an IOException once the listener is shut down. */
    public static int accept(int listener) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            while (true) {
                int fd = (int) ACCEPT4.invokeExact(st, listener, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC);
                if (fd >= 0) return fd;
                if (errno(st) != EINTR) throw failure("accept4", st);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** Where the connection was headed before a NAT redirect sent it here. */
    public static InetSocketAddress originalDestination(int fd) throws IOException {
        return address(fd, "getsockopt(SO_ORIGINAL_DST)", true);
    }

    public static InetSocketAddress peer(int fd) throws IOException {
        return address(fd, "getpeername", false);
    }

    private static InetSocketAddress address(int fd, String call, boolean original) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment sa = a.allocate(16);
            MemorySegment len = a.allocateFrom(INT, 16);
            int rc = original
                    ? (int) GETSOCKOPT.invokeExact(st, fd, SOL_IP, SO_ORIGINAL_DST, sa, len)
                    : (int) GETPEERNAME.invokeExact(st, fd, sa, len);
            if (rc != 0) throw failure(call, st);
            int port = Short.toUnsignedInt(sa.get(NET_SHORT, 2));
            byte[] ip = sa.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE);
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** Reads block at most {@code seconds} (0: forever); a read that times out returns -2. */
    public static void receiveTimeout(int fd, int seconds) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment tv = a.allocate(16);
            tv.set(LONG, 0, seconds);
            tv.set(LONG, 8, 0);
            if ((int) SETSOCKOPT.invokeExact(st, fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16) != 0)
                throw failure("setsockopt(SO_RCVTIMEO)", st);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /**
     * Up to {@code buf.byteSize()} bytes into {@code buf} (a segment the caller owns): the count, 0 at
     * end of stream, -2 on a receive timeout.
     */
    public static int read(int fd, MemorySegment buf, MemorySegment state) throws IOException {
        try {
            while (true) {
                long n = (long) READ.invokeExact(state, fd, buf, buf.byteSize());
                if (n >= 0) return (int) n;
                int e = errno(state);
                if (e == EAGAIN) return -2;
                if (e != EINTR) throw failure("read", state);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** All of the first {@code len} bytes of {@code buf}. */
    public static void write(int fd, MemorySegment buf, long len, MemorySegment state) throws IOException {
        try {
            long off = 0;
            while (off < len) {
                long n = (long) WRITE.invokeExact(state, fd, buf.asSlice(off), len - off);
                if (n >= 0) off += n;
                else if (errno(state) != EINTR) throw failure("write", state);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** Room for the errno of calls made by one thread. */
    public static MemorySegment callState(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    /** Wakes a thread blocked in accept or read on {@code fd}; errors are ignored (it may be closed). */
    public static void shutdown(int fd, int how) {
        try (Arena a = Arena.ofConfined()) {
            int ignored = (int) SHUTDOWN.invokeExact(a.allocate(CAPTURE), fd, how);
        } catch (Throwable t) {
            // the descriptor is going either way
        }
    }

    /** Closes with a reset rather than a FIN: the peer's next call fails at once (ECONNRESET). */
    public static void reset(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment linger = a.allocate(8);
            linger.set(INT, 0, 1);
            linger.set(INT, 4, 0);
            int ignored = (int) SETSOCKOPT.invokeExact(a.allocate(CAPTURE), fd, SOL_SOCKET, SO_LINGER, linger, 8);
        } catch (Throwable t) {
            // a plain close below
        }
        close(fd);
    }

    public static void close(int fd) {
        try (Arena a = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(a.allocate(CAPTURE), fd);
        } catch (Throwable t) {
            // nothing useful to do: the descriptor is gone either way
        }
    }

    private static MemorySegment sockaddr(Arena a, Inet4Address address, int port) {
        MemorySegment sa = a.allocate(16);
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
        sa.set(NET_SHORT, 2, (short) port);
        MemorySegment.copy(address.getAddress(), 0, sa, ValueLayout.JAVA_BYTE, 4, 4);
        return sa;
    }
}
