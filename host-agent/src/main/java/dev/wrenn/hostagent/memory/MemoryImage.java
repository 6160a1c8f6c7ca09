package dev.wrenn.hostagent.memory;

import static dev.wrenn.hostagent.memory.MemoryDiff.BASE;
import static dev.wrenn.hostagent.memory.MemoryDiff.PAGE;
import static dev.wrenn.hostagent.memory.MemoryDiff.ZERO;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A readable guest RAM image: a base file plus a chain of {@link MemoryDiff} generations (possibly
 * none). Reading a page is one lookup in the newest map and one read from the file it names.
 */
public final class MemoryImage implements AutoCloseable {
    private final Path base;
    private final FileChannel baseCh;
    private final long pageCount;
    private final List<Path> chain;
    private final List<FileChannel> files = new ArrayList<>();
    private final List<int[]> slots = new ArrayList<>();
    private final long[] dataOffsets;
    private final byte[] map;

    private MemoryImage(
            Path base, FileChannel baseCh, long pageCount, List<Path> chain, byte[] map, long[] dataOffsets) {
        this.base = base;
        this.baseCh = baseCh;
        this.pageCount = pageCount;
        this.chain = chain;
        this.map = map;
        this.dataOffsets = dataOffsets;
    }

    /** The image {@code base} + the chain whose newest generation is {@code newest} (null: the base alone). */
    public static MemoryImage open(Path base, Path newest) throws IOException {
        List<Path> chain = new ArrayList<>();
        if (newest != null) {
            MemoryDiff.Header h = MemoryDiff.readHeader(newest);
            if (!h.base().equals(base.toAbsolutePath().normalize())) {
                throw new IOException(newest + ": based on " + h.base() + ", not on " + base);
            }
            chain.addAll(h.parents());
            chain.add(newest.toAbsolutePath().normalize());
        }
        return open(base, chain);
    }

    /** The image {@code base} + {@code chain} (generations 1..n, oldest first). */
    public static MemoryImage open(Path base, List<Path> chain) throws IOException {
        FileChannel baseCh = FileChannel.open(base, StandardOpenOption.READ);
        List<FileChannel> chs = new ArrayList<>();
        try {
            if (baseCh.size() % PAGE != 0 || baseCh.size() == 0)
                throw new IOException(base + ": size " + baseCh.size() + " is not a whole number of pages");
            long pageCount = baseCh.size() / PAGE;
            List<MemoryDiff.Header> headers = new ArrayList<>();
            for (int i = 0; i < chain.size(); i++) {
                FileChannel ch = FileChannel.open(chain.get(i), StandardOpenOption.READ);
                chs.add(ch);
                MemoryDiff.Header h = MemoryDiff.readHeader(ch, chain.get(i));
                if (h.generation() != i + 1)
                    throw new IOException(chain.get(i) + ": generation " + h.generation() + ", expected " + (i + 1));
                if (h.pageCount() != pageCount)
                    throw new IOException(chain.get(i) + ": " + h.pageCount() + " pages, the base has " + pageCount);
                headers.add(h);
            }
            byte[] map = headers.isEmpty()
                    ? new byte[(int) pageCount]
                    : headers.getLast().map().clone();
            long[] offsets =
                    headers.stream().mapToLong(MemoryDiff.Header::dataOffset).toArray();
            MemoryImage img = new MemoryImage(
                    base.toAbsolutePath().normalize(), baseCh, pageCount, List.copyOf(chain), map, offsets);
            for (int i = 0; i < headers.size(); i++) {
                MemoryDiff.Header h = headers.get(i);
                int[] slot = new int[(int) pageCount];
                int k = 0;
                for (int p = 0; p < pageCount; p++) slot[p] = (h.map()[p] & 0xFF) == h.generation() ? k++ : -1;
                img.files.add(chs.get(i));
                img.slots.add(slot);
            }
            for (int p = 0; p < pageCount; p++) {
                int g = map[p] & 0xFF;
                if (g != BASE && g != ZERO && (g > headers.size() || img.slots.get(g - 1)[p] < 0)) {
                    throw new IOException("page " + p + " maps to generation " + g + ", which does not hold it");
                }
            }
            return img;
        } catch (IOException | RuntimeException e) {
            baseCh.close();
            for (FileChannel ch : chs) ch.close();
            throw e;
        }
    }

    public Path base() {
        return base;
    }

    /** Generations 1..n, oldest first. */
    public List<Path> chain() {
        return chain;
    }

    public int generations() {
        return chain.size();
    }

    public long pageCount() {
        return pageCount;
    }

    public int generationOf(long page) {
        return map[(int) page] & 0xFF;
    }

    /** Reads pages [first, first+n) into {@code dst} at offset 0. */
    public void read(long first, int n, byte[] dst) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(dst, 0, n * PAGE);
        readUpTo(baseCh, b, first * PAGE);
        for (int i = 0; i < n; i++) {
            int g = map[(int) (first + i)] & 0xFF;
            if (g == BASE) continue;
            if (g == ZERO) {
                Arrays.fill(dst, i * PAGE, i * PAGE + PAGE, (byte) 0);
            } else {
                int s = slots.get(g - 1)[(int) (first + i)];
                MemoryDiff.readFully(
                        files.get(g - 1),
                        ByteBuffer.wrap(dst, i * PAGE, PAGE),
                        dataOffsets[g - 1] + (long) s * PAGE,
                        chain.get(g - 1));
            }
        }
    }

    /**
     * Writes every page the chain holds (every map entry but {@link MemoryDiff#BASE}) into a guest
     * RAM mapping that shows the base file: what a VM restored from this image needs before it runs.
     * Returns the number of pages written.
     */
    public long applyTo(GuestRam ram) throws IOException {
        if (ram.pageCount() != pageCount)
            throw new IOException("guest RAM has " + ram.pageCount() + " pages, the image " + pageCount);
        byte[] buf = new byte[MemoryDiff.MAX_RUN * PAGE];
        long written = 0;
        int p = 0;
        while (p < pageCount) {
            if ((map[p] & 0xFF) == BASE) {
                p++;
                continue;
            }
            int q = p + 1;
            while (q < pageCount && q - p < MemoryDiff.MAX_RUN && (map[q] & 0xFF) != BASE) q++;
            read(p, q - p, buf);
            ram.write(p, q - p, buf);
            written += q - p;
            p = q;
        }
        return written;
    }

    /**
     * Captures the RAM of a stopped VM whose guest memory is a private mapping of {@link #base()},
     * restored from this image, as the next generation: pages that are still the file's (never
     * written) map to the base, pages equal to what this image gives keep their entry, changed all-zero
     * pages become {@link MemoryDiff#ZERO}, other changed pages are stored in {@code out}.
     *
     * <p>With {@code keep} smaller than {@link #generations()} the generations above {@code keep} are
     * compacted away: the new file is generation keep+1 on top of generations 1..keep only, and holds
     * every page those later generations held (that still differs).
     */
    public MemoryDiff.Header capture(GuestRam ram, int keep, Path out) throws IOException {
        if (ram.pageCount() != pageCount)
            throw new IOException("guest RAM has " + ram.pageCount() + " pages, the image " + pageCount);
        if (keep < 0 || keep > generations()) throw new IllegalArgumentException("keep " + keep);
        int gen = keep + 1;
        java.util.BitSet written = ram.privatePages();
        byte[] newMap = new byte[(int) pageCount];
        byte[] cur = new byte[MemoryDiff.MAX_RUN * PAGE];
        byte[] old = new byte[MemoryDiff.MAX_RUN * PAGE];
        // One pass over the runs of written pages: each is read once from the process, compared, and
        // appended to the new generation if it changed. Pages never written show the base file's
        // content: newMap already says BASE (0) for them.
        try (MemoryDiff.Writer w = new MemoryDiff.Writer(out, base, chain.subList(0, keep), pageCount, gen)) {
            int p = written.nextSetBit(0);
            while (p >= 0 && p < pageCount) {
                int q = p + 1;
                while (q < pageCount && q - p < MemoryDiff.MAX_RUN && written.get(q)) q++;
                int n = q - p;
                ram.read(p, n, cur);
                read(p, n, old);
                for (int i = 0; i < n; i++) {
                    int off = i * PAGE;
                    int g = map[p + i] & 0xFF;
                    boolean same = Arrays.equals(cur, off, off + PAGE, old, off, off + PAGE);
                    if (same && (g == BASE || g == ZERO || g <= keep)) {
                        newMap[p + i] = (byte) g;
                    } else if (MemoryDiff.isZero(cur, off)) {
                        newMap[p + i] = (byte) ZERO;
                    } else {
                        newMap[p + i] = (byte) gen;
                        w.append(p + i, cur, off);
                    }
                }
                p = written.nextSetBit(q);
            }
            return w.finish(newMap);
        }
    }

    /**
     * Writes generations above {@code keep} as one generation keep+1 into {@code out} (file-level
     * compaction, no VM needed): what a template made from a paused clone stores.
     */
    public MemoryDiff.Header compact(int keep, Path out) throws IOException {
        if (keep < 0 || keep > generations()) throw new IllegalArgumentException("keep " + keep);
        int gen = keep + 1;
        byte[] newMap = map.clone();
        for (int p = 0; p < pageCount; p++) {
            int g = newMap[p] & 0xFF;
            if (g != BASE && g != ZERO && g > keep) newMap[p] = (byte) gen;
        }
        return MemoryDiff.write(out, base, chain.subList(0, keep), newMap, gen, this::read);
    }

    /** Writes the whole image as one sparse RAM file (all-zero pages stay holes): a new base. */
    public void materialize(Path out) throws IOException {
        try (FileChannel o = FileChannel.open(
                out, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[MemoryDiff.MAX_RUN * PAGE];
            for (long first = 0; first < pageCount; first += MemoryDiff.MAX_RUN) {
                int n = (int) Math.min(MemoryDiff.MAX_RUN, pageCount - first);
                read(first, n, buf);
                int i = 0;
                while (i < n) {
                    if (MemoryDiff.isZero(buf, i * PAGE)) {
                        i++;
                        continue;
                    }
                    int j = i + 1;
                    while (j < n && !MemoryDiff.isZero(buf, j * PAGE)) j++;
                    MemoryDiff.writeFully(o, ByteBuffer.wrap(buf, i * PAGE, (j - i) * PAGE), (first + i) * PAGE);
                    i = j;
                }
            }
            o.force(true);
        }
        try (RandomAccessFile raf = new RandomAccessFile(out.toFile(), "rw")) {
            if (raf.length() < pageCount * PAGE) raf.setLength(pageCount * PAGE);
            raf.getFD().sync();
        }
    }

    private static void readUpTo(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        int start = b.position();
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + (b.position() - start));
            if (r < 0) break;
        }
        while (b.hasRemaining()) b.put((byte) 0);
    }

    @Override
    public void close() throws IOException {
        baseCh.close();
        for (FileChannel f : files) f.close();
    }
}
