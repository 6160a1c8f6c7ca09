package dev.wrenn.controlplane.build;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The files a build may COPY: the uploaded archive (tar, or tar.gz), read once into memory (it is bounded
 * by {@code WRENN_BUILD_CONTEXT_MAX_MB}). Paths are relative to the context's root and never leave it.
 */
public final class BuildContext {
    public static final BuildContext EMPTY = new BuildContext(Map.of());

    enum Kind {
        FILE,
        DIR,
        SYMLINK
    }

    record Entry(String path, Kind kind, int mode, byte[] data, String link) {}

    private final Map<String, Entry> entries;

    private BuildContext(Map<String, Entry> entries) {
        this.entries = entries;
    }

    public static BuildContext read(byte[] archive) {
        if (archive == null || archive.length == 0) return EMPTY;
        var entries = new TreeMap<String, Entry>();
        try (InputStream raw = new java.io.BufferedInputStream(
                        gzip(archive)
                                ? new GZIPInputStream(new ByteArrayInputStream(archive))
                                : new ByteArrayInputStream(archive));
                var tar = new TarArchiveInputStream(raw)) {
            // Garbage would read as an empty archive: check the first header's signature first.
            raw.mark(512);
            byte[] head = raw.readNBytes(512);
            raw.reset();
            if (!TarArchiveInputStream.matches(head, head.length) && !emptyArchive(head)) {
                throw new IOException("no tar header");
            }
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String path = contextPath(e.getName());
                if (path.equals(".")) continue;
                int mode = e.getMode() & 07777;
                if (e.isDirectory()) entries.put(path, new Entry(path, Kind.DIR, mode, null, null));
                else if (e.isSymbolicLink())
                    entries.put(path, new Entry(path, Kind.SYMLINK, 0777, null, e.getLinkName()));
                else if (e.isFile() && !e.isLink())
                    entries.put(path, new Entry(path, Kind.FILE, mode, tar.readAllBytes(), null));
                else throw new IllegalArgumentException("'" + e.getName() + "': only files, directories and symlinks");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("the build context is not a tar or tar.gz archive: " + e.getMessage());
        }
        return new BuildContext(entries);
    }

    /** An archive of nothing: its end-of-archive block of zeros at once. */
    private static boolean emptyArchive(byte[] head) {
        if (head.length < 512) return false;
        for (byte b : head) if (b != 0) return false;
        return true;
    }

    private static boolean gzip(byte[] b) {
        return b.length > 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
    }

    /** An entry's name as a path inside the context: absolute names, NUL and {@code ..} are refused. */
    private static String contextPath(String name) {
        if (name.startsWith("/")
                || name.indexOf('\0') >= 0
                || Arrays.asList(name.split("/")).contains("..")) {
            throw new IllegalArgumentException("'" + name + "' is outside the build context");
        }
        String p = Path.of(name).normalize().toString();
        return p.isEmpty() ? "." : p;
    }

    /** A COPY source as written, made relative to the context's root; {@code ..} out of it is refused. */
    static String checkedPath(int line, String source) {
        if (source.contains("*") || source.contains("?"))
            throw new RecipeException(line, "COPY '" + source + "': wildcards are not supported, name the paths");
        String stripped = source.replaceFirst("^/+", "");
        var p = Path.of(stripped.isEmpty() ? "." : stripped).normalize();
        if (p.startsWith("..")) throw new RecipeException(line, "COPY '" + source + "' is outside the build context");
        String s = p.toString();
        return s.isEmpty() ? "." : s;
    }

    /** The entries under (or equal to) {@code source}; a directory source gives its contents. */
    private List<Entry> under(String source) {
        if (source.equals(".")) return List.copyOf(entries.values());
        var out = new ArrayList<Entry>();
        for (var e : entries.values()) if (e.path().equals(source) || e.path().startsWith(source + "/")) out.add(e);
        return out;
    }

    /**
     * A tar of what {@code copy} puts into the guest, paths relative to the guest's root, owned as its
     * {@code --chown} says (root otherwise), plus a hash of exactly those entries for the cache key.
     */
    Packed pack(Step.Copy copy) {
        var targets = new TreeMap<String, Entry>();
        for (String src : copy.sources()) {
            var found = under(src);
            if (found.isEmpty()) throw new BuildException("COPY: '" + src + "' is not in the build context");
            boolean single = found.size() == 1
                    && found.getFirst().path().equals(src)
                    && found.getFirst().kind() != Kind.DIR;
            for (var e : found) {
                String target;
                if (single) {
                    String name = Path.of(src).getFileName().toString();
                    target = copy.dest().endsWith("/") ? copy.dest() + name : copy.dest();
                } else {
                    String rel = src.equals(".")
                            ? e.path()
                            : e.path().substring(src.length()).replaceFirst("^/", "");
                    if (rel.isEmpty()) continue; // the source directory itself: its contents go into dest
                    target = copy.dest().replaceFirst("/$", "") + "/" + rel;
                }
                targets.put(target.replaceFirst("^/+", ""), e);
            }
        }
        return Packed.of(targets, copy.chown());
    }

    /** A COPY's archive for the guest and the hash of its content. */
    record Packed(byte[] tar, String sha256, List<String> paths) {
        static Packed of(Map<String, Entry> targets, String chown) {
            var out = new ByteArrayOutputStream();
            MessageDigest md = BuildContext.sha256();
            String[] owner = chown == null ? new String[] {"root", "root"} : chown.split(":");
            String user = owner[0], group = owner.length > 1 ? owner[1] : owner[0];
            try (var tar = new TarArchiveOutputStream(out)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                for (var t : targets.entrySet()) {
                    var e = t.getValue();
                    var te = switch (e.kind()) {
                        case DIR -> new TarArchiveEntry(t.getKey() + "/");
                        case SYMLINK -> new TarArchiveEntry(t.getKey(), TarArchiveEntry.LF_SYMLINK);
                        case FILE -> new TarArchiveEntry(t.getKey());
                    };
                    te.setMode(
                            e.kind() == Kind.DIR
                                    ? 040000 | e.mode()
                                    : e.kind() == Kind.FILE ? 0100000 | e.mode() : te.getMode());
                    owner(te, user, group);
                    if (e.kind() == Kind.SYMLINK) te.setLinkName(e.link());
                    if (e.kind() == Kind.FILE) te.setSize(e.data().length);
                    te.setModTime(0);
                    tar.putArchiveEntry(te);
                    if (e.kind() == Kind.FILE) tar.write(e.data());
                    tar.closeArchiveEntry();
                    md.update((t.getKey() + "\0" + e.kind() + "\0" + e.mode() + "\0" + e.link() + "\0")
                            .getBytes(StandardCharsets.UTF_8));
                    if (e.data() != null) md.update(BuildContext.sha256().digest(e.data()));
                }
                tar.finish();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return new Packed(out.toByteArray(), HexFormat.of().formatHex(md.digest()), List.copyOf(targets.keySet()));
        }

        private static void owner(TarArchiveEntry te, String user, String group) {
            if (user.matches("\\d+")) te.setUserId(Integer.parseInt(user));
            else te.setUserName(user);
            if (group.matches("\\d+")) te.setGroupId(Integer.parseInt(group));
            else te.setGroupName(group);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
