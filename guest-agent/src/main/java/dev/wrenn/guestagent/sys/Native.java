package dev.wrenn.guestagent.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * What every FFM binding of this package needs: the linker, errno capture, close(2) and strerror. Apart from
 * {@link Libc} so that starting a command does not link Libc's terminal and inotify calls: each downcall
 * shape costs milliseconds to link on first use, far more under TCG.
 */
final class Native {
    static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(INT, INT));

    private Native() {}

    /** A downcall to libc's {@code name} that captures errno (the first argument of the handle). */
    static MethodHandle bind(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(
                LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError(name)),
                fd,
                Linker.Option.captureCallState("errno"));
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** Room for the errno of one call, for loops that allocate it once. */
    static MemorySegment captureState(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    static void close(int fd) {
        try (Arena a = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(a.allocate(CAPTURE), fd);
        } catch (Throwable t) {
            // nothing useful to do: the descriptor is gone either way
        }
    }

    /** The C library's text for an error number ("No such file or directory"), as programs print it. */
    static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) Strerror.CALL.invokeExact(errno);
            // glibc returns a static or thread-local string; its length is not known until read
            return text.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** Linked at the first error only. */
    private static final class Strerror {
        static final MethodHandle CALL = LINKER.downcallHandle(
                LINKER.defaultLookup().find("strerror").orElseThrow(), FunctionDescriptor.of(ValueLayout.ADDRESS, INT));
    }
}
