package dev.wrenn.guestagent.clock;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Sets the guest's wall clock. After a snapshot is resumed the guest's CLOCK_REALTIME lags by the
 * time it was paused and nothing inside the guest can notice (the monotonic clock lags too), so
 * the host agent sends the time in {@code POST /init} right after every resume.
 */
@FunctionalInterface
public interface WallClock {
    /** @throws SecurityException if the process may not set the clock (no CAP_SYS_TIME). */
    void set(long unixMillis);

    /** clock_settime(CLOCK_REALTIME) through FFM: no process start, which costs ~30 ms under TCG. */
    static WallClock system() {
        return SystemWallClock::set;
    }

    final class SystemWallClock {
        private static final int CLOCK_REALTIME = 0;
        private static final StructLayout TIMESPEC = java.lang.foreign.MemoryLayout.structLayout(
                ValueLayout.JAVA_LONG.withName("tv_sec"), ValueLayout.JAVA_LONG.withName("tv_nsec"));
        private static final VarHandle SEC =
                TIMESPEC.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("tv_sec"));
        private static final VarHandle NSEC =
                TIMESPEC.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("tv_nsec"));
        private static final StructLayout ERRNO = Linker.Option.captureStateLayout();
        private static final VarHandle ERRNO_VALUE =
                ERRNO.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
        private static final MethodHandle CLOCK_SETTIME;

        static {
            Linker linker = Linker.nativeLinker();
            CLOCK_SETTIME = linker.downcallHandle(
                    linker.defaultLookup().find("clock_settime").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS),
                    Linker.Option.captureCallState("errno"));
        }

        private SystemWallClock() {}

        /**
         * Runs the whole {@link #set} path with an invalid clock id (the kernel answers EINVAL and
         * changes nothing): the FFM call site is linked before the first resume needs it (~1 s under TCG).
         */
        public static void warm() {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment ts = arena.allocate(TIMESPEC);
                SEC.set(ts, 0L, 0L);
                NSEC.set(ts, 0L, 0L);
                MemorySegment errno = arena.allocate(ERRNO);
                int rc = (int) CLOCK_SETTIME.invokeExact(errno, -1, ts);
                if (rc != 0) {
                    int ignored = (int) ERRNO_VALUE.get(errno, 0L);
                }
            } catch (Throwable t) {
                // only a warm-up
            }
        }

        static void set(long unixMillis) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment ts = arena.allocate(TIMESPEC);
                SEC.set(ts, 0L, Math.floorDiv(unixMillis, 1000));
                NSEC.set(ts, 0L, Math.floorMod(unixMillis, 1000) * 1_000_000L);
                MemorySegment errno = arena.allocate(ERRNO);
                int rc = (int) CLOCK_SETTIME.invokeExact(errno, CLOCK_REALTIME, ts);
                if (rc != 0) {
                    int e = (int) ERRNO_VALUE.get(errno, 0L);
                    if (e == 1) throw new SecurityException("clock_settime: operation not permitted");
                    throw new IllegalStateException("clock_settime failed, errno " + e);
                }
            } catch (RuntimeException e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("clock_settime failed", t);
            }
        }
    }
}
