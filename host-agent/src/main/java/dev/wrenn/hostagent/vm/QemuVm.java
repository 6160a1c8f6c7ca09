package dev.wrenn.hostagent.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One QEMU process, started by this agent or adopted from a previous one, and its two logs. */
final class QemuVm implements Vm {
    /** Null for a VMM adopted from a previous agent (not our child). */
    private final Process process;

    private final ProcessHandle handle;
    final VmSpec spec;
    private final Path console;
    private final Path stderr;

    QemuVm(Process process, ProcessHandle handle, VmSpec spec, Path console, Path stderr) {
        this.process = process;
        this.handle = handle;
        this.spec = spec;
        this.console = console;
        this.stderr = stderr;
    }

    @Override
    public long pid() {
        return handle.pid();
    }

    @Override
    public boolean isAlive() {
        return handle.isAlive();
    }

    @Override
    public java.util.concurrent.CompletableFuture<?> onExit() {
        return process != null ? process.onExit() : handle.onExit();
    }

    @Override
    public boolean guestEnded() {
        return process != null && !process.isAlive() && process.exitValue() == 0;
    }

    @Override
    public Path consoleLog() {
        return console;
    }

    @Override
    public String diagnostics(int lines) {
        StringBuilder sb = new StringBuilder();
        if (process != null && !process.isAlive())
            sb.append("qemu exited with ").append(process.exitValue()).append('\n');
        else if (!handle.isAlive()) sb.append("qemu exited\n");
        sb.append("--- qemu stderr (tail) ---\n").append(tail(stderr, lines));
        sb.append("--- guest console (tail) ---\n").append(tail(console, lines));
        return sb.toString();
    }

    void kill() throws Exception {
        // The sandbox is disposable: no guest shutdown, no flush. SIGKILL then reap.
        handle.destroyForcibly();
        if (process != null) {
            if (!process.waitFor(10, TimeUnit.SECONDS))
                throw new IOException("qemu pid " + process.pid() + " did not die");
        } else {
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                if (handle.isAlive()) throw new IOException("qemu pid " + handle.pid() + " did not die", e);
            }
        }
    }

    /** The last {@code lines} lines of a log file, for error messages. */
    public static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) return "(no " + file.getFileName() + ")\n";
            byte[] all = Files.readAllBytes(file);
            int from = Math.max(0, all.length - 16384);
            String s = new String(all, from, all.length - from, StandardCharsets.UTF_8);
            List<String> ls = s.lines().toList();
            List<String> last = ls.subList(Math.max(0, ls.size() - lines), ls.size());
            return last.isEmpty() ? "(empty)\n" : String.join("\n", last) + "\n";
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")\n";
        }
    }
}
