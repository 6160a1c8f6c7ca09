package dev.wrenn.guestagent.envd.filesystem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.HashMap;
import java.util.Map;

/**
 * User and group names by id, for one answer. It lives no longer than a request, so a user added in the guest
 * shows under its name on the next call.
 */
final class Names {
    private final Map<Integer, String> users = new HashMap<>();
    private final Map<Integer, String> groups = new HashMap<>();

    /** The name of {@code uid}, read from {@code path} (which it owns) the first time. */
    String user(int uid, Path path) throws IOException {
        String name = users.get(uid);
        if (name == null) {
            name = posix(path).owner().getName();
            users.put(uid, name);
        }
        return name;
    }

    String group(int gid, Path path) throws IOException {
        String name = groups.get(gid);
        if (name == null) {
            name = posix(path).group().getName();
            groups.put(gid, name);
        }
        return name;
    }

    private static PosixFileAttributes posix(Path path) throws IOException {
        return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }
}
