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
 */
public final class Reclaimer {
    private static final Logger log = LoggerFactory.getLogger(Reclaimer.class);

    /**
     * @param dirs sandbox directories to delete (running or half-paused sandboxes of a dead agent)
     * @param paused directories of completely paused sandboxes: kept, to be adopted as PAUSED
     */
    public record Report(List<Long> processes, List<String> namespaces, List<String> links, List<String> tables, List<Path> dirs,
            List<Path> paused) {
        public boolean isEmpty() {
            return processes.isEmpty() && namespaces.isEmpty() && links.isEmpty() && tables.isEmpty() && dirs.isEmpty();
        }
    }

    private Reclaimer() {}

    /** Everything that carries {@code prefix}: what {@link #reclaim} would remove. */
    public static Report scan(String prefix, Path sandboxesDir) throws IOException {
        List<Path> all = dirs(prefix, sandboxesDir);
        List<Path> paused = all.stream().filter(Reclaimer::isCompletePause).toList();
        List<Path> dirs = all.stream().filter(d -> !paused.contains(d)).toList();
        return new Report(processes(prefix), namespaces(prefix), links(prefix), tables(prefix), dirs, paused);
    }

    public static Report reclaim(String prefix, Path sandboxesDir) throws IOException {
        Report found = scan(prefix, sandboxesDir);
        for (long pid : found.processes()) {
            if (!HostProcesses.kill(pid)) log.warn("reclaim: qemu pid {} survived SIGKILL", pid);
        }
        for (String ns : found.namespaces()) warnIfFailed(HostCommand.run("ip", "netns", "del", ns));
        for (String link : links(prefix)) warnIfFailed(HostCommand.run("ip", "link", "del", link));
        for (String table : found.tables()) {
            String[] famName = table.split(" ");
            warnIfFailed(HostCommand.run("nft", "delete", "table", famName[0], famName[1]));
        }
        for (Path d : found.dirs()) deleteTree(d);
        for (Path d : found.paused()) tidyPaused(d);
        if (!found.isEmpty()) {
            log.info("reclaimed leftovers of a previous run: {} process(es), {} netns, {} link(s), {} nft table(s), {} dir(s); kept {} paused",
                    found.processes().size(), found.namespaces().size(), found.links().size(), found.tables().size(), found.dirs().size(),
                    found.paused().size());
        }
        return found;
    }

    static boolean isOurVmm(List<String> argv, String prefix) {
        if (argv.isEmpty() || !argv.getFirst().endsWith("qemu-system-x86_64")) return false;
        for (int i = 0; i + 1 < argv.size(); i++) {
            if (argv.get(i).equals("-name") && argv.get(i + 1).startsWith(prefix)) return true;
        }
        return false;
    }

    static List<Long> processes(String prefix) {
        return HostProcesses.all().stream().filter(p -> isOurVmm(p.argv(), prefix)).map(HostProcesses.HostProcess::pid).toList();
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
                    boolean ok = Files.isRegularFile(Path.of(j.path("memory_base").asString("/nonexistent")));
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
        var rec = tools.jackson.databind.json.JsonMapper.builder().build().readTree(dir.resolve(SandboxManager.PAUSED_RECORD).toFile());
        String keep = rec.path("snapshot").asString("");
        java.util.Set<Path> chain = new java.util.HashSet<>();
        for (var c : rec.path("memory_chain")) chain.add(Path.of(c.asString()).toAbsolutePath().normalize());
        boolean shared = "SHARED_FILE".equals(rec.path("ram").asString(""));
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                boolean stale = (n.startsWith("snap-") && !n.equals(keep)) || n.endsWith(".tmp") || n.endsWith(".sock")
                        || n.equals("qemu.pid") || (n.equals("memory") && !shared)
                        || (n.endsWith(".diff") && !chain.contains(p.toAbsolutePath().normalize()));
                if (stale) deleteTree(p);
            }
        }
    }

    private static void warnIfFailed(HostCommand.Result r) {
        if (!r.ok()) log.warn("reclaim: {} failed: {}", String.join(" ", r.argv()), r.stderr().strip());
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
