package dev.wrenn.controlplane.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The postmaster that owns a PostgreSQL data dir, as its lock file {@code postmaster.pid} names it:
 * its first line is the pid, its second the data dir. A postmaster {@code chdir}s into its data
 * dir, so {@code /proc/<pid>/cwd} tells a live one from a pid the kernel has since given to
 * another process.
 */
record Postmaster(long pid, Path dataDir) {

    /** The live postmaster of {@code dataDir}, if its lock file names one. */
    static Optional<Postmaster> of(Path dataDir) {
        Path lock = dataDir.resolve("postmaster.pid");
        List<String> lines;
        try {
            lines = Files.readAllLines(lock);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (lines.isEmpty() || !lines.getFirst().strip().matches("\\d+")) return Optional.empty();
        var pm = new Postmaster(Long.parseLong(lines.getFirst().strip()), dataDir);
        return pm.alive() && pm.ownsDataDir() ? Optional.of(pm) : Optional.empty();
    }

    /** Running, and not a zombie waiting for a parent that does not reap it. */
    boolean alive() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The state follows the parenthesised command name, which may itself hold spaces.
            char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private boolean ownsDataDir() {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"))
                    .equals(dataDir.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }
}
