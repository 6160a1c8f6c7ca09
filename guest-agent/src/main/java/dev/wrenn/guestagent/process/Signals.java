package dev.wrenn.guestagent.process;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;

/**
 * Signals to whole process groups. The JDK can only signal single processes, so libc's
 * {@code kill(2)} is called through FFM; without native access it falls back to {@code kill(1)}.
 */
public final class Signals {
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;

    private static final MethodHandle KILL = lookupKill();

    private Signals() {}

    private static MethodHandle lookupKill() {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup()
                    .find("kill")
                    .map(addr -> linker.downcallHandle(
                            addr,
                            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)))
                    .orElse(null);
        } catch (Throwable t) {
            return null;
        }
    }

    /** Signals the process group led by {@code pgid}; also the leader itself, in case it has not called setsid yet. */
    public static void signalGroup(long pgid, int signal) {
        if (pgid <= 1) return;
        if (KILL != null) {
            try {
                // Either call may fail with ESRCH (group already gone, or not yet created by setsid): fine.
                int ignoredGroup = (int) KILL.invokeExact((int) -pgid, signal);
                int ignoredLeader = (int) KILL.invokeExact((int) pgid, signal);
                return;
            } catch (Throwable t) {
                // fall through to the external kill
            }
        }
        try {
            new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid, String.valueOf(pgid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            ProcessHandle.of(pgid)
                    .ifPresent(signal == SIGKILL ? ProcessHandle::destroyForcibly : ProcessHandle::destroy);
        }
    }

    /**
     * Kills the group and every descendant still alive: a child that called setsid itself has left
     * the group but is still found through the process tree.
     */
    public static void killTree(Process process) {
        var descendants = process.descendants().toList();
        signalGroup(process.pid(), SIGKILL);
        for (ProcessHandle h : descendants) {
            if (h.isAlive()) {
                signalGroup(h.pid(), SIGKILL);
                h.destroyForcibly();
            }
        }
        process.destroyForcibly();
    }
}
