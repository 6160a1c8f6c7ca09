package dev.wrenn.guestagent.envd;

import dev.wrenn.guestagent.sys.Xattrs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * envd's user-defined file metadata (envd 0.6.2): an upload's {@code X-Metadata-<key>: <value>} headers become
 * extended attributes {@code user.e2b.<key>} of the file (key lowercased), and {@code EntryInfo.metadata} shows
 * them again. Each upload replaces the whole set; keys and values are printable US-ASCII, a key at most 246 bytes
 * (the kernel's 255-byte name limit less the prefix), all of a file's metadata at most 4096 bytes.
 */
public final class FileMetadata {
    public static final String HEADER_PREFIX = "x-metadata-";
    static final String XATTR_PREFIX = "user.e2b.";
    static final int MAX_KEY_BYTES = 246;
    static final int MAX_TOTAL_BYTES = 4096;
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7e]*");

    private FileMetadata() {}

    /**
     * The metadata named by request headers (empty when none), checked.
     *
     * @throws IllegalArgumentException naming what is wrong (the caller answers 400)
     */
    public static Map<String, String> fromHeaders(Map<String, List<String>> headers) {
        var metadata = new TreeMap<String, String>();
        for (var h : headers.entrySet()) {
            String name = h.getKey().toLowerCase(java.util.Locale.ROOT);
            if (!name.startsWith(HEADER_PREFIX) || h.getValue().isEmpty()) continue;
            String key = name.substring(HEADER_PREFIX.length());
            if (key.isEmpty()) continue;
            // As envd: of a header sent twice, the first value counts.
            metadata.putIfAbsent(key, h.getValue().getFirst());
        }
        long total = 0;
        for (var e : metadata.entrySet()) {
            if (!PRINTABLE.matcher(e.getKey()).matches()
                    || !PRINTABLE.matcher(e.getValue()).matches()) {
                throw new IllegalArgumentException("metadata key and value must be printable US-ASCII: " + e.getKey());
            }
            if (e.getKey().length() > MAX_KEY_BYTES) {
                throw new IllegalArgumentException(
                        "metadata key longer than " + MAX_KEY_BYTES + " bytes: " + e.getKey());
            }
            total += XATTR_PREFIX.length() + e.getKey().length() + e.getValue().length();
        }
        if (total > MAX_TOTAL_BYTES) {
            throw new IllegalArgumentException("metadata larger than " + MAX_TOTAL_BYTES + " bytes in all");
        }
        return metadata;
    }

    /** Gives a file (a fresh one: an upload's temporary file) its metadata. */
    public static void write(Path file, Map<String, String> metadata) throws IOException {
        for (var e : metadata.entrySet()) {
            Xattrs.set(file.toString(), XATTR_PREFIX + e.getKey(), e.getValue().getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** A file's metadata; empty when it has none. Other {@code user.*} attributes are not metadata. */
    public static Map<String, String> read(Path file) throws IOException {
        Map<String, String> metadata = Map.of();
        for (String name : Xattrs.list(file.toString())) {
            if (!name.startsWith(XATTR_PREFIX)) continue;
            byte[] value = Xattrs.get(file.toString(), name);
            if (value == null) continue; // removed meanwhile
            if (metadata.isEmpty()) metadata = new LinkedHashMap<>();
            metadata.put(name.substring(XATTR_PREFIX.length()), new String(value, StandardCharsets.US_ASCII));
        }
        return metadata;
    }
}
