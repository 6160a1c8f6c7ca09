package dev.wrenn.hostagent.storage;

import dev.wrenn.hostagent.host.HostCommand;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The one place for file operations that must survive a crash or a power cut: what a user's paused
 * sandbox and its templates are made of is written through here, so the rules live in one spot.
 */
public final class DurableFiles {
    private DurableFiles() {}

    /** Flushes a file's data, or a directory's entries, to the disk. */
    public static void fsync(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Replaces {@code target} with {@code data} so that a crash leaves either the old or the new
     * content, never a mix: temporary file, fsync, rename, fsync of the directory.
     */
    public static void writeAtomically(Path target, byte[] data, Set<PosixFilePermission> permissions)
            throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        // Created with its final permissions, so that a secret in it is never readable by others.
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(permissions));
        Files.setPosixFilePermissions(tmp, permissions);
        Files.write(tmp, data);
        fsync(tmp);
        commit(tmp, target);
    }

    /** Renames a complete (already fsynced) file or directory into place and makes the rename durable. */
    public static void commit(Path complete, Path target) throws IOException {
        Files.move(complete, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsync(target.toAbsolutePath().getParent());
    }

    /** Deletes a file or a directory with everything in it; nothing there is fine. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** {@link #deleteTree} for leftovers whose removal may fail: the reclaimer sweeps them at the next start. */
    public static boolean deleteQuietly(Path p) {
        try {
            deleteTree(p);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Bytes allocated on disk (sparse files count what they use). The JDK cannot read st_blocks, so
     * this asks {@code du}, which coreutils (priority required) always provides.
     */
    public static long diskUsage(Path p) throws IOException {
        String out = HostCommand.check("du", "-sB1", p.toString());
        return Long.parseLong(out.strip().split("\\s+")[0]);
    }
}
