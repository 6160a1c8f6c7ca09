package dev.wrenn.controlplane.config;

import java.time.Duration;

/**
 * How long the control plane waits for each kind of host agent call: a create that boots a VM and
 * a list differ by orders of magnitude, and under TCG a boot takes minutes. A call past its deadline
 * fails with 504 {@code host_agent_timeout}; the reconciler then settles whatever the host did.
 *
 * @param create create and resume: until the guest agent answers
 * @param pause saving a sandbox's memory and disk
 * @param saveTemplate freezing a sandbox into a template
 * @param call the quick calls: destroy, list, template list and delete
 * @param execGrace added to a command's own timeout, for the round trip and the kill at timeout
 * @param fileWrite from the last byte of an upload to the host's confirmation
 */
public record HostAgentTimeouts(
        Duration create, Duration pause, Duration saveTemplate, Duration call, Duration execGrace, Duration fileWrite) {

    public static final HostAgentTimeouts DEFAULTS = new HostAgentTimeouts(
            Duration.ofSeconds(300),
            Duration.ofSeconds(120),
            Duration.ofSeconds(300),
            Duration.ofSeconds(60),
            Duration.ofSeconds(30),
            Duration.ofMinutes(10));
}
