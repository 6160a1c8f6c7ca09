package dev.wrenn.hostagent.sandbox;

import dev.wrenn.settings.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How large a sandbox's root disk may be, and how much of the data dir's file system must stay free.
 * Disks are thin (qcow2 overlays), so the host's space is only spent as guests write: the budget is
 * checked against the worst case, a guest that fills its whole disk, so that a sandbox that was let in
 * can never fill the host.
 *
 * @param defaultDiskMb size of a disk nobody asked a size for ({@code WRENN_DEFAULT_DISK_MB})
 * @param maxDiskMb largest disk one sandbox may have ({@code WRENN_MAX_DISK_MB})
 * @param minFreeDiskMb what must stay free on the data dir's file system after the new disk's worst
 *     case ({@code WRENN_MIN_FREE_DISK_MB})
 */
public record DiskPolicy(int defaultDiskMb, int maxDiskMb, long minFreeDiskMb) {
    public static final DiskPolicy DEFAULTS = new DiskPolicy(2048, 32768, 1024);
    private static final long MIB = 1 << 20;

    public DiskPolicy {
        if (defaultDiskMb < 1 || maxDiskMb < defaultDiskMb || minFreeDiskMb < 0) {
            throw new IllegalArgumentException("disk settings need 1 <= default (" + defaultDiskMb + ") <= max ("
                    + maxDiskMb + ") and a minimum free space >= 0 (" + minFreeDiskMb + ")");
        }
    }

    public static DiskPolicy fromEnv() {
        return new DiskPolicy(
                intEnv("WRENN_DEFAULT_DISK_MB", DEFAULTS.defaultDiskMb()),
                intEnv("WRENN_MAX_DISK_MB", DEFAULTS.maxDiskMb()),
                intEnv("WRENN_MIN_FREE_DISK_MB", (int) DEFAULTS.minFreeDiskMb()));
    }

    /**
     * The size of a new disk: {@code requestedMb}, or {@code fallbackMb} when 0, which must be at least
     * {@code floorMb} (what the disk's content already needs: the base image or the template's disk).
     */
    int size(int requestedMb, int fallbackMb, int floorMb, String floorWhat) throws SandboxException {
        int mb = requestedMb != 0 ? requestedMb : Math.max(fallbackMb, floorMb);
        if (mb > maxDiskMb) throw invalid("disk_mb " + mb + " exceeds this host's maximum of " + maxDiskMb + " MiB");
        if (mb < floorMb) {
            throw invalid("disk_mb " + mb + " is smaller than " + floorWhat + " (" + floorMb
                    + " MiB): a disk can grow, never shrink");
        }
        return mb;
    }

    /**
     * Refuses (before anything is made) when {@code dir}'s file system would keep less than the minimum
     * free once a disk of {@code diskMb} MiB, of which {@code alreadyStoredBytes} are on the host already,
     * is full: qcow2 adds at most an L2 entry (8 bytes) and a refcount (2 bytes) per 64 KiB cluster, plus
     * its header and tables, counted here as 1/4096 of the size and 2 MiB.
     */
    void checkFree(Path dir, int diskMb, long alreadyStoredBytes, String doing) throws SandboxException {
        long worst = Math.max(0, (long) diskMb * MIB + (long) diskMb * MIB / 4096 + 2 * MIB - alreadyStoredBytes);
        long free;
        try {
            free = Files.getFileStore(existing(dir)).getUsableSpace();
        } catch (IOException e) {
            throw new SandboxException(
                    SandboxException.Reason.HOST_ERROR, "cannot read the free space of " + dir + ": " + e, e);
        }
        if (free - worst < minFreeDiskMb * MIB) {
            throw new SandboxException(
                    SandboxException.Reason.INSUFFICIENT_STORAGE,
                    "insufficient storage on the host: " + doing + " needs up to " + ceilMb(worst) + " MiB for its "
                            + diskMb + " MiB disk and " + minFreeDiskMb + " MiB must stay free, but only "
                            + (free / MIB) + " MiB are free");
        }
    }

    /** Rounds a file size up to whole MiB. */
    static int ceilMb(long bytes) {
        return (int) ((bytes + MIB - 1) / MIB);
    }

    private static Path existing(Path dir) {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) p = p.getParent();
        return p == null ? dir : p;
    }

    private static SandboxException invalid(String message) {
        return new SandboxException(SandboxException.Reason.INVALID_ARGUMENT, message);
    }

    private static int intEnv(String name, int fallback) {
        String v = Settings.env(name);
        if (v == null || v.isBlank()) return fallback;
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number of MiB, got '" + v + "'", e);
        }
    }
}
