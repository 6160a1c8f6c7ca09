package dev.wrenn.guestagent.clock;

import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Fresh randomness for a resumed or cloned VM. Every clone of a template starts with the
 * template's kernel CRNG state, so without a reseed they would hand out the same
 * {@code /dev/urandom} bytes. The host's seed is mixed into the input pool (a write to
 * /dev/urandom) and the CRNG is reseeded from it at once (ioctl RNDRESEEDCRNG, needs CAP_SYS_ADMIN).
 */
@FunctionalInterface
public interface KernelEntropy {
    /** @return true if the CRNG was reseeded now, false if the seed was only mixed into the pool. */
    boolean mix(byte[] seed) throws IOException;

    static KernelEntropy system() {
        return SystemEntropy::mix;
    }

    final class SystemEntropy {
        private static final long RNDRESEEDCRNG = 0x5207;
        private static final MethodHandle IOCTL;
        private static final MethodHandle OPEN;
        private static final MethodHandle CLOSE;

        static {
            Linker linker = Linker.nativeLinker();
            var libc = linker.defaultLookup();
            IOCTL = linker.downcallHandle(
                    libc.find("ioctl").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
            OPEN = linker.downcallHandle(
                    libc.find("open").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                    Linker.Option.firstVariadicArg(2));
            CLOSE = linker.downcallHandle(
                    libc.find("close").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        }

        private SystemEntropy() {}

        /**
         * Runs the whole {@link #mix} path with bytes of the guest's own randomness (harmless: mixing
         * in more input and reseeding never weakens the pool): the FFM call sites are linked before
         * the first resume needs them.
         */
        public static void warm() {
            byte[] own = new byte[32];
            new java.security.SecureRandom().nextBytes(own);
            try {
                mix(own);
            } catch (IOException e) {
                // only a warm-up
            }
        }

        static boolean mix(byte[] seed) throws IOException {
            try (var urandom = new FileOutputStream("/dev/urandom")) {
                urandom.write(seed);
            }
            try (var arena = java.lang.foreign.Arena.ofConfined()) {
                int fd = (int) OPEN.invokeExact(arena.allocateFrom("/dev/urandom"), 1 /* O_WRONLY */);
                if (fd < 0) return false;
                try {
                    return (int) IOCTL.invokeExact(fd, RNDRESEEDCRNG) == 0;
                } finally {
                    int ignored = (int) CLOSE.invokeExact(fd);
                }
            } catch (Throwable t) {
                return false;
            }
        }
    }
}
