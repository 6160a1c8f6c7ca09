package dev.wrenn.controlplane.proxy;

import java.util.Optional;

/** What the sandbox proxy needs to know about sandboxes, from whoever owns their rows. */
public interface SandboxDirectory {
    /** The sandbox for guest traffic, or empty when no sandbox has this id (any team). */
    Optional<ProxyTarget> find(String sandboxId);

    /**
     * Resumes a paused sandbox because traffic arrived for it (the caller checked autoResume); the running target.
     * Throws ApiException when it cannot.
     */
    ProxyTarget resumeForTraffic(String sandboxId);

    /**
     * Guest traffic counts as activity for the inactivity auto-pause; the proxy calls it at most once a second per
     * sandbox.
     */
    void touch(String sandboxId);
}
