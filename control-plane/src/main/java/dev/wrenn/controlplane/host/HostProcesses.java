package dev.wrenn.controlplane.host;

import java.util.List;

/**
 * Processes in a host's sandboxes that outlive their request. Every method fails with a
 * {@link HostAgentException}; an unknown pid is {@link HostAgentException.Kind#NOT_FOUND}.
 */
public interface HostProcesses {
    /** Starts a process and returns its pid once the guest reports it; nobody listens to its output. */
    long start(String sandboxId, ProcessRequest request);

    /** Starts a process whose events arrive on {@code events}; detaching leaves it running. */
    ProcessAttachment start(String sandboxId, ProcessRequest request, ProcessEvents events);

    /** Attaches to a process: its output from now on, then its end (at once if it already ended). */
    ProcessAttachment attach(String sandboxId, long pid, ProcessEvents events);

    List<ProcessSummary> list(String sandboxId);

    /** Bytes to its stdin, or typed into its terminal when {@code pty}. */
    void input(String sandboxId, long pid, byte[] data, boolean pty);

    void closeStdin(String sandboxId, long pid);

    /** {@code signal}: a name such as SIGTERM; an unknown one is {@link HostAgentException.Kind#INVALID}. */
    void signal(String sandboxId, long pid, String signal);

    void resize(String sandboxId, long pid, int cols, int rows);
}
