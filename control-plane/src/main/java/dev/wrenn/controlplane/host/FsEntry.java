package dev.wrenn.controlplane.host;

/**
 * One entry of a sandbox's file system. {@code type}: file, directory or symlink; {@code modified}
 * RFC 3339; {@code symlinkTarget} null unless a symlink.
 */
public record FsEntry(
        String name,
        String type,
        String path,
        long size,
        int mode,
        String permissions,
        String owner,
        String group,
        String modified,
        String symlinkTarget) {}
