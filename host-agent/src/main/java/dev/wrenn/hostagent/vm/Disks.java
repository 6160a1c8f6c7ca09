package dev.wrenn.hostagent.vm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A sandbox's disk as the engine stores it: a copy-on-write overlay whose backing chain ends at an
 * image's read-only rootfs. Callers never learn the format; they only ask for overlays and chains.
 */
public interface Disks {
    /** Creates a copy-on-write disk over the image's read-only rootfs. */
    void createOverlay(GuestImage image, Path overlay) throws IOException;

    /** Creates a copy-on-write disk over another disk of this engine (a template's), which stays unchanged. */
    void createOverlay(Path backingDisk, Path overlay) throws IOException;

    /**
     * Makes {@code disk} depend on the image's rootfs only, folding every disk in between into it, so
     * that it no longer needs any other disk of a chain.
     */
    void rebaseOnto(Path disk, GuestImage image) throws IOException;

    /** The disk's backing chain, itself first, as file paths. */
    List<String> backingChain(Path disk) throws IOException;
}
