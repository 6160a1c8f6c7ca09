package dev.wrenn.sdk.template;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * A directory as a build context: a gzipped POSIX tar (ustar, with pax headers for names too long for it) of its
 * files, directories and symlinks, in name order, with their permission bits and nothing else of the machine
 * (owner 0, time 0). The same directory always gives the same bytes, so an unchanged context keeps a build's
 * cached layers.
 */
public final class ContextArchive {
    private static final int BLOCK = 512;

    private ContextArchive() {}

    /** The archive of {@code dir}, whose entries are named relative to it. */
    public static byte[] of(Path dir) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("not a directory: " + dir);
        var bytes = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(bytes);
                Stream<Path> walk = Files.walk(dir)) {
            List<Path> paths = walk.filter(p -> !p.equals(dir)).sorted().toList();
            for (Path p : paths) write(gz, dir, p);
            gz.write(new byte[2 * BLOCK]);
        } catch (IOException e) {
            throw new UncheckedIOException("archiving " + dir, e);
        }
        return bytes.toByteArray();
    }

    private static void write(OutputStream out, Path root, Path p) throws IOException {
        String name = root.relativize(p).toString().replace('\\', '/');
        if (Files.isSymbolicLink(p)) {
            entry(out, name, 0777, 0, '2', Files.readSymbolicLink(p).toString());
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            entry(out, name + "/", permissions(p), 0, '5', "");
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            long size = Files.size(p);
            entry(out, name, permissions(p), size, '0', "");
            try (InputStream in = Files.newInputStream(p)) {
                long copied = in.transferTo(out);
                if (copied != size) throw new IOException(p + " changed while it was archived");
            }
            pad(out, size);
        }
        // sockets, pipes and devices are no part of a build context
    }

    private static int permissions(Path p) throws IOException {
        try {
            return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        } catch (UnsupportedOperationException | IllegalArgumentException notUnix) {
            return Files.isDirectory(p) || Files.isExecutable(p) ? 0755 : 0644;
        }
    }

    /** One header; a pax header first when the name or link target does not fit ustar's fields. */
    static void entry(OutputStream out, String name, int mode, long size, char type, String link) throws IOException {
        String[] split = split(name);
        boolean longLink = link.getBytes(StandardCharsets.UTF_8).length > 100;
        if (split == null || longLink) {
            var pax = new StringBuilder();
            if (split == null) pax.append(record("path", name));
            if (longLink) pax.append(record("linkpath", link));
            byte[] data = pax.toString().getBytes(StandardCharsets.UTF_8);
            out.write(header("PaxHeaders/" + tail(name, 89), "", 0644, data.length, 'x', ""));
            out.write(data);
            pad(out, data.length);
            // What the fields hold then is only for readers that ignore pax headers.
            if (split == null) split = new String[] {"", tail(name, 100)};
            if (longLink) link = tail(link, 100);
        }
        out.write(header(split[1], split[0], mode, size, type, link));
    }

    /** {prefix, name} for ustar: a name of up to 100 bytes, or a cut at a '/' into up to 155 + 100; null if none. */
    static String[] split(String name) {
        int len = name.getBytes(StandardCharsets.UTF_8).length;
        if (len <= 100) return new String[] {"", name};
        for (int i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
            String prefix = name.substring(0, i);
            String rest = name.substring(i + 1);
            int p = prefix.getBytes(StandardCharsets.UTF_8).length;
            int r = rest.getBytes(StandardCharsets.UTF_8).length;
            if (p <= 155 && r <= 100 && r > 0) return new String[] {prefix, rest};
        }
        return null;
    }

    /** The last characters of {@code s} that fit {@code max} bytes. */
    private static String tail(String s, int max) {
        int from = s.length();
        while (from > 0 && s.substring(from - 1).getBytes(StandardCharsets.UTF_8).length <= max) {
            from--;
        }
        return s.substring(from);
    }

    /** A pax record, {@code "<length> key=value\n"}, whose length counts its own digits. */
    static String record(String key, String value) {
        int body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
        int len = body + Integer.toString(body).length();
        if (Integer.toString(len).length() != Integer.toString(body).length()) len++;
        return len + " " + key + "=" + value + "\n";
    }

    static byte[] header(String name, String prefix, int mode, long size, char type, String link) {
        byte[] h = new byte[BLOCK];
        put(h, 0, 100, name);
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, 0);
        h[156] = (byte) type;
        put(h, 157, 100, link);
        put(h, 257, 6, "ustar");
        put(h, 263, 2, "00");
        put(h, 265, 32, "root");
        put(h, 297, 32, "root");
        put(h, 345, 155, prefix);
        // The checksum is the byte sum of the header with its own field read as eight spaces.
        for (int i = 148; i < 156; i++) h[i] = ' ';
        long sum = 0;
        for (byte b : h) sum += b & 0xff;
        String digits = String.format("%06o", sum);
        put(h, 148, 6, digits);
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    private static void put(byte[] h, int at, int width, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > width) throw new IllegalArgumentException("'" + s + "' does not fit a tar field of " + width);
        System.arraycopy(b, 0, h, at, b.length);
    }

    private static void octal(byte[] h, int at, int width, long value) {
        String digits = Long.toOctalString(value);
        if (digits.length() > width - 1) throw new IllegalArgumentException(value + " is too large for a tar header");
        put(h, at, width - 1, "0".repeat(width - 1 - digits.length()) + digits);
    }

    private static void pad(OutputStream out, long size) throws IOException {
        int rest = (int) (size % BLOCK);
        if (rest != 0) out.write(new byte[BLOCK - rest]);
    }
}
