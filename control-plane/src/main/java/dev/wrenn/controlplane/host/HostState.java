package dev.wrenn.controlplane.host;

/**
 * A host's sandbox states. The host's own state machine (host agent {@code SandboxState}) reaches
 * the control plane through the proto enum and is mapped here once, in the gRPC client; what each
 * state means for a sandbox row is {@code sandbox.HostStates}'s job.
 */
public enum HostState {
    STARTING,
    RUNNING,
    STOPPING,
    STOPPED,
    FAILED,
    PAUSED
}
