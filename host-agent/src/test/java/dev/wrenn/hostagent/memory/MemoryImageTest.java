package dev.wrenn.hostagent.memory;

import static dev.wrenn.hostagent.memory.MemoryDiff.PAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory diff generations against real private mappings: this JVM maps a base file copy-on-write
 * (as QEMU maps a template's RAM), writes some pages, and {@link ProcessRam} reads its own process
 * through /proc/self/{maps,pagemap,mem}, exactly as the agent reads a stopped QEMU.
 */
class MemoryImageTest {
    static final int PAGES = 64;

    @TempDir
    Path dir;

    Path base;
    byte[] baseBytes;
    final List<MappedByteBuffer> keepAlive = new ArrayList<>();

    @BeforeEach
    void base() throws IOException {
        baseBytes = new byte[PAGES * PAGE];
        Random r = new Random(42);
        for (int p = 0; p < PAGES; p++) {
            if (p % 4 == 3) continue; // every 4th page is zero (a hole in the file)
            byte[] page = new byte[PAGE];
            r.nextBytes(page);
            System.arraycopy(page, 0, baseBytes, p * PAGE, PAGE);
        }
        base = dir.resolve("memory");
        try (FileChannel ch = FileChannel.open(base, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int p = 0; p < PAGES; p++) {
                if (p % 4 != 3) ch.write(java.nio.ByteBuffer.wrap(baseBytes, p * PAGE, PAGE), (long) p * PAGE);
            }
        }
        try (var raf = new java.io.RandomAccessFile(base.toFile(), "rw")) {
            raf.setLength((long) PAGES * PAGE);
        }
    }

    /** A fresh private (copy-on-write) mapping of the base file in this process, like a clone's VM. */
    MappedByteBuffer mapPrivate() throws IOException {
        try (FileChannel ch = FileChannel.open(base, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.PRIVATE, 0, (long) PAGES * PAGE);
            keepAlive.add(m);
            return m;
        }
    }

    /** The newest mapping made (this process holds several of the same file; a QEMU holds one). */
    ProcessRam ram() throws IOException {
        long address =
                java.lang.foreign.MemorySegment.ofBuffer(keepAlive.getLast()).address();
        return ProcessRam.at(ProcessHandle.current().pid(), address, (long) PAGES * PAGE);
    }

    static void fill(MappedByteBuffer m, int page, int value) {
        for (int i = 0; i < PAGE; i++) m.put(page * PAGE + i, (byte) value);
    }

    static byte[] contents(MappedByteBuffer m) {
        byte[] b = new byte[PAGES * PAGE];
        m.get(0, b);
        return b;
    }

    static byte[] read(MemoryImage img) throws IOException {
        byte[] b = new byte[PAGES * PAGE];
        byte[] buf = new byte[PAGE];
        for (int p = 0; p < PAGES; p++) {
            img.read(p, 1, buf);
            System.arraycopy(buf, 0, b, p * PAGE, PAGE);
        }
        return b;
    }

    @Test
    void generationsStoreOnlyChangedPagesAndRestoreExactly() throws Exception {
        MappedByteBuffer vm1 = mapPrivate();
        fill(vm1, 1, 0x11);
        fill(vm1, 2, 0x22);
        fill(vm1, 5, 0); // a non-zero base page zeroed: stored as ZERO, no data
        vm1.put(8 * PAGE, baseBytes[8 * PAGE]); // rewritten with the same byte: copied, yet unchanged
        assertThat(ram().privatePages().cardinality()).isEqualTo(4);

        Path g1 = dir.resolve("g1.diff");
        MemoryDiff.Header h1;
        try (MemoryImage img = MemoryImage.open(base, List.of());
                ProcessRam ram = ram()) {
            h1 = img.capture(ram, 0, g1);
        }
        assertThat(h1.generation()).isEqualTo(1);
        assertThat(h1.storedPages()).isEqualTo(2);
        assertThat(h1.generationOf(1)).isEqualTo(1);
        assertThat(h1.generationOf(5)).isEqualTo(MemoryDiff.ZERO);
        assertThat(h1.generationOf(8)).isEqualTo(MemoryDiff.BASE);
        assertThat(Files.size(g1))
                .isEqualTo(MemoryDiff.dataOffset(
                                MemoryDiff.readHeader(g1).base().toString().length(), PAGES)
                        + 2L * PAGE);
        byte[] afterVm1 = contents(vm1);
        try (MemoryImage img = MemoryImage.open(base, g1)) {
            assertThat(read(img)).isEqualTo(afterVm1);
        }

        // "Resume": a new private mapping, the chain written over it, then more changes.
        MappedByteBuffer vm2 = mapPrivate();
        try (MemoryImage img = MemoryImage.open(base, g1);
                ProcessRam ram = ram()) {
            assertThat(img.applyTo(ram)).isEqualTo(3); // pages 1, 2 and the zero page 5
        }
        assertThat(contents(vm2)).isEqualTo(afterVm1);
        fill(vm2, 2, 0x33);
        fill(vm2, 40, 0x44);
        Path g2 = dir.resolve("g2.diff");
        MemoryDiff.Header h2;
        try (MemoryImage img = MemoryImage.open(base, g1);
                ProcessRam ram = ram()) {
            h2 = img.capture(ram, 1, g2);
        }
        assertThat(h2.generation()).isEqualTo(2);
        assertThat(h2.storedPages()).isEqualTo(2); // only what changed since generation 1
        assertThat(h2.generationOf(1)).isEqualTo(1); // unchanged: still held by generation 1
        assertThat(h2.generationOf(2)).isEqualTo(2);
        assertThat(h2.generationOf(40)).isEqualTo(2);
        assertThat(h2.parents()).containsExactly(g1.toAbsolutePath());
        byte[] afterVm2 = contents(vm2);
        try (MemoryImage img = MemoryImage.open(base, g2)) {
            assertThat(img.chain()).containsExactly(g1.toAbsolutePath(), g2.toAbsolutePath());
            assertThat(read(img)).isEqualTo(afterVm2);

            // Compaction of both generations into one, from the files alone.
            Path c = dir.resolve("compact.diff");
            MemoryDiff.Header hc = img.compact(0, c);
            assertThat(hc.generation()).isEqualTo(1);
            assertThat(hc.storedPages()).isEqualTo(3); // 1, 2, 40: page 2's first version is gone
            try (MemoryImage ci = MemoryImage.open(base, c)) {
                assertThat(read(ci)).isEqualTo(afterVm2);
            }

            // Flattening into a new base: a sparse file with the same content.
            Path full = dir.resolve("full");
            img.materialize(full);
            assertThat(Files.readAllBytes(full)).isEqualTo(afterVm2);
        }

        // Compaction while capturing: generation 1 again, holding everything that differs from the base.
        MappedByteBuffer vm3 = mapPrivate();
        try (MemoryImage img = MemoryImage.open(base, g2);
                ProcessRam ram = ram()) {
            img.applyTo(ram);
        }
        fill(vm3, 60, 0x55);
        Path g1b = dir.resolve("g1b.diff");
        try (MemoryImage img = MemoryImage.open(base, g2);
                ProcessRam ram = ram()) {
            MemoryDiff.Header h = img.capture(ram, 0, g1b);
            assertThat(h.generation()).isEqualTo(1);
            assertThat(h.storedPages()).isEqualTo(4); // 1, 2, 40, 60
            assertThat(h.parents()).isEmpty();
        }
        try (MemoryImage img = MemoryImage.open(base, g1b)) {
            assertThat(read(img)).isEqualTo(contents(vm3));
        }
    }

    @Test
    void damagedOrMismatchedFilesAreRefused() throws Exception {
        MappedByteBuffer vm = mapPrivate();
        fill(vm, 7, 0x77);
        Path g1 = dir.resolve("g1.diff");
        try (MemoryImage img = MemoryImage.open(base, List.of());
                ProcessRam ram = ram()) {
            img.capture(ram, 0, g1);
        }
        byte[] good = Files.readAllBytes(g1);

        Files.write(g1, Arrays.copyOf(good, good.length - 1));
        assertThatThrownBy(() -> MemoryImage.open(base, g1)).hasMessageContaining("truncated");

        byte[] badMagic = good.clone();
        badMagic[0] = 'X';
        Files.write(g1, badMagic);
        assertThatThrownBy(() -> MemoryImage.open(base, g1)).hasMessageContaining("bad magic");

        byte[] badMap = good.clone();
        int refs = MemoryDiff.mapOffset(good);
        badMap[refs + 7] = 9; // page 7 claims a generation above the file's own
        Files.write(g1, badMap);
        assertThatThrownBy(() -> MemoryImage.open(base, g1)).hasMessageContaining("above");

        Files.write(g1, good);
        Path other = Files.write(dir.resolve("other-base"), new byte[PAGES * PAGE]);
        assertThatThrownBy(() -> MemoryImage.open(other, g1)).hasMessageContaining("based on");
        Path small = Files.write(dir.resolve("small-base"), new byte[PAGE]);
        assertThatThrownBy(() -> MemoryImage.open(small, List.of(g1))).hasMessageContaining("pages");
        try (MemoryImage img = MemoryImage.open(base, g1)) {
            assertThat(img.generationOf(7)).isEqualTo(1);
        }
    }
}
