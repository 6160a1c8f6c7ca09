package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.host.HostCommand;
import dev.wrenn.hostagent.host.HostProcesses;
import dev.wrenn.hostagent.storage.DurableFiles;
import dev.wrenn.hostagent.vm.VmmProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what a crashed predecessor left behind, found by the name prefix this agent owns: VMM
 * processes, network namespaces, root-namespace links, nft tables and sandbox directories. Runs
 * before the agent accepts any request, so nothing it removes is live. It keeps what the new agent
 * adopts: completely paused sandboxes (their files) and running ones whose VMM is still alive
 * (their files, VMM, namespace and veth).
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

    private final VmmProcesses vmm;
    private final String prefix;
    private final Path sandboxesDir;

    public Reclaimer(VmmProcesses vmm, String prefix, Path sandboxesDir) {
        this.vmm = vmm;
        this.prefix = prefix;
        this.sandboxesDir = sandboxesDir;
    }

    private record Vmm(long pid, String name) {}

    /** The VMMs of this agent: named with its prefix, files in its sandboxes dir. */
    private List<Vmm> vmms() {
        List<Vmm> out = new ArrayList<>();
        for (HostProcesses.HostProcess p : HostProcesses.all()) {
            String name = vmm.vmName(p.argv(), sandboxesDir);
            if (name != null && name.startsWith(prefix)) out.add(new Vmm(p.pid(), name));
        }
        return out;
    }

    /** Everything that carries the prefix: what {@link #reclaim} would remove, and what it keeps. */
    public Report scan() throws IOException {
        List<Path> all = dirs();
        List<Path> paused = all.stream().filter(Reclaimer::isCompletePause).toList();
        List<Vmm> vmms = vmms();
        List<Path> running = new ArrayList<>();
        Set<Long> keepPids = new HashSet<>();
        Set<String> keepNames = new HashSet<>();
        for (Path d : all) {
            if (paused.contains(d)) continue;
            RunningRecord r = runningRecord(new SandboxDir(d));
            if (r == null) continue;
            String name = d.getFileName().toString();
            if (vmms.stream().noneMatch(p -> p.pid() == r.vmmPid() && name.equals(p.name()))) continue;
            running.add(d);
            keepPids.add(r.vmmPid());
            keepNames.add(prefix + "ns" + r.slot());
            keepNames.add(prefix + "h" + r.slot());
        }
        List<Path> dirs = all.stream()
                .filter(d -> !paused.contains(d) && !running.contains(d))
                .toList();
        List<Long> processes =
                vmms.stream().map(Vmm::pid).filter(p -> !keepPids.contains(p)).toList();
        List<String> namespaces =
                namespaces().stream().filter(n -> !keepNames.contains(n)).toList();
        List<String> links =
                links().stream().filter(n -> !keepNames.contains(n)).toList();
        // The firewall tables stay while sandboxes are adopted: the new agent replaces them atomically.
        List<String> tables = running.isEmpty() ? tables() : List.of();
        return new Report(processes, namespaces, links, tables, dirs, paused, List.copyOf(running));
    }

    public Report reclaim() throws IOException {
        Report found = scan();
        for (long pid : found.processes()) {
            if (!HostProcesses.kill(pid)) log.warn("reclaim: VMM pid {} survived SIGKILL", pid);
        }
        for (String ns : found.namespaces()) warnIfFailed(HostCommand.run("ip", "netns", "del", ns));
        for (String link : found.links()) warnIfFailed(HostCommand.run("ip", "link", "del", link));
        for (String table : found.tables()) {
            String[] famName = table.split(" ");
            warnIfFailed(HostCommand.run("nft", "delete", "table", famName[0], famName[1]));
        }
        for (Path d : found.dirs()) DurableFiles.deleteTree(d);
        for (Path d : found.paused()) {
            SandboxDir dir = new SandboxDir(d);
            dir.tidyPaused(SandboxRecords.readPaused(dir), vmm);
        }
        for (Path d : found.running()) {
            SandboxDir dir = new SandboxDir(d);
            dir.tidyRunning(SandboxRecords.readRunning(dir));
        }
        if (!found.isEmpty() || !found.paused().isEmpty()) {
            log.info(
                    "reclaimed leftovers of a previous run: {} process(es), {} netns, {} link(s), {} nft table(s),"
                            + " {} dir(s); kept {} paused and {} running sandbox(es)",
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

    /** Kills the VMM of sandbox dir {@code dir}, if there is one (an adoption that failed). */
    void killVmmOf(SandboxDir dir) {
        for (Vmm p : vmms()) {
            if (p.name().equals(dir.name()) && !HostProcesses.kill(p.pid())) {
                log.warn("VMM pid {} survived SIGKILL", p.pid());
            }
        }
    }

    /** The running record in {@code dir}, or null (none, or not to be trusted). */
    private static RunningRecord runningRecord(SandboxDir dir) {
        if (!Files.isRegularFile(dir.runningRecord())) return null;
        try {
            return SandboxRecords.readRunning(dir);
        } catch (IOException e) {
            log.warn("ignoring the running record: {}", e.getMessage());
            return null;
        }
    }

    /** A paused sandbox whose commit record can be trusted and names only files that are all there. */
    static boolean isCompletePause(Path d) {
        SandboxDir dir = new SandboxDir(d);
        if (!Files.isRegularFile(dir.pausedRecord())) return false;
        try {
            return dir.holdsAll(SandboxRecords.readPaused(dir));
        } catch (IOException e) {
            log.warn("ignoring the paused record: {}", e.getMessage());
            return false;
        }
    }

    private List<String> namespaces() throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : HostCommand.check("ip", "netns", "list").lines().toList()) {
            String name = line.split("\\s+")[0];
            if (name.startsWith(prefix)) out.add(name);
        }
        return out;
    }

    private List<String> links() throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : HostCommand.check("ip", "-o", "link", "show").lines().toList()) {
            String[] parts = line.split(":\\s+", 3);
            if (parts.length < 2) continue;
            String name = parts[1].split("@")[0];
            if (name.startsWith(prefix)) out.add(name);
        }
        return out;
    }

    private List<String> tables() throws IOException {
        HostCommand.Result r = HostCommand.run("nft", "list", "tables");
        if (!r.ok()) return List.of();
        List<String> out = new ArrayList<>();
        for (String line : r.stdout().lines().toList()) {
            String[] p = line.trim().split("\\s+");
            if (p.length == 3 && p[0].equals("table") && p[2].startsWith(prefix)) out.add(p[1] + " " + p[2]);
        }
        return out;
    }

    private List<Path> dirs() throws IOException {
        if (!Files.isDirectory(sandboxesDir)) return List.of();
        try (Stream<Path> s = Files.list(sandboxesDir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        }
    }

    private static void warnIfFailed(HostCommand.Result r) {
        if (!r.ok())
            log.warn(
                    "reclaim: {} failed: {}",
                    String.join(" ", r.argv()),
                    r.stderr().strip());
    }
}
