package dev.wrenn.controlplane.host;

import java.util.List;

/**
 * The file system of a host's sandboxes. Paths are absolute without {@code ..}; {@code user} null
 * acts as root. Failures are {@link HostAgentException}s: NOT_FOUND for a missing path, INVALID for a
 * bad path or a file where a directory is needed, CONFLICT for a directory that exists.
 */
public interface HostFilesystem {
    FsEntry stat(String sandboxId, String path, String user);

    /** Down to {@code depth} levels (1: the directory's own entries). */
    List<FsEntry> list(String sandboxId, String path, int depth, String user);

    FsEntry makeDir(String sandboxId, String path, String user);

    FsEntry move(String sandboxId, String source, String destination, String user);

    void remove(String sandboxId, String path, String user);

    FsWatch watch(String sandboxId, String path, boolean recursive, String user, FsWatch.Listener listener);
}
