package dev.wrenn.hostagent.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** Finds processes by their command line through /proc: how the reclaimer finds orphaned VMMs. */
public final class HostProcesses {
    public record HostProcess(long pid, List<String> argv) {}

    private HostProcesses() {}

    public static List<HostProcess> all() {
        List<HostProcess> result = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                try {
                    byte[] raw = Files.readAllBytes(dir.resolve("cmdline"));
                    if (raw.length == 0) continue;
                    String s = new String(raw, java.nio.charset.StandardCharsets.UTF_8);
                    result.add(new HostProcess(Long.parseLong(name), Arrays.asList(s.split("\0"))));
                } catch (IOException | NumberFormatException gone) {
                    // The process exited while we looked.
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return result;
    }

    /** Sends SIGKILL and waits up to 5 s for the pid to disappear. */
    public static boolean kill(long pid) {
        var handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) return true;
        handle.get().destroyForcibly();
        try {
            handle.get().onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return !handle.get().isAlive();
        }
    }
}
