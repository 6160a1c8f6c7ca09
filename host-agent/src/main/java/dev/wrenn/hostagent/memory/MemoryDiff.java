package dev.wrenn.hostagent.memory;

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
    /** Pages per batched read or write. */
    static final int MAX_RUN = 256;

    private MemoryDiff() {}

    /** The header of one diff file; {@code map[p] & 0xFF} is the generation holding page p. */
    public record Header(
            int generation,
            long pageCount,
            Path base,
            List<Path> parents,
            byte[] map,
            long storedPages,
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
        if (pageCount <= 0
                || pageCount > Integer.MAX_VALUE
                || refsLen <= 0
                || refsLen > MAX_REFS
                || generation < 1
                || generation > MAX_GENERATION
                || stored < 0
                || stored > pageCount) {
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
            throw new IOException(file + ": generation " + generation + " names " + lines.size()
                    + " file(s) below it, expected " + generation);
        }
        long stores = 0;
        for (byte b : map) {
            int g = b & 0xFF;
            if (g != BASE && g != ZERO && g > generation)
                throw new IOException(file + ": page map names generation " + g + " above " + generation);
            if (g == generation) stores++;
        }
        if (stores != stored) throw new IOException(file + ": page map and stored page count disagree");
        long dataOffset = dataOffset(refsLen, pageCount);
        if (ch.size() < dataOffset + stored * PAGE) throw new IOException(file + ": truncated memory diff");
        List<Path> parents =
                lines.subList(1, lines.size()).stream().map(Path::of).toList();
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
        try (Writer w = new Writer(out, base, parents, map.length, generation)) {
            byte[] buf = new byte[MAX_RUN * PAGE];
            int p = 0;
            while (p < map.length) {
                if ((map[p] & 0xFF) != generation) {
                    p++;
                    continue;
                }
                int q = p + 1;
                while (q < map.length && q - p < MAX_RUN && (map[q] & 0xFF) == generation) q++;
                source.read(p, q - p, buf);
                for (int i = 0; i < q - p; i++) w.append(p + i, buf, i * PAGE);
                p = q;
            }
            return w.finish(map);
        }
    }

    /**
     * Writes one generation in a single pass: the data offset depends only on the references and
     * the page count, so pages are appended (in ascending page order) as they are decided and the
     * header, map included, is written last. A file without its header is never a valid diff.
     */
    public static final class Writer implements AutoCloseable {
        private final FileChannel ch;
        private final Path base;
        private final List<Path> parents;
        private final int generation;
        private final byte[] refBytes;
        private final long dataOffset;
        private final long pageCount;
        private long stored;
        private long lastPage = -1;

        public Writer(Path out, Path base, List<Path> parents, long pageCount, int generation) throws IOException {
            if (generation < 1 || generation > MAX_GENERATION)
                throw new IllegalArgumentException("generation " + generation);
            if (parents.size() != generation - 1)
                throw new IllegalArgumentException(parents.size() + " parents for generation " + generation);
            StringBuilder refs =
                    new StringBuilder(base.toAbsolutePath().normalize().toString());
            for (Path p : parents) refs.append('\n').append(p.toAbsolutePath().normalize());
            this.base = base.toAbsolutePath().normalize();
            this.parents = List.copyOf(parents);
            this.generation = generation;
            this.refBytes = refs.toString().getBytes(StandardCharsets.UTF_8);
            this.pageCount = pageCount;
            this.dataOffset = dataOffset(refBytes.length, pageCount);
            this.ch = FileChannel.open(
                    out, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        }

        public int generation() {
            return generation;
        }

        /** Stores {@code page} (its map entry must end up = this generation) from {@code src} at {@code off}. */
        public void append(long page, byte[] src, int off) throws IOException {
            if (page <= lastPage || page >= pageCount)
                throw new IllegalArgumentException("page " + page + " out of order");
            lastPage = page;
            writeFully(ch, ByteBuffer.wrap(src, off, PAGE), dataOffset + stored * PAGE);
            stored++;
        }

        /**
         * Writes the header with {@code map} (which must give this generation to exactly the appended
         * pages) and fsyncs.
         */
        public Header finish(byte[] map) throws IOException {
            if (map.length != pageCount)
                throw new IllegalArgumentException("map of " + map.length + " pages, expected " + pageCount);
            ByteBuffer h = ByteBuffer.allocate(FIXED + refBytes.length + map.length);
            h.put(MAGIC)
                    .putInt(VERSION)
                    .putInt(PAGE)
                    .putLong(pageCount)
                    .putInt(generation)
                    .putLong(stored)
                    .putInt(refBytes.length)
                    .put(refBytes)
                    .put(map);
            h.flip();
            writeFully(ch, h, 0);
            ch.force(true);
            return new Header(generation, pageCount, base, parents, map, stored, dataOffset);
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
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
}
