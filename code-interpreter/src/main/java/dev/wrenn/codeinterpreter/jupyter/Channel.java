package dev.wrenn.codeinterpreter.jupyter;

/** The kernel sockets we use; stdin (allow_stdin is always false) and heartbeat are left unconnected. */
public enum Channel {
    SHELL,
    CONTROL,
    IOPUB
}
