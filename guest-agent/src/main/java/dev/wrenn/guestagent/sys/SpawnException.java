package dev.wrenn.guestagent.sys;

import java.io.IOException;

/**
 * A command that could not be started, with the error number that posix_spawn or the lookup of the command
 * returned (ENOENT for a command that is not there, EACCES for one that may not be executed, ENOEXEC for a
 * file the kernel cannot run), so that callers can tell a bad command from a failing system.
 */
public final class SpawnException extends IOException {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ENOEXEC = 8;
    public static final int EACCES = 13;
    public static final int ENOTDIR = 20;
    public static final int EINVAL = 22;

    private final int errno;

    SpawnException(int errno) {
        this(errno, Native.strerror(errno));
    }

    SpawnException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
