package dev.wrenn.hostagent.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Generational memory diffs, format {@code WRNMDIFF} version 2 (docs/snapshot-format.md).
 *
 * <p>A guest RAM image is a <em>base</em> (a full, sparse RAM file that is never written once
 * published: a template's {@code memory}) plus a chain of diff files, generation 1..N. Each diff file
 * names the files below it (base and generations 1..g-1, absolute paths) and carries the whole page
 * map: for each 4 KiB page the generation that holds its content ({@link #BASE}, {@link #ZERO} or
 * 1..g), then the data of the pages that map to its own generation, in page order. The newest file
 * alone describes the whole image; older ones are only read for their data.
 */
public final class MemoryDiff {
    public static final int PAGE = 4096;
    /** Page map entry: the base file's page. */
    public static final int BASE = 0;
    /** Page map entry: an all-zero page, stored nowhere. */
    public static final int ZERO = 0xFF;
    /** Generations 1..MAX_GENERATION fit the one-byte map entries. */
    public static final int MAX_GENERATION = 250;
    static final byte[] MAGIC = "WRNMDIFF".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 2;
    static final int FIXED = 40;
    private static final int MAX_REFS = 1 << 20;
    static final byte[] ZERO_PAGE = new byte[PAGE];

    private MemoryDiff() {}

    /** The header of one diff file; {@code map[p] & 0xFF} is the generation holding page p. */
    public record Header(int generation, long pageCount, Path base, List<Path> parents, byte[] map, long storedPages,
            long dataOffset) {
        public int generationOf(long page) {
            return map[(int) page] & 0xFF;
        }

        /** Base, then generations 1..g-1: every file this one depends on. */
        public List<Path> dependencies() {
            List<Path> all = new ArrayList<>();
            all.add(base);
            all.addAll(parents);
            return all;
        }
    }

    /** Supplies the content of pages written into a new generation. */
    @FunctionalInterface
    public interface PageSource {
        /** Reads pages [first, first+n) into {@code dst} at offset 0. */
        void read(long first, int n, byte[] dst) throws IOException;
    }

    public static Header readHeader(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeader(ch, file);
        }
    }

    static Header readHeader(FileChannel ch, Path file) throws IOException {
        ByteBuffer fixed = ByteBuffer.allocate(FIXED);
        readFully(ch, fixed, 0, file);
        fixed.flip();
        byte[] magic = new byte[8];
        fixed.get(magic);
        if (!Arrays.equals(magic, MAGIC)) throw new IOException(file + ": not a memory diff (bad magic)");
        int version = fixed.getInt();
        if (version != VERSION) throw new IOException(file + ": unsupported memory diff version " + version);
        int pageSize = fixed.getInt();
        if (pageSize != PAGE) throw new IOException(file + ": unsupported page size " + pageSize);
        long pageCount = fixed.getLong();
        int generation = fixed.getInt();
        long stored = fixed.getLong();
        int refsLen = fixed.getInt();
        if (pageCount <= 0 || pageCount > Integer.MAX_VALUE || refsLen <= 0 || refsLen > MAX_REFS
                || generation < 1 || generation > MAX_GENERATION || stored < 0 || stored > pageCount) {
            throw new IOException(file + ": corrupt memory diff header");
        }
        ByteBuffer rest = ByteBuffer.allocate(refsLen + (int) pageCount);
        readFully(ch, rest, FIXED, file);
        rest.flip();
        byte[] refs = new byte[refsLen];
        rest.get(refs);
        byte[] map = new byte[(int) pageCount];
        rest.get(map);
        List<String> lines = new String(refs, StandardCharsets.UTF_8).lines().toList();
        if (lines.size() != generation) {
            throw new IOException(file + ": generation " + generation + " names " + lines.size() + " file(s) below it, expected " + generation);
        }
        long stores = 0;
        for (byte b : map) {
            int g = b & 0xFF;
            if (g != BASE && g != ZERO && g > generation) throw new IOException(file + ": page map names generation " + g + " above " + generation);
            if (g == generation) stores++;
        }
        if (stores != stored) throw new IOException(file + ": page map and stored page count disagree");
        long dataOffset = dataOffset(refsLen, pageCount);
        if (ch.size() < dataOffset + stored * PAGE) throw new IOException(file + ": truncated memory diff");
        List<Path> parents = lines.subList(1, lines.size()).stream().map(Path::of).toList();
        return new Header(generation, pageCount, Path.of(lines.getFirst()), parents, map, stored, dataOffset);
    }

    /** Where the page map starts in a diff file's bytes. */
    static int mapOffset(byte[] file) {
        return FIXED + ByteBuffer.wrap(file, 36, 4).getInt();
    }

    static long dataOffset(int refsLen, long pageCount) {
        long headerLen = FIXED + refsLen + pageCount;
        return (headerLen + PAGE - 1) / PAGE * PAGE;
    }

    /**
     * Writes generation {@code generation} to {@code out}: {@code parents} are the diff files of
     * generations 1..generation-1 (oldest first), {@code map} the full page map. The data of every page
     * mapped to {@code generation} comes from {@code source}. The file is fsynced.
     */
    public static Header write(Path out, Path base, List<Path> parents, byte[] map, int generation, PageSource source)
            throws IOException {
        if (generation < 1 || generation > MAX_GENERATION) throw new IllegalArgumentException("generation " + generation);
        if (parents.size() != generation - 1) throw new IllegalArgumentException(parents.size() + " parents for generation " + generation);
        StringBuilder refs = new StringBuilder(base.toAbsolutePath().normalize().toString());
        for (Path p : parents) refs.append('\n').append(p.toAbsolutePath().normalize());
        byte[] refBytes = refs.toString().getBytes(StandardCharsets.UTF_8);
        long pageCount = map.length;
        long dataOffset = dataOffset(refBytes.length, pageCount);
        long stored = 0;
        try (FileChannel o = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[Runs.MAX_RUN * PAGE];
            int p = 0;
            while (p < pageCount) {
                if ((map[p] & 0xFF) != generation) {
                    p++;
                    continue;
                }
                int q = p + 1;
                while (q < pageCount && q - p < Runs.MAX_RUN && (map[q] & 0xFF) == generation) q++;
                int n = q - p;
                source.read(p, n, buf);
                writeFully(o, ByteBuffer.wrap(buf, 0, n * PAGE), dataOffset + stored * PAGE);
                stored += n;
                p = q;
            }
            ByteBuffer h = ByteBuffer.allocate(FIXED + refBytes.length + map.length);
            h.put(MAGIC).putInt(VERSION).putInt(PAGE).putLong(pageCount).putInt(generation).putLong(stored)
                    .putInt(refBytes.length).put(refBytes).put(map);
            h.flip();
            writeFully(o, h, 0);
            o.force(true);
        }
        return new Header(generation, pageCount, base.toAbsolutePath().normalize(), List.copyOf(parents), map, stored, dataOffset);
    }

    static void readFully(FileChannel ch, ByteBuffer b, long pos, Path file) throws IOException {
        int start = b.position();
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + (b.position() - start));
            if (r < 0) throw new IOException(file + ": unexpected end of file at " + (pos + b.position() - start));
        }
    }

    static void writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        long p = pos;
        while (b.hasRemaining()) p += ch.write(b, p);
    }

    static boolean isZero(byte[] buf, int off) {
        return Arrays.equals(buf, off, off + PAGE, ZERO_PAGE, 0, PAGE);
    }

    /** Run lengths for batched page I/O. */
    static final class Runs {
        static final int MAX_RUN = 256;

        private Runs() {}
    }
}
