package dev.wrenn.guestagent.envd.api;

import dev.wrenn.guestagent.envd.FileMetadata;
import dev.wrenn.guestagent.envd.UserPaths;
import dev.wrenn.guestagent.envd.api.HttpErrors.HttpError;
import dev.wrenn.guestagent.sys.Libc;
import dev.wrenn.guestagent.sys.Xattrs;
import dev.wrenn.guestagent.users.UserAccount;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * An upload's file, written so that nobody ever sees it half-written: the body goes into a temporary file in the
 * target's directory, which is fsynced and then renamed over the target. A broken upload leaves the old file as
 * it was and removes its temporary file. Memory is one fixed buffer, whatever the size.
 */
final class AtomicWrite {
    /** A new file's mode without the {@code mode} parameter: envd's 0644, whatever the agent's umask. */
    static final int DEFAULT_MODE = 0644;

    private static final Pattern MODE = Pattern.compile("0?[0-7]{3}");
    private static final String TEMP_INFIX = ".wrenn-upload-";

    private AtomicWrite() {}

    /** The Wrenn extension {@code mode}: octal permission bits, 3 or 4 digits, 0000-0777; null when absent. */
    static Integer parseMode(String mode) {
        if (mode == null) return null;
        if (!MODE.matcher(mode).matches()) {
            throw new HttpError(400, "mode must be octal permission bits 0000-0777, e.g. 0640: '" + mode + "'");
        }
        return Integer.parseInt(mode, 8);
    }

    /**
     * Writes {@code body} to {@code target}, which with its new parent directories belongs to {@code user}.
     * {@code mode} null keeps an existing file's permission bits and gives a new one {@link #DEFAULT_MODE}.
     * A failure to read the body is thrown as it is (the caller knows whether the request was cut short);
     * file-system failures are answered as HTTP errors.
     */
    static void write(Path target, InputStream body, UserAccount user, Integer mode, Map<String, String> metadata)
            throws IOException {
        try {
            UserPaths.ensureDirs(target.getParent(), user);
        } catch (IOException e) {
            throw failure("error ensuring parent directories of '" + target + "'", e);
        }
        // Writing through a link replaces what it points at, as envd's open(O_TRUNC) does, and keeps the link.
        Path file;
        try {
            file = Files.isSymbolicLink(target) && Files.exists(target) ? target.toRealPath() : target;
        } catch (IOException e) {
            throw failure("error resolving the link '" + target + "'", e);
        }
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new HttpError(400, "path is a directory: " + target);
        }
        Path tmp = file.resolveSibling("." + file.getFileName() + TEMP_INFIX
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
        boolean renamed = false;
        try {
            int bits = mode != null ? mode : existingMode(file);
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                UserPaths.chown(tmp, user);
                copy(body, out);
                out.force(true);
            }
            // On the temporary file, so the new content and its metadata appear together and the old set goes.
            writeMetadata(tmp, metadata);
            Files.setPosixFilePermissions(tmp, permissions(bits));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            renamed = true;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (IOException e) {
            throw failure("error writing file '" + target + "'", e);
        } finally {
            if (!renamed) deleteQuietly(tmp);
        }
    }

    private static void writeMetadata(Path tmp, Map<String, String> metadata) throws IOException {
        try {
            FileMetadata.write(tmp, metadata);
        } catch (Libc.ErrnoException e) {
            // As envd: a file system without extended attributes keeps the file, without its metadata.
            if (e.errno() != Xattrs.ENOTSUP) throw e;
        }
    }

    private static int existingMode(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) return DEFAULT_MODE;
        return (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0777;
    }

    /** Body read failures come out unchecked, to keep them apart from the file's own. */
    private static void copy(InputStream body, FileChannel out) throws IOException {
        byte[] buf = new byte[64 * 1024];
        while (true) {
            int n;
            try {
                n = body.read(buf);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (n < 0) return;
            ByteBuffer chunk = ByteBuffer.wrap(buf, 0, n);
            while (chunk.hasRemaining()) out.write(chunk);
        }
    }

    private static Set<PosixFilePermission> permissions(int bits) {
        var perms = EnumSet.noneOf(PosixFilePermission.class);
        // the enum runs from OWNER_READ (0400) down to OTHERS_EXECUTE (0001)
        for (PosixFilePermission p : PosixFilePermission.values()) {
            if ((bits & (0400 >> p.ordinal())) != 0) perms.add(p);
        }
        return perms;
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // nothing more to do; the name marks it as an upload's leftover
        }
    }

    private static HttpError failure(String what, IOException e) {
        String msg = String.valueOf(e.getMessage());
        if (msg.contains("No space left on device") || msg.contains("Disk quota exceeded")) {
            return new HttpError(507, "not enough disk space available");
        }
        if (e instanceof FileAlreadyExistsException) return new HttpError(400, what + ": " + msg);
        // The caller's own fault, not the agent's: a directory that refuses new files (EACCES, EROFS: /sys, a
        // read-only mount) is 403; one where a new name does not exist at all (procfs answers ENOENT to create)
        // is 400. As a 500 the control plane passed them on as 502s (HostileInputIT seed 45180145717938).
        if (e instanceof AccessDeniedException || msg.contains("Read-only file system")) {
            return new HttpError(403, what + ": permission denied");
        }
        if (e instanceof NoSuchFileException) return new HttpError(400, what + ": the path cannot be created");
        return new HttpError(500, what + ": " + msg);
    }
}
