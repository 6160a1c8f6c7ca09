package dev.wrenn.controlplane.db;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Stops the embedded PostgreSQL when this JVM dies, however it dies. {@code pg_ctl} daemonizes the
 * postmaster, so it is not our child and no parent-death signal reaches it; instead a small shell
 * waits on a pipe whose only writer is this JVM. The kernel closes that pipe when the JVM exits,
 * SIGKILL included, and the shell then asks the postmaster for a fast shutdown, but only if the
 * lock file still names it (so a pid reused since is never signalled). It ignores the terminal's
 * SIGINT and SIGHUP: Ctrl-C stops the server, whose own shutdown stops the database.
 */
final class PostmasterWatchdog implements AutoCloseable {
    private static final String SCRIPT = "trap '' INT HUP; cat >/dev/null;"
            + " [ \"$(head -n 1 \"$2/postmaster.pid\" 2>/dev/null)\" = \"$1\" ] && kill -INT \"$1\"; exit 0";

    private final Process shell;
    private final OutputStream lifeline;

    private PostmasterWatchdog(Process shell) {
        this.shell = shell;
        this.lifeline = shell.getOutputStream();
    }

    static PostmasterWatchdog watch(Postmaster pm) throws IOException {
        // Java closes every other descriptor in the children it starts (QEMU, host tools), so this
        // JVM stays the pipe's only writer; the watchdog's own output goes nowhere.
        var pb = new ProcessBuilder(
                        "sh",
                        "-c",
                        SCRIPT,
                        "wrenn-pg-watchdog",
                        Long.toString(pm.pid()),
                        pm.dataDir().toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        return new PostmasterWatchdog(pb.start());
    }

    long pid() {
        return shell.pid();
    }

    /** After a clean stop: the lock file is gone, so the shell just exits. */
    @Override
    public void close() {
        try {
            lifeline.close();
        } catch (IOException ignored) {
            // the shell is gone already
        }
        try {
            if (!shell.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) shell.destroyForcibly();
        } catch (InterruptedException e) {
            shell.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
