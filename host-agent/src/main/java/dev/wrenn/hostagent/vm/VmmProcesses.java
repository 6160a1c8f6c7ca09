package dev.wrenn.hostagent.vm;

import java.nio.file.Path;
import java.util.List;

/**
 * Recognises an engine's VMM processes on the host, so that the reclaimer and adoption after a
 * crash can tell the VMs of this agent from everything else without knowing which VMM runs them.
 */
public interface VmmProcesses {
    /**
     * The VM name of the process with command line {@code argv} if it is a VMM of this engine that
     * keeps its files under {@code sandboxesDir} (another agent on the host may use the same names
     * with another data dir), or null.
     */
    String vmName(List<String> argv, Path sandboxesDir);

    /** Whether a file of a VM's directory lives only as long as its VMM (sockets, pid file). */
    boolean isProcessFile(String fileName);
}
