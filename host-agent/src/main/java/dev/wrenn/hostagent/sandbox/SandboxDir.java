package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.storage.DurableFiles;
import dev.wrenn.hostagent.vm.VmmProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Names every file of a sandbox's directory and owns their cleanup. Layout: {@code rootfs.qcow2}
 * (its disk), {@code memory} (its own RAM file, unless it is a clone), {@code mem-<n>.diff} (a
 * clone's memory generations), {@code snap-<n>/state} (saved device state; {@code .tmp} while being
 * written), {@code running.json} or {@code paused.json} (its durable record), plus files the VMM
 * keeps while it lives (console log, sockets).
 */
public record SandboxDir(Path path) {
    static final String DISK = "rootfs.qcow2";
    static final String MEMORY = "memory";
    static final String RUNNING_RECORD = "running.json";
    static final String PAUSED_RECORD = "paused.json";

    public String name() {
        return path.getFileName().toString();
    }

    public Path disk() {
        return path.resolve(DISK);
    }

    /** The RAM file of a sandbox that has its own (not a clone). */
    public Path memory() {
        return path.resolve(MEMORY);
    }

    public Path runningRecord() {
        return path.resolve(RUNNING_RECORD);
    }

    public Path pausedRecord() {
        return path.resolve(PAUSED_RECORD);
    }

    /** The device state file of the committed snapshot dir {@code snapshot}. */
    public Path state(String snapshot) {
        return path.resolve(snapshot).resolve("state");
    }

    /** A fresh snapshot dir to write into; {@link #committedSnapshot} is its name once renamed. */
    Path newSnapshot() {
        return path.resolve("snap-" + System.nanoTime() + ".tmp");
    }

    static Path committedSnapshot(Path tmp) {
        String n = tmp.getFileName().toString();
        return tmp.resolveSibling(n.substring(0, n.length() - ".tmp".length()));
    }

    /** A fresh file for the next memory generation of a clone. */
    Path newMemoryGeneration() {
        return path.resolve("mem-" + System.nanoTime() + ".diff");
    }

    /** Where a template made from this clone gets its one memory generation. */
    Path templateMemoryGeneration() {
        return path.resolve("template-memory.diff");
    }

    /** Whether everything a paused record names is on disk: state, disk and all of the RAM. */
    boolean holdsAll(PausedRecord r) {
        if (!Files.isRegularFile(state(r.snapshot())) || !Files.isRegularFile(disk())) return false;
        MemoryLayout m = r.memory();
        if (m.base() == null) return Files.isRegularFile(memory());
        return Files.isRegularFile(m.base()) && m.chain().stream().allMatch(Files::isRegularFile);
    }

    /** Deletes snapshot dirs other than {@code keep} (may be null) and memory generations not in {@code chain}. */
    void deleteOtherSnapshots(Path keep, List<Path> chain) throws IOException {
        Set<Path> listed = normalized(chain);
        for (Path p : entries()) {
            String n = p.getFileName().toString();
            boolean staleGeneration = n.startsWith("mem-") && isStrayGeneration(p, listed);
            if ((n.startsWith("snap-") && !p.equals(keep)) || staleGeneration) DurableFiles.deleteTree(p);
        }
    }

    /**
     * Removes from a kept paused dir what a crash mid-pause or mid-resume left: other snapshot dirs,
     * memory generations the record does not list, temporary files, the dead VMM's files.
     */
    void tidyPaused(PausedRecord r, VmmProcesses vmm) throws IOException {
        Set<Path> listed = normalized(r.memory().chain());
        boolean ownRam = r.memory().base() == null;
        for (Path p : entries()) {
            String n = p.getFileName().toString();
            boolean stale = (n.startsWith("snap-") && !n.equals(r.snapshot()))
                    || n.endsWith(".tmp")
                    || vmm.isProcessFile(n)
                    || (n.equals(MEMORY) && !ownRam)
                    || isStrayGeneration(p, listed);
            if (stale) DurableFiles.deleteTree(p);
        }
    }

    /**
     * Removes from a running sandbox's dir what a pause that never committed left: snapshot dirs,
     * temporary files, a paused record, memory generations its running record does not list. The
     * VMM's own files stay: the VMM lives on.
     */
    void tidyRunning(RunningRecord r) throws IOException {
        Set<Path> listed = normalized(r.memory().chain());
        for (Path p : entries()) {
            String n = p.getFileName().toString();
            boolean stale = n.startsWith("snap-")
                    || n.endsWith(".tmp")
                    || n.equals(PAUSED_RECORD)
                    || isStrayGeneration(p, listed);
            if (stale) DurableFiles.deleteTree(p);
        }
    }

    void delete() throws IOException {
        DurableFiles.deleteTree(path);
    }

    private static boolean isStrayGeneration(Path p, Set<Path> listed) {
        String n = p.getFileName().toString();
        return n.endsWith(".diff") && !listed.contains(norm(p));
    }

    private List<Path> entries() throws IOException {
        try (Stream<Path> s = Files.list(path)) {
            return s.toList();
        }
    }

    private static Set<Path> normalized(List<Path> paths) {
        Set<Path> out = new HashSet<>();
        for (Path p : paths) out.add(norm(p));
        return out;
    }

    private static Path norm(Path p) {
        return p.toAbsolutePath().normalize();
    }
}
