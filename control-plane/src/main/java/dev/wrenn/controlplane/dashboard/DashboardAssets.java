package dev.wrenn.controlplane.dashboard;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The dashboard's files as the build put them on the class path (dashboard/src, and the terminal's files from
 * dashboard/node_modules under {@code vendor/}). A file is read and compressed once, when first asked for; a path
 * that names no file is never remembered, so made-up paths cannot grow the cache.
 */
final class DashboardAssets {
    static final String ROOT = "/dev/wrenn/controlplane/dashboard/";
    static final String INDEX = "index.html";

    /** Segments of letters, digits, dot, dash and underscore, none starting with a dot: no climbing, no hidden. */
    private static final Pattern PATH = Pattern.compile("([A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*");

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "mjs", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json",
            "txt", "text/plain; charset=utf-8");

    private final String root;
    private final Map<String, Asset> loaded = new ConcurrentHashMap<>();

    DashboardAssets() {
        this(ROOT);
    }

    DashboardAssets(String root) {
        this.root = root;
    }

    /** The file at {@code path} (relative, such as {@code pages/keys.js}), if the dashboard has one. */
    Optional<Asset> find(String path) {
        if (path == null || !PATH.matcher(path).matches()) return Optional.empty();
        Asset known = loaded.get(path);
        if (known != null) return Optional.of(known);
        return read(path).map(a -> {
            Asset raced = loaded.putIfAbsent(path, a);
            return raced == null ? a : raced;
        });
    }

    /** The page every dashboard route loads; its absence is a broken build, not a 404. */
    Asset index() {
        return find(INDEX)
                .orElseThrow(() -> new IllegalStateException(
                        "the dashboard's " + ROOT + INDEX + " is missing from the class path (a broken build)"));
    }

    private Optional<Asset> read(String path) {
        try (InputStream in = DashboardAssets.class.getResourceAsStream(root + path)) {
            if (in == null) return Optional.empty();
            byte[] bytes = in.readAllBytes();
            return Optional.of(new Asset(path, contentType(path), bytes, gzip(bytes), etag(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the dashboard's " + path, e);
        }
    }

    static String contentType(String path) {
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        // Files without an extension are the vendored packages' LICENSE texts.
        if (dot <= slash) return TYPES.get("txt");
        return TYPES.getOrDefault(path.substring(dot + 1).toLowerCase(Locale.ROOT), "application/octet-stream");
    }

    static byte[] gzip(byte[] bytes) {
        var out = new ByteArrayOutputStream(bytes.length / 3 + 64);
        try (var gz = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
