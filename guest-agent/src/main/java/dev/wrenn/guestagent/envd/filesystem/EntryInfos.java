package dev.wrenn.guestagent.envd.filesystem;

import dev.wrenn.guestagent.connect.ConnectError;
import dev.wrenn.guestagent.envd.FileMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * EntryInfo as envd fills it: lstat of the path; for a symlink the type and mode are the target's and
 * symlinkTarget is the resolved target; permissions in Go's FileMode notation ("-rw-r--r--", "drwxr-xr-x",
 * "Lrwxrwxrwx" for a link); size as a string (int64 in proto3 JSON); modifiedTime in RFC 3339.
 */
final class EntryInfos {
    private EntryInfos() {}

    static Map<String, Object> of(Path path) {
        try {
            return read(path);
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
        var attrs = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int rawMode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        var e = new LinkedHashMap<String, Object>();
        e.put("name", path.getFileName() == null ? "/" : path.getFileName().toString());
        String type;
        int perm = rawMode & 0777;
        String target = null;
        if (attrs.isSymbolicLink()) {
            try {
                Path real = path.toRealPath();
                target = real.toString();
                type = typeOf(Files.isDirectory(real), Files.isRegularFile(real));
                perm = (Integer) Files.getAttribute(real, "unix:mode") & 0777;
            } catch (IOException broken) {
                target = path.toString();
                type = "FILE_TYPE_UNSPECIFIED";
                perm = 0;
            }
        } else {
            type = typeOf(attrs.isDirectory(), attrs.isRegularFile());
        }
        e.put("type", type);
        e.put("path", path.toString());
        e.put("size", String.valueOf(attrs.size()));
        e.put("mode", perm);
        e.put("permissions", permissions(rawMode));
        e.put("owner", attrs.owner().getName());
        e.put("group", attrs.group().getName());
        e.put("modifiedTime", attrs.lastModifiedTime().toInstant().toString());
        var metadata = metadata(path);
        if (!metadata.isEmpty()) e.put("metadata", metadata);
        if (target != null) e.put("symlinkTarget", target);
        return e;
    }

    private static String typeOf(boolean dir, boolean file) {
        return dir ? "FILE_TYPE_DIRECTORY" : file ? "FILE_TYPE_FILE" : "FILE_TYPE_UNSPECIFIED";
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
