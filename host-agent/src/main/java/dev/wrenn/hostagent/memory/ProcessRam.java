package dev.wrenn.hostagent.memory;

import static dev.wrenn.hostagent.memory.MemoryDiff.PAGE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * The guest RAM of a (stopped) VMM process, through {@code /proc/<pid>/maps}, {@code pagemap} and
 * {@code mem} (root only). The RAM is the process's mapping of the memory backend's file. A page of a
 * private file mapping that the guest (or anyone) wrote was copied on write and is no longer a file
 * page: pagemap tells exactly which (bit 63 present without bit 61 file/shared, or bit 62 swapped),
 * with no dirty tracking to arm or lose. Writes through {@code mem} copy on write like a guest write.
 */
public final class ProcessRam implements GuestRam, AutoCloseable {
    private static final long PRESENT = 1L << 63;
    private static final long SWAPPED = 1L << 62;
    private static final long FILE_OR_SHARED = 1L << 61;

    private final long pid;
    private final long start;
    private final long pageCount;
    private final FileChannel mem;

    private ProcessRam(long pid, long start, long pageCount, FileChannel mem) {
        this.pid = pid;
        this.start = start;
        this.pageCount = pageCount;
        this.mem = mem;
    }

    /**
     * Opens the mapping of {@code ramFile} in process {@code pid} (there must be exactly one);
     * {@code bytes} is the guest RAM size.
     */
    public static ProcessRam open(long pid, Path ramFile, long bytes) throws IOException {
        String want = ramFile.toAbsolutePath().normalize().toString();
        // The mapping may show as several adjacent VMAs (madvise splits them): they must cover the
        // file from offset 0 contiguously, in address and in file offset.
        long start = -1;
        long end = -1;
        StringBuilder seen = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
            // start-end perms offset dev inode path
            String[] f = line.split("\\s+", 6);
            if (f.length < 6 || !f[5].equals(want)) continue;
            seen.append("\n  ").append(line);
            String[] range = f[0].split("-");
            long s = Long.parseUnsignedLong(range[0], 16);
            long e = Long.parseUnsignedLong(range[1], 16);
            long off = Long.parseUnsignedLong(f[2], 16);
            if (off == 0) {
                if (start >= 0 && end - start >= bytes)
                    throw new IOException("process " + pid + " maps " + want + " more than once");
                start = s;
                end = e;
            } else if (start >= 0 && s == end && off == end - start) {
                end = e;
            }
        }
        if (start < 0 || end - start < bytes) {
            throw new IOException("process " + pid + " has no " + bytes + "-byte mapping of " + want
                    + (seen.isEmpty() ? "" : ":" + seen));
        }
        return at(pid, start, bytes);
    }

    /** The {@code bytes} of guest RAM mapped at {@code address} in process {@code pid}. */
    public static ProcessRam at(long pid, long address, long bytes) throws IOException {
        if (address % PAGE != 0 || bytes % PAGE != 0) throw new IOException("guest RAM mapping not page aligned");
        FileChannel mem =
                FileChannel.open(Path.of("/proc/" + pid + "/mem"), StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new ProcessRam(pid, address, bytes / PAGE, mem);
    }

    @Override
    public long pageCount() {
        return pageCount;
    }

    @Override
    public BitSet privatePages() throws IOException {
        BitSet out = new BitSet((int) pageCount);
        try (FileChannel pm = FileChannel.open(Path.of("/proc/" + pid + "/pagemap"), StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
            long base = start / PAGE * 8;
            long p = 0;
            while (p < pageCount) {
                int n = (int) Math.min(b.capacity() / 8, pageCount - p);
                b.clear().limit(n * 8);
                MemoryDiff.readFully(pm, b, base + p * 8, Path.of("/proc/" + pid + "/pagemap"));
                b.flip();
                for (int i = 0; i < n; i++) {
                    long e = b.getLong();
                    if ((e & SWAPPED) != 0 || ((e & PRESENT) != 0 && (e & FILE_OR_SHARED) == 0)) out.set((int) (p + i));
                }
                p += n;
            }
        }
        return out;
    }

    @Override
    public void read(long first, int n, byte[] dst) throws IOException {
        MemoryDiff.readFully(
                mem, ByteBuffer.wrap(dst, 0, n * PAGE), start + first * PAGE, Path.of("/proc/" + pid + "/mem"));
    }

    @Override
    public void write(long first, int n, byte[] src) throws IOException {
        MemoryDiff.writeFully(mem, ByteBuffer.wrap(src, 0, n * PAGE), start + first * PAGE);
    }

    @Override
    public void close() throws IOException {
        mem.close();
    }
}
