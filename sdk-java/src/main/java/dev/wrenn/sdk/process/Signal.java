package dev.wrenn.sdk.process;

/** The signals a process (its whole process group) may be sent. */
public enum Signal {
    SIGTERM,
    SIGKILL,
    SIGINT,
    SIGHUP,
    SIGQUIT,
    SIGUSR1,
    SIGUSR2,
    SIGCONT,
    SIGSTOP,
    SIGTSTP,
    SIGWINCH
}
