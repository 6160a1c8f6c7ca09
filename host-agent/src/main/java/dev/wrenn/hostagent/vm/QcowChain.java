package dev.wrenn.hostagent.vm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The files below a qcow2 overlay, read from the qcow2 headers themselves: a confined VMM's root must
 * hold every one of them, and a start cannot afford a {@code qemu-img} process to learn them.
 */
final class QcowChain {
    private static final int MAGIC = 0x514649fb; // "QFI\xfb"
    private static final int MAX_DEPTH = 32;

    private QcowChain() {}

    /** The backing files of {@code disk}, nearest first, ending at the first non-qcow2 (raw) file. */
    static List<Path> below(Path disk) throws IOException {
        List<Path> chain = new ArrayList<>();
        Path current = disk;
        while (true) {
            Path next = backingOf(current);
            if (next == null) return chain;
            if (chain.size() >= MAX_DEPTH || chain.contains(next))
                throw new IOException("backing chain of " + disk + " is too deep or loops at " + next);
            chain.add(next);
            current = next;
        }
    }

    /** qcow2 header: magic (u32), version (u32), backing_file_offset (u64), backing_file_size (u32). */
    static Path backingOf(Path image) throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            ByteBuffer h = ByteBuffer.allocate(20);
            while (h.hasRemaining() && ch.read(h) >= 0) {
                // read the whole header
            }
            if (h.position() < 20 || h.getInt(0) != MAGIC) return null;
            long offset = h.getLong(8);
            int size = h.getInt(16);
            if (offset == 0 || size == 0) return null;
            if (size < 0 || size > 1023) throw new IOException(image + ": backing file name of " + size + " bytes");
            ByteBuffer name = ByteBuffer.allocate(size);
            while (name.hasRemaining() && ch.read(name, offset + name.position()) >= 0) {
                // read the whole name
            }
            Path p = Path.of(new String(name.array(), 0, name.position(), StandardCharsets.UTF_8));
            // A relative backing name is relative to the overlay's directory, as QEMU resolves it.
            return p.isAbsolute()
                    ? p.normalize()
                    : image.toAbsolutePath().getParent().resolve(p).normalize();
        }
    }
}
