package dev.wrenn.guestagent.sys;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A child started by {@link Spawn}, as a {@link Process}. Its exit value is the JDK's: the exit code, or 128 + n
 * when signal n killed it.
 *
 * <p>Each child has one platform thread ({@link Blocking}), the one that spawned it, blocked in waitid for it,
 * as the JDK's own reaper does. A pidfd poller would save those threads, but an agent has a handful of
 * children at a time, and the poller would need a wake-up channel for each new child and one more thread hop
 * at every spawn. The wait never asks for any child ({@code -1}): the JDK reaps its own. It waits first
 * without reaping (WNOWAIT), then reaps under the lock that signals take, so that a signal can never reach a
 * pid that the kernel has handed to another process.
 */
public final class SpawnedProcess extends Process {
    private static final int P_PID = 1;
    private static final int WEXITED = 4;
    private static final int WNOWAIT = 0x01000000;
    private static final int CLD_EXITED = 1;
    // siginfo_t: si_code at 8, then si_pid, si_uid and si_status at 16, 20 and 24 (64-bit Linux)
    private static final long SIGINFO_BYTES = 128;
    private static final long SI_CODE = 8;
    private static final long SI_PID = 16;
    private static final long SI_STATUS = 24;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    // waitid alone, to reap too, and the JDK's own signalling: fewer FFM shapes to link at the first spawn
    private static final MethodHandle WAITID =
            Native.bind("waitid", FunctionDescriptor.of(INT, INT, INT, ValueLayout.ADDRESS, INT));

    private final int pid;
    private final OutputStream stdin;
    private final InputStream stdout;
    private final InputStream stderr;
    private final CompletableFuture<Process> exit = new CompletableFuture<>();
    private final Object lock = new Object();
    private volatile boolean reaped;
    private int exitValue;
    /**
     * Taken at construction, before anyone can reap the child (only {@link #awaitExit} does, later): the handle
     * knows the start time, so it stays the child's and never a later owner's of the pid.
     */
    private final ProcessHandle handle;

    private SpawnedProcess(int pid, OutputStream stdin, InputStream stdout, InputStream stderr) {
        this.pid = pid;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        // An unreaped child, even a zombie, is in /proc: a missing one means the pid was never ours.
        this.handle = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
    }

    static SpawnedProcess onPipes(int pid, FileOutputStream stdin, FileInputStream stdout, FileInputStream stderr) {
        return new SpawnedProcess(
                pid, new PipeOutputStream(stdin), new PipeInputStream(stdout), new PipeInputStream(stderr));
    }

    /** On a terminal the agent holds the master and the streams are empty, as the JDK's are when redirected. */
    static SpawnedProcess onTerminal(int pid) throws IOException {
        OutputStream none = OutputStream.nullOutputStream();
        none.close(); // writes fail ("Stream closed") instead of vanishing
        return new SpawnedProcess(pid, none, InputStream.nullInputStream(), InputStream.nullInputStream());
    }

    /** Blocks the spawning platform thread until the child exits, then reaps it and publishes the value. */
    void awaitExit() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            MemorySegment info = a.allocate(SIGINFO_BYTES, 8);
            waitid(st, info, WEXITED | WNOWAIT);
            synchronized (lock) {
                // ECHILD: someone reaped it behind the JDK's back; the JDK reports 0 then too
                exitValue = waitid(st, info, WEXITED) ? decode(info) : 0;
                reaped = true;
            }
        } catch (Throwable t) {
            synchronized (lock) {
                reaped = true;
            }
        }
        try {
            stdin.close(); // as the JDK does at exit; the readers close theirs at end of file
        } catch (IOException e) {
            // already closed
        }
        exit.complete(this);
    }

    private boolean waitid(MemorySegment st, MemorySegment info, int options) throws Throwable {
        while (true) {
            info.fill((byte) 0);
            if ((int) WAITID.invokeExact(st, P_PID, pid, info, options) == 0) return info.get(INT, SI_PID) == pid;
            if (Native.errno(st) != Libc.EINTR) return false;
        }
    }

    /** The JDK's exit value: the code, or 128 + the signal that killed it (with or without a core dump). */
    private static int decode(MemorySegment info) {
        int status = info.get(INT, SI_STATUS);
        return info.get(INT, SI_CODE) == CLD_EXITED ? status & 0xff : 0x80 + status;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public OutputStream getOutputStream() {
        return stdin;
    }

    @Override
    public InputStream getInputStream() {
        return stdout;
    }

    @Override
    public InputStream getErrorStream() {
        return stderr;
    }

    @Override
    public int waitFor() throws InterruptedException {
        try {
            exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // never completed exceptionally
        }
        return exitValue();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        try {
            exit.get(Math.max(0, timeout), unit);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int exitValue() {
        synchronized (lock) {
            if (!reaped) throw new IllegalThreadStateException("process " + pid + " has not exited");
            return exitValue;
        }
    }

    @Override
    public boolean isAlive() {
        return !reaped;
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return exit.copy(); // callers completing theirs must not complete ours
    }

    @Override
    public void destroy() {
        signal(false);
    }

    @Override
    public Process destroyForcibly() {
        signal(true);
        return this;
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    @Override
    public ProcessHandle toHandle() {
        return handle;
    }

    /** Through the handle: the JDK checks the start time too, and the lock keeps the reap away meanwhile. */
    private void signal(boolean force) {
        synchronized (lock) {
            if (reaped) return;
            if (force) handle.destroyForcibly();
            else handle.destroy();
        }
    }

    @Override
    public String toString() {
        return "SpawnedProcess[pid=" + pid + (reaped ? ", exitValue=" + exitValue : ", alive") + "]";
    }
}
