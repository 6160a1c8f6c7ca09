package dev.wrenn.hostagent.memory;

import java.io.IOException;
import java.util.BitSet;

/** Guest RAM as a stopped VMM maps it: a private (copy-on-write) mapping of a base RAM file. */
public interface GuestRam {
    long pageCount();

    /**
     * Pages that no longer show the base file: written since the mapping was made (copied on write,
     * so they are the process's own). Every other page reads as the file's page.
     */
    BitSet privatePages() throws IOException;

    /** Reads pages [first, first+n) into {@code dst} at offset 0. */
    void read(long first, int n, byte[] dst) throws IOException;

    /** Writes pages [first, first+n) from {@code src} at offset 0. */
    void write(long first, int n, byte[] src) throws IOException;
}
