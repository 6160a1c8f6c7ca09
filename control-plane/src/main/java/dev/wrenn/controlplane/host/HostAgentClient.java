package dev.wrenn.controlplane.host;

import java.net.URI;
import java.util.List;

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

    /** Boots (or clones from a saved template) a VM under the caller's sandbox id. */
    HostSandbox create(String sandboxId, String template, int vcpus, int memoryMb);

    /**
     * As {@link #create(String, String, int, int)}, giving the guest its access token, environment and
     * defaults. Until the host agent takes them (helper "host"), only a setup this agent can honour
     * as it is passes: anything else is refused, never dropped.
     */
    default HostSandbox create(String sandboxId, String template, int vcpus, int memoryMb, GuestSetup guest) {
        if (!guest.envVars().isEmpty() || !"root".equals(guest.defaultUser())) {
            throw new HostAgentException(
                    HostAgentException.Kind.INVALID,
                    "this host agent cannot pass environment variables or a default user to the guest yet",
                    null);
        }
        return create(sandboxId, template, vcpus, memoryMb);
    }

    /** A sample of the running sandbox's CPU, memory and disk use. */
    default SandboxMetrics metrics(String sandboxId) {
        throw new HostAgentException(
                HostAgentException.Kind.FAILED, "this host agent does not report sandbox metrics yet", null);
    }

    /** Where this host's sandbox proxy listens: guest traffic for its sandboxes goes there. */
    default URI proxyUri() {
        return URI.create("http://" + address());
    }

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
