package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.host.HostCommand;
import dev.wrenn.hostagent.vm.QemuEngine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Snapshot templates under {@code <data-dir>/templates/<name>/}. Each version of a template is a
 * generation directory {@code gen-<n>/} (memory, state, disk.qcow2, template.json, all 0444) and the
 * file {@code current} names the live one (replaced by rename). Overwriting writes a new generation
 * and switches the pointer; a generation still used by a clone (its RAM mapping, its disk's backing
 * file) stays until no sandbox refers to it.
 */
public final class TemplateStore {
    public static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final List<String> FILES = List.of("memory", "state", "disk.qcow2");

    public record Template(String name, Path gen, String baseImage, int vcpus, int memoryMb, long createdAtMs,
            long sizeBytes, String token, Map<String, String> sha256) {
        public Path memory() {
            return gen.resolve("memory");
        }

        public Path state() {
            return gen.resolve("state");
        }

        public Path disk() {
            return gen.resolve("disk.qcow2");
        }
    }

    private final Path root;

    public TemplateStore(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** The named template, or null. */
    public synchronized Template find(String name) {
        if (name == null || !name.matches(NAME)) return null;
        Path ptr = root.resolve(name).resolve("current");
        try {
            if (!Files.isRegularFile(ptr)) return null;
            Path gen = root.resolve(name).resolve(Files.readString(ptr).strip());
            return read(name, gen);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static Template read(String name, Path gen) throws IOException {
        JsonNode j = JSON.readTree(gen.resolve("template.json").toFile());
        Map<String, String> sums = new LinkedHashMap<>();
        j.path("sha256").properties().forEach(e -> sums.put(e.getKey(), e.getValue().asString("")));
        return new Template(name, gen, j.path("base_image").asString(""), j.path("vcpus").asInt(), j.path("memory_mb").asInt(),
                j.path("created_at_unix_ms").asLong(), j.path("size_bytes").asLong(), j.path("token").asString(""), sums);
    }

    public synchronized List<Template> list() throws IOException {
        List<Template> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try (Stream<Path> s = Files.list(root)) {
            for (Path d : s.sorted().toList()) {
                Template t = find(d.getFileName().toString());
                if (t != null) out.add(t);
            }
        }
        return out;
    }

    /**
     * Makes {@code files} (name in {@link #FILES} -> source, moved, same file system) the new current
     * generation of {@code name}. {@code inUse} says which generation dirs live sandboxes still need.
     */
    public synchronized Template publish(String name, String baseImage, int vcpus, int memoryMb, String token,
            Map<String, Path> files, Supplier<Set<Path>> inUse) throws IOException {
        Path dir = root.resolve(name);
        Files.createDirectories(dir);
        long now = System.currentTimeMillis();
        String genName = "gen-" + now + "-" + System.nanoTime() % 100000;
        Path tmp = dir.resolve(genName + ".tmp");
        Files.createDirectories(tmp);
        try {
            Map<String, String> sums = new LinkedHashMap<>();
            for (String f : FILES) {
                Path to = tmp.resolve(f);
                Files.move(files.get(f), to, StandardCopyOption.ATOMIC_MOVE);
                sums.put(f, sha256(to));
            }
            long size = diskUsage(tmp);
            ObjectNode j = JSON.createObjectNode();
            j.put("name", name);
            j.put("base_image", baseImage);
            j.put("vcpus", vcpus);
            j.put("memory_mb", memoryMb);
            j.put("created_at_unix_ms", now);
            j.put("size_bytes", size);
            j.put("disk_format", "qcow2 overlay over the base image's rootfs (read-only backing chain)");
            j.put("token", token);
            j.set("sha256", JSON.valueToTree(sums));
            Files.write(tmp.resolve("template.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(j));
            for (String f : List.of("memory", "state", "disk.qcow2", "template.json")) {
                QemuEngine.fsync(tmp.resolve(f));
                Files.setPosixFilePermissions(tmp.resolve(f), PosixFilePermissions.fromString("r--r--r--"));
            }
            Path gen = dir.resolve(genName);
            Files.move(tmp, gen, StandardCopyOption.ATOMIC_MOVE);
            Path ptrTmp = dir.resolve("current.tmp");
            Files.writeString(ptrTmp, genName + "\n");
            QemuEngine.fsync(ptrTmp);
            Files.move(ptrTmp, dir.resolve("current"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            QemuEngine.fsync(dir);
            gc(name, inUse.get());
            return read(name, gen);
        } catch (IOException | RuntimeException e) {
            Reclaimer.deleteTree(tmp);
            throw e;
        }
    }

    /** Removes the template: it is no longer listed; generations clones still use go when they do. */
    public synchronized boolean delete(String name, Set<Path> inUse) throws IOException {
        if (find(name) == null) return false;
        Files.deleteIfExists(root.resolve(name).resolve("current"));
        gc(name, inUse);
        return true;
    }

    /** Deletes every generation of {@code name} that is neither current nor in use; the dir when empty. */
    public synchronized void gc(String name, Set<Path> inUse) throws IOException {
        Path dir = root.resolve(name);
        if (!Files.isDirectory(dir)) return;
        Path ptr = dir.resolve("current");
        String current = Files.isRegularFile(ptr) ? Files.readString(ptr).strip() : null;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path g : s.toList()) {
                String n = g.getFileName().toString();
                if (!n.startsWith("gen-") || n.equals(current) || inUse.contains(g.toAbsolutePath().normalize())) continue;
                Reclaimer.deleteTree(g);
            }
        }
        try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isEmpty()) Files.deleteIfExists(dir);
        }
    }

    /** All template dirs, for garbage collection after a sandbox goes. */
    public synchronized void gcAll(Set<Path> inUse) throws IOException {
        if (!Files.isDirectory(root)) return;
        try (Stream<Path> s = Files.list(root)) {
            for (Path d : s.toList()) gc(d.getFileName().toString(), inUse);
        }
    }

    public static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bytes allocated on disk (sparse files count what they use), like {@code du -sB1}. */
    public static long diskUsage(Path p) throws IOException {
        String out = HostCommand.check("du", "-sB1", p.toString());
        return Long.parseLong(out.strip().split("\\s+")[0]);
    }
}
