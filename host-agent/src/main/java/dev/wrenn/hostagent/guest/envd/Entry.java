package dev.wrenn.hostagent.guest.envd;

/**
 * One file-system entry of the guest, as envd's EntryInfo describes it. {@code type} is {@code file},
 * {@code directory} or {@code symlink}; {@code modified} is RFC 3339; {@code symlinkTarget} null
 * unless a symlink.
 */
public record Entry(
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
