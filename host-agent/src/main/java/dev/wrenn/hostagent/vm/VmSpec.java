package dev.wrenn.hostagent.vm;

import java.nio.file.Path;

/**
 * Everything an engine needs to start one VM. The disk is the sandbox's own overlay.
 *
 * @param memoryFile the file that backs guest RAM; null: {@code <dir>/memory}
 * @param sharedMemory map it shared (writes reach the file: pause keeps RAM there) or private
 *     (copy-on-write over a template's RAM file, which is never modified)
 * @param incoming start with {@code -incoming defer}: the VM is restored from saved state, not booted
 */
public record VmSpec(
        String name,
        Path dir,
        GuestImage image,
        Path disk,
        int vcpus,
        int memoryMb,
        String extraCmdline,
        String netns,
        String tap,
        String mac,
        Path memoryFile,
        boolean sharedMemory,
        boolean incoming) {

    public VmSpec(
            String name,
            Path dir,
            GuestImage image,
            Path disk,
            int vcpus,
            int memoryMb,
            String extraCmdline,
            String netns,
            String tap,
            String mac) {
        this(name, dir, image, disk, vcpus, memoryMb, extraCmdline, netns, tap, mac, null, true, false);
    }

    /** The same VM in network namespace {@code ns} (null: the caller's). */
    public VmSpec inNetns(String ns) {
        return new VmSpec(
                name,
                dir,
                image,
                disk,
                vcpus,
                memoryMb,
                extraCmdline,
                ns,
                tap,
                mac,
                memoryFile,
                sharedMemory,
                incoming);
    }

    public Path ramFile() {
        return memoryFile != null ? memoryFile : dir.resolve("memory");
    }

    public Path qmpSocket() {
        return dir.resolve("qmp.sock");
    }
}
