package dev.wrenn.hostagent.vm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A sandbox's disk as the engine stores it: a copy-on-write overlay whose backing chain ends at an
 * image's read-only rootfs. Callers never learn the format; they only ask for overlays and chains.
 */
public interface Disks {
    /** Creates a copy-on-write disk over the image's read-only rootfs, as large as the rootfs. */
    default void createOverlay(GuestImage image, Path overlay) throws IOException {
        createOverlay(image, overlay, 0);
    }

    /**
     * Creates a copy-on-write disk over the image's read-only rootfs whose size, as the guest sees it, is
     * {@code sizeMb} MiB (0: the rootfs's): the host never stores more than that for it (plus metadata).
     */
    void createOverlay(GuestImage image, Path overlay, int sizeMb) throws IOException;

    /**
     * Grows the disk of a running VM to {@code sizeMb} MiB and tells the guest (its disk driver sees the new
     * capacity; growing the file system on it is the guest's business).
     */
    void growLive(Vm vm, int sizeMb) throws IOException, InterruptedException;

    /**
     * Creates a copy-on-write disk over another disk of this engine (a template's), which stays unchanged;
     * the new disk has the backing disk's size.
     */
    void createOverlay(Path backingDisk, Path overlay) throws IOException;

    /**
     * Makes {@code disk} depend on the image's rootfs only, folding every disk in between into it, so
     * that it no longer needs any other disk of a chain.
     */
    void rebaseOnto(Path disk, GuestImage image) throws IOException;

    /** The disk's backing chain, itself first, as file paths. */
    List<String> backingChain(Path disk) throws IOException;
}
