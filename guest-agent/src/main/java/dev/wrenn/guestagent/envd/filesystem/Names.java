package dev.wrenn.guestagent.envd.filesystem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.Principal;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * User and group names by id, for one answer. It lives no longer than a request, so a user added in the guest
 * shows under its name on the next call.
 */
final class Names {
    private final Map<Integer, String> users = new HashMap<>();
    private final Map<Integer, String> groups = new HashMap<>();

    /** The name of {@code uid}, read from {@code path} (which it owns) the first time. */
    String user(int uid, Path path) throws IOException {
        return name(users, uid, path, PosixFileAttributes::owner);
    }

    String group(int gid, Path path) throws IOException {
        return name(groups, gid, path, PosixFileAttributes::group);
    }

    private static String name(
            Map<Integer, String> known, int id, Path path, Function<PosixFileAttributes, Principal> of)
            throws IOException {
        String name = known.get(id);
        if (name == null) {
            var attrs = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            name = of.apply(attrs).getName();
            known.put(id, name);
        }
        return name;
    }
}
