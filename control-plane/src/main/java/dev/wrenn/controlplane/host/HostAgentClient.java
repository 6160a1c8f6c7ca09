package dev.wrenn.controlplane.host;

import dev.wrenn.controlplane.network.EgressPolicy;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * What the control plane asks of a host agent, in the control plane's own terms. The only
 * implementation today speaks gRPC ({@code host.grpc}); nothing outside {@code host} sees gRPC or
 * proto types, so a second transport or several hosts behind a scheduler change only this package.
 *
 * <p>Every method fails with a {@link HostAgentException} whose {@link HostAgentException.Kind}
 * says what went wrong; each call carries its own deadline from {@code HostAgentTimeouts}.
 */
public interface HostAgentClient extends AutoCloseable {

    /** Identifies the host in sandbox rows. */
    String address();

    /**
     * Boots (or clones from a saved template) a VM under the caller's sandbox id, its guest set up with
     * {@code setup} before the call returns.
     */
    HostSandbox create(
            String sandboxId,
            String template,
            int vcpus,
            int memoryMb,
            int diskMb,
            EgressPolicy network,
            GuestSetup setup);

    /** As {@link #create(String, String, int, int, int, EgressPolicy, GuestSetup)} with internet and no lists. */
    default HostSandbox create(
            String sandboxId, String template, int vcpus, int memoryMb, int diskMb, GuestSetup setup) {
        return create(sandboxId, template, vcpus, memoryMb, diskMb, EgressPolicy.OPEN, setup);
    }

    /**
     * Replaces a sandbox's egress policy: saved with it, and in force at once when it runs (a paused one
     * gets it at resume). NOT_FOUND when the host does not know the sandbox.
     */
    void updateNetwork(String sandboxId, EgressPolicy network);

    /** As {@link #create(String, String, int, int, int, GuestSetup)} with the host's default disk size. */
    default HostSandbox create(String sandboxId, String template, int vcpus, int memoryMb, GuestSetup setup) {
        return create(sandboxId, template, vcpus, memoryMb, 0, setup);
    }

    /** As {@link #create(String, String, int, int, GuestSetup)} with no guest setup. */
    default HostSandbox create(String sandboxId, String template, int vcpus, int memoryMb) {
        return create(sandboxId, template, vcpus, memoryMb, GuestSetup.NONE);
    }

    /** One sample of a running sandbox's CPU, memory and disk use; CONFLICT unless it runs. */
    SandboxMetrics metrics(String sandboxId);

    /**
     * The base URL of the host agent's sandbox proxy, e.g. {@code http://10.0.0.5:50052}: the host of
     * {@link #address()} and the port the agent reports. Requests to it carry the {@link HostProxyHeaders}.
     */
    URI proxyUri();

    /** The value of {@link HostProxyHeaders#TOKEN}: the host agent's token; empty when the agent has none. */
    Optional<String> proxyToken();

    /** Stops the VM and deletes everything it had; false when the host did not know the sandbox. */
    boolean destroy(String sandboxId);

    /** Saves the VM's state to disk and stops it. */
    HostSandbox pause(String sandboxId);

    /** Restores a paused sandbox into a new VM. */
    HostSandbox resume(String sandboxId);

    /** Every sandbox the host holds: running, starting, paused, failed. */
    List<HostSandbox> list();

    /**
     * Runs a command to completion ({@code command}'s terminal, stdin and tag are not used); {@code timeoutSec}
     * bounds the command, the call waits a grace longer.
     */
    CommandOutput exec(String sandboxId, ProcessRequest command, int timeoutSec);

    /** Starts a command whose output arrives on {@code events} as it is produced; stopping it ends it. */
    RunningProcess start(String sandboxId, ProcessRequest command, ProcessEvents events);

    /** Opens a streamed write of one file (parents created, given permission bits). */
    FileUpload upload(String sandboxId, String path, int mode);

    /** Opens a streamed read of one file; a missing file fails here, before any byte. */
    FileDownload download(String sandboxId, String path);

    /** Freezes a running sandbox into a template named {@code name} on the host; the sandbox stops. */
    HostTemplate saveTemplate(String sandboxId, String name);

    List<HostTemplate> templates();

    /** False when the host did not hold the template. */
    boolean deleteTemplate(String name);

    /** Processes that outlive their request, terminals among them. */
    HostProcesses processes();

    /** File-system operations and watches. */
    HostFilesystem filesystem();

    @Override
    void close();
}
