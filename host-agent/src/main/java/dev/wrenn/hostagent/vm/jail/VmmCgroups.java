package dev.wrenn.hostagent.vm.jail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One cgroup per VMM, named by the agent's prefix and the sandbox id, so a runaway VMM hits its own
 * memory, CPU, pid and I/O limits rather than its neighbours'. cgroup v2 where the host mounts it
 * with controllers (one directory), v1 otherwise (one directory per controller).
 */
public final class VmmCgroups {
    /** What one VMM may use. {@code cpus}: whole CPUs of time per period, its vCPU count. */
    public record Limits(long memoryBytes, int cpus, int pidsMax, int ioWeight) {}

    static final long CPU_PERIOD_US = 100_000;
    private static final List<String> V1_CONTROLLERS = List.of("memory", "cpu", "pids", "blkio");

    private final Path root;
    private final boolean v2;

    VmmCgroups(Path root, boolean v2) {
        this.root = root;
        this.v2 = v2;
    }

    /** The host's hierarchy: v2 if /sys/fs/cgroup is a v2 root with the memory controller, else v1. */
    public static VmmCgroups host() throws IOException {
        Path r = Path.of("/sys/fs/cgroup");
        Path controllers = r.resolve("cgroup.controllers");
        if (Files.exists(controllers) && Files.readString(controllers).contains("memory"))
            return new VmmCgroups(r, true);
        if (Files.isDirectory(r.resolve("memory")) && Files.isDirectory(r.resolve("pids")))
            return new VmmCgroups(r, false);
        throw new IOException("no usable cgroup hierarchy under /sys/fs/cgroup (neither v2 with memory nor v1"
                + " memory+pids): set WRENN_VMM_CONFINE=false on this host");
    }

    public String version() {
        return v2 ? "v2" : "v1";
    }

    /** The directories whose {@code cgroup.procs} the VMM joins. */
    public List<Path> dirs(String name) {
        if (v2) return List.of(root.resolve(name));
        List<Path> d = new ArrayList<>();
        for (String c : V1_CONTROLLERS)
            if (Files.isDirectory(root.resolve(c))) d.add(root.resolve(c).resolve(name));
        return d;
    }

    /** Creates {@code name} with {@code l}; a leftover of the same name is reused with the new limits. */
    public List<Path> create(String name, Limits l) throws IOException {
        if (v2) {
            // The root must hand the controllers down; the agent may be the first to ask on this host.
            for (String c : List.of("+memory", "+cpu", "+pids", "+io")) {
                try {
                    writeIfExists(root.resolve("cgroup.subtree_control"), c);
                } catch (IOException absent) {
                    // a controller this kernel lacks: its limit below is skipped or fails loudly
                }
            }
            Path d = root.resolve(name);
            Files.createDirectories(d);
            write(d.resolve("memory.max"), Long.toString(l.memoryBytes()));
            writeIfExists(d.resolve("memory.swap.max"), "0");
            write(d.resolve("cpu.max"), (l.cpus() * CPU_PERIOD_US) + " " + CPU_PERIOD_US);
            write(d.resolve("pids.max"), Integer.toString(l.pidsMax()));
            writeIfExists(d.resolve("io.weight"), "default " + l.ioWeight());
            return List.of(d);
        }
        List<Path> dirs = dirs(name);
        for (Path d : dirs) Files.createDirectories(d);
        Path mem = root.resolve("memory").resolve(name);
        write(mem.resolve("memory.limit_in_bytes"), Long.toString(l.memoryBytes()));
        writeIfExists(mem.resolve("memory.memsw.limit_in_bytes"), Long.toString(l.memoryBytes()));
        Path cpu = root.resolve("cpu").resolve(name);
        if (Files.isDirectory(cpu)) {
            write(cpu.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_US));
            write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(l.cpus() * CPU_PERIOD_US));
        }
        write(root.resolve("pids").resolve(name).resolve("pids.max"), Integer.toString(l.pidsMax()));
        Path blkio = root.resolve("blkio").resolve(name);
        // blkio.weight exists only with a proportional I/O scheduler (CFQ, BFQ) on the host.
        writeIfExists(blkio.resolve("blkio.weight"), Integer.toString(Math.clamp(l.ioWeight(), 10, 1000)));
        writeIfExists(blkio.resolve("blkio.bfq.weight"), Integer.toString(Math.clamp(l.ioWeight(), 1, 1000)));
        return dirs;
    }

    /** Removes {@code name}; a cgroup whose last process is still exiting is retried for a moment. */
    public void remove(String name) throws IOException, InterruptedException {
        IOException last = null;
        for (Path d : dirs(name)) {
            for (int attempt = 0; attempt < 50 && Files.exists(d); attempt++) {
                try {
                    Files.delete(d);
                } catch (java.nio.file.NoSuchFileException gone) {
                    break;
                } catch (IOException busy) {
                    last = busy;
                    Thread.sleep(20);
                }
            }
            if (Files.exists(d)) throw new IOException("cgroup " + d + " still busy", last);
        }
    }

    /** Removes the empty cgroups with {@code prefix} that a previous agent left; returns how many. */
    public int reclaim(String prefix) {
        int n = 0;
        List<Path> parents =
                v2 ? List.of(root) : V1_CONTROLLERS.stream().map(root::resolve).toList();
        for (Path parent : parents) {
            if (!Files.isDirectory(parent)) continue;
            try (Stream<Path> s = Files.list(parent)) {
                for (Path d : s.filter(p -> p.getFileName().toString().startsWith(prefix))
                        .toList()) {
                    try {
                        if (!Files.readString(d.resolve("cgroup.procs")).isBlank()) continue; // an adopted VMM's
                        Files.delete(d);
                        n++;
                    } catch (IOException busy) {
                        // a VMM still in it: the reclaimer or adoption deals with that VMM
                    }
                }
            } catch (IOException e) {
                // unreadable hierarchy: nothing to reclaim there
            }
        }
        return n;
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value);
    }

    private static void writeIfExists(Path file, String value) throws IOException {
        if (Files.exists(file)) write(file, value);
    }
}
