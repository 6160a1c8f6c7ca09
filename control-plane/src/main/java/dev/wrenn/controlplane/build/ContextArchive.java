package dev.wrenn.controlplane.build;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A directory as a build context: a tar of its files, directories and symlinks in name order, without
 * {@code .git}, with no times or owners, so that the same files always give the same bytes (and the same
 * context hash). The CLI's {@code template build} sends one; the server packs its built-in recipes the same way.
 */
public final class ContextArchive {
    private ContextArchive() {}

    public static byte[] of(Path dir) throws IOException {
        var out = new ByteArrayOutputStream();
        try (var tar = new TarArchiveOutputStream(out);
                Stream<Path> walk = Files.walk(dir)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            List<Path> paths = walk.filter(p -> !p.equals(dir))
                    .filter(p -> !dir.relativize(p).startsWith(".git"))
                    .sorted()
                    .toList();
            for (Path p : paths) {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                TarArchiveEntry e;
                if (Files.isSymbolicLink(p)) {
                    e = new TarArchiveEntry(rel, TarArchiveEntry.LF_SYMLINK);
                    e.setLinkName(Files.readSymbolicLink(p).toString());
                } else {
                    e = new TarArchiveEntry(p.toFile(), rel);
                    // The entry's default is 0644/0755: keep the file's own bits (a script COPY'd must stay
                    // executable).
                    int perm = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
                    e.setMode((e.getMode() & ~07777) | perm);
                }
                e.setModTime(0);
                e.setIds(0, 0);
                e.setNames("", "");
                tar.putArchiveEntry(e);
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    try (InputStream in = Files.newInputStream(p)) {
                        in.transferTo(tar);
                    }
                }
                tar.closeArchiveEntry();
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return out.toByteArray();
    }
}
