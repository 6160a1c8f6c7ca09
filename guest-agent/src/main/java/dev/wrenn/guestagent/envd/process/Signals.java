package dev.wrenn.guestagent.envd.process;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Signals to whole process groups. The JDK can only signal single processes, so libc's {@code kill(2)} is
 * called through FFM; the guest's JVM always runs with native access enabled (jvm.args and the jar's manifest),
 * so there is no fallback.
 */
final class Signals {
    static final int SIGKILL = 9;
    static final int SIGTERM = 15;

    private static final MethodHandle KILL;

    static {
        Linker linker = Linker.nativeLinker();
        KILL = linker.downcallHandle(
                linker.defaultLookup().find("kill").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private Signals() {}

    /** Signals the process group led by {@code pgid}; also the leader itself, in case it has not called setsid yet. */
    static void signalGroup(long pgid, int signal) {
        if (pgid <= 1) return;
        try {
            // Either call may fail with ESRCH (group already gone, or not yet created by setsid): fine.
            int ignoredGroup = (int) KILL.invokeExact((int) -pgid, signal);
            int ignoredLeader = (int) KILL.invokeExact((int) pgid, signal);
        } catch (Throwable t) {
            throw new IllegalStateException("kill(2) failed", t);
        }
    }

    /**
     * Kills the group and every descendant still alive: a child that called setsid itself has left the group
     * but is still found through the process tree. The tree is read before the group dies, because the
     * descendants of a dead parent are reparented to init and no longer found from it.
     */
    static void killTree(Process process) {
        var descendants = process.descendants().toList();
        signalGroup(process.pid(), SIGKILL);
        for (ProcessHandle h : descendants) {
            if (h.isAlive()) {
                // A live process's pid cannot be some other group's id, so this only reaches a group it leads.
                signalGroup(h.pid(), SIGKILL);
                h.destroyForcibly();
            }
        }
    }
}
