package dev.wrenn.sdk.files;

import java.time.Instant;
import java.util.Optional;

/**
 * One entry of a sandbox's file system: {@code mode} is st_mode (type and permission bits), {@code permissions}
 * as {@code ls} shows them ({@code -rw-r--r--}); {@code symlinkTarget} is set for a symlink only.
 */
public record FileEntry(
        String name,
        FileType type,
        String path,
        long size,
        int mode,
        String permissions,
        String owner,
        String group,
        Instant modified,
        String symlinkTarget) {
    public boolean isDirectory() {
        return type == FileType.DIRECTORY;
    }

    public boolean isFile() {
        return type == FileType.FILE;
    }

    public Optional<String> symlink() {
        return Optional.ofNullable(symlinkTarget);
    }
}
