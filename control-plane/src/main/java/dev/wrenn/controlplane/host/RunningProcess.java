package dev.wrenn.controlplane.host;

/** A process started by {@link HostAgentClient#start}, controlled while it runs. */
public interface RunningProcess {
    /** Sends bytes to its stdin, closing stdin after them when {@code close}. */
    void stdin(byte[] data, boolean close);

    /** SIGTERM to its process group, SIGKILL a little later; it still reports {@code exited}. */
    void stop();

    /** Stops the process if it still runs and ends the call: for a client that went away. */
    void abandon();
}
