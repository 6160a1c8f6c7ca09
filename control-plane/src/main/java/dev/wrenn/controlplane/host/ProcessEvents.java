package dev.wrenn.controlplane.host;

/**
 * What a started process reports, in order: {@code started}, output, then exactly one of
 * {@code exited}, {@code error} (the guest could not run it) or {@code failed} (the call to the
 * host broke). Called from transport threads, one at a time.
 */
public interface ProcessEvents {
    void started(long pid);

    void stdout(byte[] data);

    void stderr(byte[] data);

    /** Output of a process on a terminal (one stream: the terminal mixes stdout and stderr). */
    default void terminal(byte[] data) {
        stdout(data);
    }

    void exited(int exitCode);

    void error(String message);

    void failed(HostAgentException e);
}
