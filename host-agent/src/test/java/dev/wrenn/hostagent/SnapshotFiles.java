package dev.wrenn.hostagent;

import dev.wrenn.hostagent.memory.MemoryDiff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Reads what pause and clone leave on disk and in /proc, for the snapshot tests' assertions. */
final class SnapshotFiles {
    private SnapshotFiles() {}

    static List<Path> diffs(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("mem-.*\\.diff"))
                    .map(p -> p.toAbsolutePath().normalize())
                    .toList();
        }
    }

    static Path newest(List<Path> diffs) throws Exception {
        Path best = null;
        int g = -1;
        for (Path p : diffs) {
            int pg = MemoryDiff.readHeader(p).generation();
            if (pg > g) {
                g = pg;
                best = p;
            }
        }
        return best;
    }

    /** O_ACCMODE of the descriptor process {@code pid} has open on {@code file} (from /proc/pid/fdinfo). */
    static int accessMode(long pid, Path file) throws Exception {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds.toList()) {
                Path target;
                try {
                    target = Files.readSymbolicLink(fd);
                } catch (java.nio.file.NoSuchFileException gone) {
                    continue;
                }
                if (!target.equals(file)) continue;
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/fdinfo/" + fd.getFileName()))) {
                    if (line.startsWith("flags:"))
                        return Integer.parseInt(line.substring(6).strip(), 8) & 3;
                }
            }
        }
        throw new AssertionError("pid " + pid + " has no descriptor open on " + file);
    }
}
