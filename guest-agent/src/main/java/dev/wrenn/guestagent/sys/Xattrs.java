package dev.wrenn.guestagent.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Extended attributes by path, without following a final symlink and without opening the file: the JDK's
 * {@code UserDefinedFileAttributeView} opens what it reads, which blocks on a FIFO and needs read permission. A
 * listing reads every entry's attributes, so this must be cheap and never hang.
 */
public final class Xattrs {
    public static final int ENODATA = 61;
    public static final int ENOTSUP = 95;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout PTR = ValueLayout.ADDRESS;
    private static final MethodHandle LSETXATTR =
            Native.bind("lsetxattr", FunctionDescriptor.of(INT, PTR, PTR, PTR, LONG, INT));
    private static final MethodHandle LGETXATTR =
            Native.bind("lgetxattr", FunctionDescriptor.of(LONG, PTR, PTR, PTR, LONG));
    private static final MethodHandle LLISTXATTR =
            Native.bind("llistxattr", FunctionDescriptor.of(LONG, PTR, PTR, LONG));
    /** The kernel's limit on one attribute's value and on a name list (XATTR_SIZE_MAX, XATTR_LIST_MAX). */
    private static final int MAX = 65536;

    private Xattrs() {}

    public static void set(String path, String name, byte[] value) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            MemorySegment v = a.allocate(Math.max(1, value.length));
            MemorySegment.copy(value, 0, v, ValueLayout.JAVA_BYTE, 0, value.length);
            int rc = (int)
                    LSETXATTR.invokeExact(st, a.allocateFrom(path), a.allocateFrom(name), v, (long) value.length, 0);
            if (rc < 0) throw new Libc.ErrnoException("lsetxattr " + name, Native.errno(st));
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** The attribute names of {@code path}, empty when it has none (or its file system keeps none). */
    public static List<String> list(String path) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            MemorySegment p = a.allocateFrom(path);
            // Most files have no attributes: the size probe alone answers them, with nothing allocated.
            long n = (long) LLISTXATTR.invokeExact(st, p, MemorySegment.NULL, 0L);
            MemorySegment buf = MemorySegment.NULL;
            if (n > 0) {
                buf = a.allocate(Math.min(MAX, n));
                n = (long) LLISTXATTR.invokeExact(st, p, buf, buf.byteSize());
            }
            if (n < 0) {
                int errno = Native.errno(st);
                if (errno == ENOTSUP) return List.of();
                throw new Libc.ErrnoException("llistxattr", errno);
            }
            var names = new ArrayList<String>();
            if (n == 0) return List.of();
            byte[] bytes = buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == 0) {
                    if (i > start) names.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            return names;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** The attribute's value, or null when {@code path} has no such attribute. */
    public static byte[] get(String path, String name) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            MemorySegment p = a.allocateFrom(path);
            MemorySegment nm = a.allocateFrom(name);
            long n = (long) LGETXATTR.invokeExact(st, p, nm, MemorySegment.NULL, 0L);
            MemorySegment buf = MemorySegment.NULL;
            if (n > 0) {
                buf = a.allocate(Math.min(MAX, n));
                n = (long) LGETXATTR.invokeExact(st, p, nm, buf, buf.byteSize());
            }
            if (n < 0) {
                int errno = Native.errno(st);
                if (errno == ENODATA) return null;
                throw new Libc.ErrnoException("lgetxattr " + name, errno);
            }
            return n == 0 ? new byte[0] : buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }
}
