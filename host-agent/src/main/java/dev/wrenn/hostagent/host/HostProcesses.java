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
                long pid = Long.parseLong(name);
                List<String> argv = argv(pid);
                if (!argv.isEmpty()) result.add(new HostProcess(pid, argv)); // empty: exited while we looked
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return result;
    }

    /** The command line of {@code pid}, or empty if it is gone (or a kernel thread). */
    public static List<String> argv(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
            return raw.length == 0
                    ? List.of()
                    : Arrays.asList(new String(raw, java.nio.charset.StandardCharsets.UTF_8).split("\0"));
        } catch (IOException gone) {
            return List.of();
        }
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
