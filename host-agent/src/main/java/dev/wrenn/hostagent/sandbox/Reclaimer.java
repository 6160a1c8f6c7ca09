package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.host.HostCommand;
import dev.wrenn.hostagent.host.HostProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what a crashed predecessor left behind, found by the name prefix this agent owns: VMM
 * processes (by their {@code -name}), network namespaces, root-namespace links, nft tables and
 * sandbox directories. Runs before the agent accepts any request, so nothing it removes is live.
 * It keeps what the new agent adopts: completely paused sandboxes (their files) and running ones
 * whose VMM is still alive (their files, VMM, namespace and veth).
 */
public final class Reclaimer {
    private static final Logger log = LoggerFactory.getLogger(Reclaimer.class);

    /**
     * @param dirs sandbox directories to delete (sandboxes of a dead agent that cannot be adopted)
     * @param paused directories of completely paused sandboxes: kept, to be adopted as PAUSED
     * @param running directories of running sandboxes whose VMM is alive: kept with their VMM,
     *     namespace and veth, to be adopted as RUNNING
     */
    public record Report(
            List<Long> processes,
            List<String> namespaces,
            List<String> links,
            List<String> tables,
            List<Path> dirs,
            List<Path> paused,
            List<Path> running) {
        public boolean isEmpty() {
            return processes.isEmpty()
                    && namespaces.isEmpty()
                    && links.isEmpty()
                    && tables.isEmpty()
                    && dirs.isEmpty()
                    && running.isEmpty();
        }
    }

    private Reclaimer() {}

    /** Everything that carries {@code prefix}: what {@link #reclaim} would remove. */
    public static Report scan(String prefix, Path sandboxesDir) throws IOException {
        List<Path> all = dirs(prefix, sandboxesDir);
        List<Path> paused = all.stream().filter(Reclaimer::isCompletePause).toList();
        List<HostProcesses.HostProcess> vmms = HostProcesses.all().stream()
                .filter(p -> isOurVmm(p.argv(), prefix, sandboxesDir))
                .toList();
        List<Path> running = new ArrayList<>();
        java.util.Set<Long> keepPids = new java.util.HashSet<>();
        java.util.Set<String> keepNames = new java.util.HashSet<>();
        for (Path d : all) {
            if (paused.contains(d)) continue;
            RunningRecord r = runningRecord(d);
            if (r == null) continue;
            String name = d.getFileName().toString();
            boolean alive = vmms.stream().anyMatch(p -> p.pid() == r.pid() && name.equals(vmmName(p.argv())));
            if (!alive) continue;
            running.add(d);
            keepPids.add(r.pid());
            keepNames.add(prefix + "ns" + r.slot());
            keepNames.add(prefix + "h" + r.slot());
        }
        List<Path> dirs = all.stream()
                .filter(d -> !paused.contains(d) && !running.contains(d))
                .toList();
        List<Long> processes = vmms.stream()
                .map(HostProcesses.HostProcess::pid)
                .filter(p -> !keepPids.contains(p))
                .toList();
        List<String> namespaces =
                namespaces(prefix).stream().filter(n -> !keepNames.contains(n)).toList();
        List<String> links =
                links(prefix).stream().filter(n -> !keepNames.contains(n)).toList();
        // The firewall tables stay while sandboxes are adopted: the new agent replaces them atomically.
        List<String> tables = running.isEmpty() ? tables(prefix) : List.of();
        return new Report(processes, namespaces, links, tables, dirs, paused, List.copyOf(running));
    }

    record RunningRecord(long pid, int slot) {}

    /** The VMM pid and slot a running record names, or null (no record, unreadable). */
    static RunningRecord runningRecord(Path dir) {
        Path rec = dir.resolve(SandboxManager.RUNNING_RECORD);
        if (!Files.isRegularFile(rec)) return null;
        try {
            var j = tools.jackson.databind.json.JsonMapper.builder().build().readTree(rec.toFile());
            if (!j.path("vmm_pid").isNumber() || !j.path("slot").isNumber()) return null;
            return new RunningRecord(j.path("vmm_pid").asLong(), j.path("slot").asInt());
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String vmmName(List<String> argv) {
        for (int i = 0; i + 1 < argv.size(); i++) if (argv.get(i).equals("-name")) return argv.get(i + 1);
        return null;
    }

    /** Kills the VMM of sandbox dir {@code dir}, if there is one (an adoption that failed). */
    public static void killVmmOf(Path dir) {
        String name = dir.getFileName().toString();
        for (HostProcesses.HostProcess p : HostProcesses.all()) {
            if (isOurVmm(p.argv(), name, dir.getParent()) && name.equals(vmmName(p.argv()))) {
                if (!HostProcesses.kill(p.pid())) log.warn("qemu pid {} survived SIGKILL", p.pid());
            }
        }
    }

    public static Report reclaim(String prefix, Path sandboxesDir) throws IOException {
        Report found = scan(prefix, sandboxesDir);
        for (long pid : found.processes()) {
            if (!HostProcesses.kill(pid)) log.warn("reclaim: qemu pid {} survived SIGKILL", pid);
        }
        for (String ns : found.namespaces()) warnIfFailed(HostCommand.run("ip", "netns", "del", ns));
        for (String link : found.links()) warnIfFailed(HostCommand.run("ip", "link", "del", link));
        for (String table : found.tables()) {
            String[] famName = table.split(" ");
            warnIfFailed(HostCommand.run("nft", "delete", "table", famName[0], famName[1]));
        }
        for (Path d : found.dirs()) deleteTree(d);
        for (Path d : found.paused()) tidyPaused(d);
        for (Path d : found.running()) tidyRunning(d);
        if (!found.isEmpty() || !found.paused().isEmpty()) {
            log.info(
                    "reclaimed leftovers of a previous run: {} process(es), {} netns, {} link(s), {} nft table(s), {} dir(s);"
                            + " kept {} paused and {} running sandbox(es)",
                    found.processes().size(),
                    found.namespaces().size(),
                    found.links().size(),
                    found.tables().size(),
                    found.dirs().size(),
                    found.paused().size(),
                    found.running().size());
        }
        return found;
    }

    /**
     * A VMM of ours carries our prefix and keeps its files in our sandboxes dir: another agent on the
     * same host (another data dir, a test suite in its own namespaces) may use the same prefix.
     */
    static boolean isOurVmm(List<String> argv, String prefix, Path sandboxesDir) {
        if (argv.isEmpty() || !argv.getFirst().endsWith("qemu-system-x86_64")) return false;
        String ours = sandboxesDir.toAbsolutePath().normalize() + "/";
        if (argv.stream().noneMatch(a -> a.contains(ours))) return false;
        for (int i = 0; i + 1 < argv.size(); i++) {
            if (argv.get(i).equals("-name") && argv.get(i + 1).startsWith(prefix)) return true;
        }
        return false;
    }

    static List<String> namespaces(String prefix) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : HostCommand.check("ip", "netns", "list").lines().toList()) {
            String name = line.split("\\s+")[0];
            if (name.startsWith(prefix)) out.add(name);
        }
        return out;
    }

    static List<String> links(String prefix) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : HostCommand.check("ip", "-o", "link", "show").lines().toList()) {
            String[] parts = line.split(":\\s+", 3);
            if (parts.length < 2) continue;
            String name = parts[1].split("@")[0];
            if (name.startsWith(prefix)) out.add(name);
        }
        return out;
    }

    static List<String> tables(String prefix) throws IOException {
        HostCommand.Result r = HostCommand.run("nft", "list", "tables");
        if (!r.ok()) return List.of();
        List<String> out = new ArrayList<>();
        for (String line : r.stdout().lines().toList()) {
            String[] p = line.trim().split("\\s+");
            if (p.length == 3 && p[0].equals("table") && p[2].startsWith(prefix)) out.add(p[1] + " " + p[2]);
        }
        return out;
    }

    static List<Path> dirs(String prefix, Path sandboxesDir) throws IOException {
        if (!Files.isDirectory(sandboxesDir)) return List.of();
        try (Stream<Path> s = Files.list(sandboxesDir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        }
    }

    /**
     * A paused sandbox whose commit record names a snapshot dir with a state file, and whose RAM is all
     * there: its own RAM file, or (a clone) the base and every memory generation the record lists.
     */
    static boolean isCompletePause(Path dir) {
        Path rec = dir.resolve(SandboxManager.PAUSED_RECORD);
        if (!Files.isRegularFile(rec)) return false;
        try {
            var j = tools.jackson.databind.json.JsonMapper.builder().build().readTree(rec.toFile());
            String snap = j.path("snapshot").asString("");
            if (snap.isEmpty() || !Files.isRegularFile(dir.resolve(snap).resolve("state"))) return false;
            if (!Files.isRegularFile(dir.resolve("rootfs.qcow2"))) return false;
            return switch (j.path("ram").asString("")) {
                case "SHARED_FILE" -> Files.isRegularFile(dir.resolve("memory"));
                case "PRIVATE" -> {
                    boolean ok =
                            Files.isRegularFile(Path.of(j.path("memory_base").asString("/nonexistent")));
                    for (var c : j.path("memory_chain")) ok &= Files.isRegularFile(Path.of(c.asString()));
                    yield ok;
                }
                default -> false;
            };
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Removes from a kept paused dir what a crash mid-pause or mid-resume left: other snapshot dirs,
     * memory generations the record does not list, temporary files, sockets.
     */
    static void tidyPaused(Path dir) throws IOException {
        var rec = tools.jackson.databind.json.JsonMapper.builder()
                .build()
                .readTree(dir.resolve(SandboxManager.PAUSED_RECORD).toFile());
        String keep = rec.path("snapshot").asString("");
        java.util.Set<Path> chain = new java.util.HashSet<>();
        for (var c : rec.path("memory_chain"))
            chain.add(Path.of(c.asString()).toAbsolutePath().normalize());
        boolean shared = "SHARED_FILE".equals(rec.path("ram").asString(""));
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                boolean stale = (n.startsWith("snap-") && !n.equals(keep))
                        || n.endsWith(".tmp")
                        || n.endsWith(".sock")
                        || n.equals("qemu.pid")
                        || (n.equals("memory") && !shared)
                        || (n.endsWith(".diff")
                                && !chain.contains(p.toAbsolutePath().normalize()));
                if (stale) deleteTree(p);
            }
        }
    }

    /**
     * Removes from a running sandbox's dir what a pause that never committed left: snapshot dirs,
     * temporary files, memory generations its running record does not list. Its VMM's socket and
     * pid file stay: the VMM lives on.
     */
    static void tidyRunning(Path dir) throws IOException {
        var rec = tools.jackson.databind.json.JsonMapper.builder()
                .build()
                .readTree(dir.resolve(SandboxManager.RUNNING_RECORD).toFile());
        java.util.Set<Path> chain = new java.util.HashSet<>();
        for (var c : rec.path("memory_chain"))
            chain.add(Path.of(c.asString()).toAbsolutePath().normalize());
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                boolean stale = n.startsWith("snap-")
                        || n.endsWith(".tmp")
                        || n.equals(SandboxManager.PAUSED_RECORD)
                        || (n.endsWith(".diff")
                                && !chain.contains(p.toAbsolutePath().normalize()));
                if (stale) deleteTree(p);
            }
        }
    }

    private static void warnIfFailed(HostCommand.Result r) {
        if (!r.ok())
            log.warn(
                    "reclaim: {} failed: {}",
                    String.join(" ", r.argv()),
                    r.stderr().strip());
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
