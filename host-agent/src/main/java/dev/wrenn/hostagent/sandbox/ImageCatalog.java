package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.HostAgentConfig;
import dev.wrenn.hostagent.vm.GuestImage;
import dev.wrenn.settings.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Templates by name. The image directory is either a directory of templates ({@code images/minimal},
 * ...) or one template itself (it holds a vmlinux), which then answers to its own name and to the
 * default name.
 */
public final class ImageCatalog {
    public static final String DEFAULT_TEMPLATE = "minimal";

    private final Path dir;
    private final Map<String, GuestImage> cache = new ConcurrentHashMap<>();

    public ImageCatalog(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public GuestImage get(String template) throws SandboxException {
        String name = template == null || template.isBlank() ? DEFAULT_TEMPLATE : template;
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new SandboxException(SandboxException.Reason.INVALID_ARGUMENT, "invalid template name: " + name);
        }
        GuestImage cached = cache.get(name);
        if (cached != null) return cached;
        Path imageDir = locate(name);
        try {
            GuestImage image = GuestImage.load(name, imageDir);
            cache.put(name, image);
            return image;
        } catch (IOException e) {
            throw new SandboxException(SandboxException.Reason.NOT_FOUND, e.getMessage(), e);
        }
    }

    /**
     * The directory of template {@code name}: the image directory itself when it is one template that
     * answers to that name, else its subdirectory {@code name}. The error says where it looked, since
     * the usual cause is an image directory one level too high or too low, or another data dir's.
     */
    private Path locate(String name) throws SandboxException {
        boolean single = Files.isRegularFile(dir.resolve("vmlinux"));
        if (single
                && (name.equals(DEFAULT_TEMPLATE)
                        || name.equals(dir.getFileName().toString()))) return dir;
        Path sub = dir.resolve(name);
        if (Files.isDirectory(sub)) return sub;
        String looked = single
                ? sub + " does not exist"
                : "neither " + sub.resolve("vmlinux") + " nor " + dir.resolve("vmlinux") + " exists";
        String hint = name.equals(DEFAULT_TEMPLATE)
                ? "; build it with `./wrenn image build`, which writes $WRENN_DATA_DIR/images/minimal"
                : "";
        throw new SandboxException(
                SandboxException.Reason.NOT_FOUND, "no template '" + name + "' in " + dir + " (" + looked + hint + ")");
    }

    /**
     * The image directory the tests and benchmarks boot from: {@code WRENN_IMAGE_DIR} (system property,
     * then environment), which may name the images root or the {@code minimal} image itself; else the
     * host agent's default, {@code $WRENN_DATA_DIR/images}, where {@code ./wrenn image build} writes.
     */
    public static Path configuredDir() {
        String v = System.getProperty("WRENN_IMAGE_DIR", Settings.env("WRENN_IMAGE_DIR"));
        return v != null && !v.isBlank()
                ? Path.of(v)
                : HostAgentConfig.defaultDataDir().resolve("images");
    }

    /** The default image's own directory in {@link #configuredDir()}; if it is missing, says where it looked. */
    public static Path configuredDefaultImage() {
        try {
            return new ImageCatalog(configuredDir()).get(DEFAULT_TEMPLATE).dir();
        } catch (SandboxException e) {
            throw new IllegalStateException(
                    "guest image not found: " + e.getMessage()
                            + ". Or point WRENN_IMAGE_DIR at the images root or at the image's own directory.",
                    e);
        }
    }

    /** True if {@code name} is a base image in the image directory. */
    public boolean exists(String name) {
        try {
            get(name);
            return true;
        } catch (SandboxException e) {
            return false;
        }
    }

    /** Base image names and their directories. */
    public Map<String, Path> list() throws IOException {
        Map<String, Path> out = new java.util.TreeMap<>();
        if (Files.isRegularFile(dir.resolve("vmlinux"))) {
            out.put(DEFAULT_TEMPLATE, dir);
            return out;
        }
        if (!Files.isDirectory(dir)) return out;
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            for (Path d : s.toList()) {
                String n = d.getFileName().toString();
                if (Files.isRegularFile(d.resolve("vmlinux")) && n.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"))
                    out.put(n, d);
            }
        }
        return out;
    }

    /** The default template if it is present, for the KVM probe; null otherwise. */
    public GuestImage defaultImageOrNull() {
        try {
            return get(DEFAULT_TEMPLATE);
        } catch (SandboxException e) {
            return null;
        }
    }
}
