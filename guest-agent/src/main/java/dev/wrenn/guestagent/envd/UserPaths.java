package dev.wrenn.guestagent.envd;

import dev.wrenn.guestagent.connect.ConnectError;
import dev.wrenn.guestagent.users.UserAccount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves request paths the way envd does: empty means the default workdir, {@code ~} and {@code ~/x} expand to
 * the user's home, a relative path is taken against the home, and the result is normalized, so {@code ..} may
 * leave the home. That is no escape: the calls run with the agent's (root) rights, as envd's do, and the
 * sandbox is the boundary, not the home directory.
 */
public final class UserPaths {
    private UserPaths() {}

    public static Path resolve(String path, UserAccount user, String defaultWorkdir) {
        String p = path == null || path.isEmpty() ? (defaultWorkdir == null ? "" : defaultWorkdir) : path;
        if (p.indexOf('\0') >= 0) throw ConnectError.invalidArgument("path contains a NUL byte");
        if (p.startsWith("~")) {
            if (p.length() > 1 && p.charAt(1) != '/') {
                throw ConnectError.invalidArgument("cannot expand user-specific home dir: " + p);
            }
            p = user.home() + p.substring(1);
        }
        Path resolved = p.startsWith("/") ? Path.of(p) : user.home().resolve(p);
        return resolved.normalize();
    }

    /**
     * Creates the missing directories above and including {@code dir}, each owned by the user, like envd's
     * EnsureDirs. A file in the way is an error.
     */
    public static void ensureDirs(Path dir, UserAccount user) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir; p != null && !Files.isDirectory(p); p = p.getParent()) {
            if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p)) {
                throw new java.nio.file.FileAlreadyExistsException(p.toString(), null, "path is a file");
            }
            missing.addFirst(p);
        }
        for (Path p : missing) {
            try {
                Files.createDirectory(p);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (!Files.isDirectory(p)) throw e;
            }
            chown(p, user);
        }
    }

    public static void chown(Path p, UserAccount user) throws IOException {
        Files.setAttribute(p, "unix:uid", user.uid(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", user.gid(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }
}
