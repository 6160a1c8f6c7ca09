package dev.wrenn.guestagent.envd.filesystem;

import dev.wrenn.guestagent.connect.ConnectError;
import dev.wrenn.guestagent.envd.FileMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * EntryInfo as envd fills it: lstat of the path; for a symlink the type and mode are the target's and
 * symlinkTarget is the resolved target; permissions in Go's FileMode notation ("-rw-r--r--", "drwxr-xr-x",
 * "Lrwxrwxrwx" for a link); size as a string (int64 in proto3 JSON); modifiedTime in RFC 3339.
 */
final class EntryInfos {
    private static final String ATTRIBUTES = "unix:mode,uid,gid,size,lastModifiedTime";

    private EntryInfos() {}

    static Map<String, Object> of(Path path) {
        try {
            return read(path, new Names());
        } catch (NoSuchFileException e) {
            throw ConnectError.notFound("file not found: " + path);
        } catch (IOException e) {
            throw ConnectError.internal("error getting file info: " + e.getMessage());
        }
    }

    /** A link's own attributes, as envd's lstat-based listing sees them; none when they cannot be read. */
    private static Map<String, String> metadata(Path path) {
        try {
            return FileMetadata.read(path);
        } catch (IOException e) {
            return Map.of();
        }
    }

    static Map<String, Object> read(Path path) throws IOException {
        return read(path, new Names());
    }

    /**
     * One lstat for everything but the owner's and group's names, which come from {@code names}: a listing of
     * thousands of entries shares a few owners, and resolving each anew (getpwuid reads /etc/passwd) made a listing
     * of / three levels deep take seconds under TCG.
     */
    static Map<String, Object> read(Path path, Names names) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        int rawMode = (Integer) a.get("mode");
        var e = new LinkedHashMap<String, Object>();
        e.put("name", path.getFileName() == null ? "/" : path.getFileName().toString());
        String type;
        int perm = rawMode & 0777;
        String target = null;
        if ((rawMode & 0170000) == 0120000) {
            try {
                Path real = path.toRealPath();
                target = real.toString();
                int targetMode = (Integer) Files.getAttribute(real, "unix:mode");
                type = typeOf(targetMode);
                perm = targetMode & 0777;
            } catch (IOException broken) {
                target = path.toString();
                type = "FILE_TYPE_UNSPECIFIED";
                perm = 0;
            }
        } else {
            type = typeOf(rawMode);
        }
        e.put("type", type);
        e.put("path", path.toString());
        e.put("size", String.valueOf(a.get("size")));
        e.put("mode", perm);
        e.put("permissions", permissions(rawMode));
        e.put("owner", names.user((Integer) a.get("uid"), path));
        e.put("group", names.group((Integer) a.get("gid"), path));
        e.put("modifiedTime", ((FileTime) a.get("lastModifiedTime")).toInstant().toString());
        var metadata = metadata(path);
        if (!metadata.isEmpty()) e.put("metadata", metadata);
        if (target != null) e.put("symlinkTarget", target);
        return e;
    }

    private static String typeOf(int mode) {
        int fmt = mode & 0170000;
        return fmt == 0040000 ? "FILE_TYPE_DIRECTORY" : fmt == 0100000 ? "FILE_TYPE_FILE" : "FILE_TYPE_UNSPECIFIED";
    }

    /** Go's os.FileMode.String(): type and special letters in the order "dalTLDpSugct?", then rwxrwxrwx. */
    static String permissions(int mode) {
        var sb = new StringBuilder();
        int fmt = mode & 0170000;
        if (fmt == 0040000) sb.append('d');
        if (fmt == 0120000) sb.append('L');
        if (fmt == 0060000 || fmt == 0020000) sb.append('D');
        if (fmt == 0010000) sb.append('p');
        if (fmt == 0140000) sb.append('S');
        if ((mode & 04000) != 0) sb.append('u');
        if ((mode & 02000) != 0) sb.append('g');
        if (fmt == 0020000) sb.append('c');
        if ((mode & 01000) != 0) sb.append('t');
        if (sb.isEmpty()) sb.append('-');
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) sb.append((mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
        return sb.toString();
    }
}
