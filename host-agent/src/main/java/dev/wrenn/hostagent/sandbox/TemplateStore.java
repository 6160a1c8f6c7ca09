package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.storage.DurableFiles;
import dev.wrenn.hostagent.vm.Disks;
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
 * and switches the pointer. A template made from a clone stores only its differences from the
 * template it came from: a memory diff generation ({@code memory.diff}) and a qcow2 overlay whose
 * backing file is the parent's disk; its template.json lists the generation dirs it depends on. A
 * generation stays while a sandbox or a kept generation depends on it.
 */
public final class TemplateStore {
    public static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Memory is either a full RAM file or a diff generation; the other two are always there. */
    static final List<String> FILES = List.of("memory", "memory.diff", "state", "disk.qcow2");

    /**
     * @param memoryBase the full RAM file at the root of this template's memory (its own {@code memory},
     *     or an ancestor's)
     * @param memoryChain diff generations on top of it, oldest first (empty for a template with its own RAM file)
     * @param dependsOn ancestor generation dirs whose files this one uses (memory base and chain, disk backing files)
     * @param diskMb size of its disk in MiB, which clones start from (0: an older agent's, the base image's size)
     */
    public record Template(
            String name,
            Path gen,
            String baseImage,
            int vcpus,
            int memoryMb,
            long createdAtMs,
            long sizeBytes,
            String token,
            Map<String, String> sha256,
            Path memoryBase,
            List<Path> memoryChain,
            List<Path> dependsOn,
            int diskMb) {

        public Path state() {
            return gen.resolve("state");
        }

        public Path disk() {
            return gen.resolve("disk.qcow2");
        }
    }

    private final Path root;
    private final Disks disks;

    public TemplateStore(Path root, Disks disks) {
        this.root = root;
        this.disks = disks;
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
        j.path("sha256")
                .properties()
                .forEach(e -> sums.put(e.getKey(), e.getValue().asString("")));
        JsonNode mem = j.path("memory");
        Path base = mem.hasNonNull("base") ? Path.of(mem.path("base").asString()) : gen.resolve("memory");
        List<Path> chain = new ArrayList<>();
        mem.path("chain").forEach(c -> chain.add(Path.of(c.asString())));
        List<Path> deps = new ArrayList<>();
        j.path("depends_on").forEach(c -> deps.add(Path.of(c.asString())));
        return new Template(
                name,
                gen,
                j.path("base_image").asString(""),
                j.path("vcpus").asInt(),
                j.path("memory_mb").asInt(),
                j.path("created_at_unix_ms").asLong(),
                j.path("size_bytes").asLong(),
                j.path("token").asString(""),
                sums,
                base,
                List.copyOf(chain),
                List.copyOf(deps),
                Math.max(0, j.path("disk_mb").asInt(0)));
    }

    /** The template generation in {@code gen} (current or not). */
    public static Template readGen(Path gen) throws IOException {
        return read(gen.getParent().getFileName().toString(), gen);
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
     * generation of {@code name}. With {@code memory} in {@code files} the template has its own RAM
     * file; with {@code memory.diff} it is a generation on top of {@code memoryBase} +
     * {@code memoryParents}, and {@code dependsOn} lists the generation dirs those (and the disk's
     * backing files) live in. {@code inUse} says which generation dirs live sandboxes still need.
     */
    public synchronized Template publish(
            String name,
            String baseImage,
            int vcpus,
            int memoryMb,
            int diskMb,
            String token,
            Map<String, Path> files,
            Path memoryBase,
            List<Path> memoryParents,
            List<Path> dependsOn,
            Supplier<Set<Path>> inUse)
            throws IOException {
        Path dir = root.resolve(name);
        Files.createDirectories(dir);
        long now = System.currentTimeMillis();
        String genName = "gen-" + now + "-" + System.nanoTime() % 100000;
        Path tmp = dir.resolve(genName + ".tmp");
        Path gen = dir.resolve(genName);
        Files.createDirectories(tmp);
        try {
            Map<String, String> sums = new LinkedHashMap<>();
            List<String> present = new ArrayList<>();
            for (String f : FILES) {
                if (!files.containsKey(f)) continue;
                Path to = tmp.resolve(f);
                Files.move(files.get(f), to, StandardCopyOption.ATOMIC_MOVE);
                sums.put(f, sha256(to));
                present.add(f);
            }
            boolean ownRam = files.containsKey("memory");
            if (ownRam == files.containsKey("memory.diff"))
                throw new IllegalArgumentException("exactly one of memory, memory.diff");
            long size = DurableFiles.diskUsage(tmp);
            ObjectNode j = JSON.createObjectNode();
            j.put("name", name);
            j.put("base_image", baseImage);
            j.put("vcpus", vcpus);
            j.put("memory_mb", memoryMb);
            j.put("disk_mb", diskMb);
            j.put("created_at_unix_ms", now);
            j.put("size_bytes", size);
            j.put(
                    "disk_format",
                    "qcow2 overlay; backing chain: "
                            + String.join(" <- ", disks.backingChain(tmp.resolve("disk.qcow2"))));
            ObjectNode mem = j.putObject("memory");
            mem.put(
                    "base",
                    ownRam
                            ? gen.resolve("memory").toString()
                            : memoryBase.toAbsolutePath().normalize().toString());
            var chain = mem.putArray("chain");
            if (!ownRam) {
                memoryParents.forEach(
                        p -> chain.add(p.toAbsolutePath().normalize().toString()));
                chain.add(gen.resolve("memory.diff").toString());
            }
            var deps = j.putArray("depends_on");
            dependsOn.forEach(p -> deps.add(p.toAbsolutePath().normalize().toString()));
            j.put("token", token);
            j.set("sha256", JSON.valueToTree(sums));
            Files.write(
                    tmp.resolve("template.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(j));
            present.add("template.json");
            for (String f : present) {
                DurableFiles.fsync(tmp.resolve(f));
                Files.setPosixFilePermissions(tmp.resolve(f), PosixFilePermissions.fromString("r--r--r--"));
            }
            DurableFiles.fsync(tmp); // the entries of the files renamed into it
            Files.move(tmp, gen, StandardCopyOption.ATOMIC_MOVE);
            Path ptrTmp = dir.resolve("current.tmp");
            Files.writeString(ptrTmp, genName + "\n");
            DurableFiles.fsync(ptrTmp);
            Files.move(
                    ptrTmp,
                    dir.resolve("current"),
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            DurableFiles.fsync(dir);
            gcAll(inUse.get());
            return read(name, gen);
        } catch (IOException | RuntimeException e) {
            DurableFiles.deleteTree(tmp);
            throw e;
        }
    }

    /** Removes the template: it is no longer listed; generations still depended on go when the last dependent does. */
    public synchronized boolean delete(String name, Set<Path> inUse) throws IOException {
        if (find(name) == null) return false;
        Files.deleteIfExists(root.resolve(name).resolve("current"));
        DurableFiles.fsync(root.resolve(name));
        gcAll(inUse);
        return true;
    }

    /**
     * Deletes every generation dir (and half-written {@code *.tmp} one) that is not kept: kept are the
     * current generations, {@code inUse} (what live sandboxes need), and everything a kept generation
     * depends on, transitively. Empty template dirs go too.
     */
    public synchronized void gcAll(Set<Path> inUse) throws IOException {
        if (!Files.isDirectory(root)) return;
        List<Path> gens = new ArrayList<>();
        java.util.Deque<Path> todo = new java.util.ArrayDeque<>();
        try (Stream<Path> s = Files.list(root)) {
            for (Path d : s.toList()) {
                if (!Files.isDirectory(d)) continue;
                Path ptr = d.resolve("current");
                String current =
                        Files.isRegularFile(ptr) ? Files.readString(ptr).strip() : null;
                try (Stream<Path> g = Files.list(d)) {
                    for (Path gen : g.toList()) {
                        String n = gen.getFileName().toString();
                        if (!n.startsWith("gen-")) continue;
                        Path abs = gen.toAbsolutePath().normalize();
                        gens.add(abs);
                        if (n.equals(current) || inUse.contains(abs)) todo.add(abs);
                    }
                }
            }
        }
        Set<Path> keep = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            Path g = todo.poll();
            if (!keep.add(g) || g.getFileName().toString().endsWith(".tmp")) continue;
            try {
                for (Path dep : readGen(g).dependsOn())
                    todo.add(dep.toAbsolutePath().normalize());
            } catch (IOException | RuntimeException e) {
                // unreadable record: keep the generation, depend on nothing more
            }
        }
        for (Path g : gens) if (!keep.contains(g)) DurableFiles.deleteTree(g);
        try (Stream<Path> s = Files.list(root)) {
            for (Path d : s.toList()) {
                if (!Files.isDirectory(d)) continue;
                try (Stream<Path> in = Files.list(d)) {
                    if (in.allMatch(x -> x.getFileName().toString().equals("current.tmp"))) DurableFiles.deleteTree(d);
                }
            }
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
}
