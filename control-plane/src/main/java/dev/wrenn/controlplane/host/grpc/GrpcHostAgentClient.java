package dev.wrenn.controlplane.host.grpc;

import dev.wrenn.controlplane.config.HostAgentTimeouts;
import dev.wrenn.controlplane.host.CommandOutput;
import dev.wrenn.controlplane.host.FileDownload;
import dev.wrenn.controlplane.host.FileUpload;
import dev.wrenn.controlplane.host.GuestSetup;
import dev.wrenn.controlplane.host.HostAgentClient;
import dev.wrenn.controlplane.host.HostAgentException;
import dev.wrenn.controlplane.host.HostFilesystem;
import dev.wrenn.controlplane.host.HostProcesses;
import dev.wrenn.controlplane.host.HostSandbox;
import dev.wrenn.controlplane.host.HostState;
import dev.wrenn.controlplane.host.HostTemplate;
import dev.wrenn.controlplane.host.ProcessEvents;
import dev.wrenn.controlplane.host.ProcessRequest;
import dev.wrenn.controlplane.host.RunningProcess;
import dev.wrenn.controlplane.host.SandboxMetrics;
import dev.wrenn.controlplane.network.EgressPolicy;
import dev.wrenn.proto.hostagent.v1.CreateSandboxRequest;
import dev.wrenn.proto.hostagent.v1.DeleteTemplateRequest;
import dev.wrenn.proto.hostagent.v1.DestroySandboxRequest;
import dev.wrenn.proto.hostagent.v1.ExecRequest;
import dev.wrenn.proto.hostagent.v1.GetSandboxRequest;
import dev.wrenn.proto.hostagent.v1.HealthRequest;
import dev.wrenn.proto.hostagent.v1.HostAgentServiceGrpc;
import dev.wrenn.proto.hostagent.v1.HostAgentServiceGrpc.HostAgentServiceBlockingStub;
import dev.wrenn.proto.hostagent.v1.ListSandboxesRequest;
import dev.wrenn.proto.hostagent.v1.ListTemplatesRequest;
import dev.wrenn.proto.hostagent.v1.NetworkPolicy;
import dev.wrenn.proto.hostagent.v1.PauseSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ReadFileRequest;
import dev.wrenn.proto.hostagent.v1.ResumeSandboxRequest;
import dev.wrenn.proto.hostagent.v1.Sandbox;
import dev.wrenn.proto.hostagent.v1.SandboxState;
import dev.wrenn.proto.hostagent.v1.SnapshotSandboxRequest;
import dev.wrenn.proto.hostagent.v1.Template;
import dev.wrenn.proto.hostagent.v1.TemplateType;
import dev.wrenn.proto.hostagent.v1.UpdateNetworkRequest;
import dev.wrenn.proto.hostagent.v1.WriteFileHeader;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The host agent over gRPC: one channel, a deadline from {@link HostAgentTimeouts} on every call
 * (streams excepted: they last as long as their process or file), statuses turned into
 * {@link HostAgentException}s by {@link GrpcErrors}.
 */
public final class GrpcHostAgentClient implements HostAgentClient {
    private static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    private final String address;
    private final Optional<String> token;
    private final ManagedChannel channel;
    private final ProxyAddress proxy;
    private final HostAgentTimeouts timeouts;
    private final HostProcesses processes;
    private final HostFilesystem filesystem;

    public GrpcHostAgentClient(String address, Optional<String> token, HostAgentTimeouts timeouts) {
        this.address = address;
        this.token = token;
        this.timeouts = timeouts;
        var builder = NettyChannelBuilder.forTarget(address).usePlaintext().maxInboundMessageSize(MAX_MESSAGE_BYTES);
        token.ifPresent(t -> builder.intercept(bearer(t)));
        this.channel = builder.build();
        this.processes = new GrpcHostProcesses(channel, timeouts);
        this.filesystem = new GrpcHostFilesystem(channel, timeouts);
        this.proxy = new ProxyAddress(
                address, channel, () -> within(timeouts.call()).health(HealthRequest.getDefaultInstance()));
    }

    /** Adds {@code authorization: Bearer <token>} to every call, as the host agent requires. */
    public static ClientInterceptor bearer(String token) {
        var headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    @Override
    public HostProcesses processes() {
        return processes;
    }

    @Override
    public HostFilesystem filesystem() {
        return filesystem;
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public HostSandbox create(
            String sandboxId,
            String template,
            int vcpus,
            int memoryMb,
            int diskMb,
            EgressPolicy network,
            GuestSetup setup) {
        var request = CreateSandboxRequest.newBuilder()
                .setSandboxId(sandboxId)
                .setTemplate(template)
                .setVcpus(vcpus)
                .setMemoryMb(memoryMb)
                .setDiskMb(diskMb)
                .setNetwork(policy(network))
                .putAllEnvVars(setup.envVars());
        if (setup.accessToken() != null) request.setToken(setup.accessToken());
        if (setup.defaultUser() != null) request.setDefaultUser(setup.defaultUser());
        if (setup.defaultWorkdir() != null) request.setDefaultWorkdir(setup.defaultWorkdir());
        return sandbox(GrpcErrors.call(() -> within(timeouts.create()).createSandbox(request.build())));
    }

    @Override
    public void updateNetwork(String sandboxId, EgressPolicy network) {
        GrpcErrors.call(() -> within(timeouts.call())
                .updateNetwork(UpdateNetworkRequest.newBuilder()
                        .setSandboxId(sandboxId)
                        .setNetwork(policy(network))
                        .build()));
    }

    private static NetworkPolicy policy(EgressPolicy p) {
        return NetworkPolicy.newBuilder()
                .setAllowInternetAccess(p.allowInternetAccess())
                .addAllAllowOut(p.allowOut())
                .addAllDenyOut(p.denyOut())
                .build();
    }

    @Override
    public SandboxMetrics metrics(String sandboxId) {
        var m = GrpcErrors.call(() -> within(timeouts.call())
                .getSandboxMetrics(
                        GetSandboxRequest.newBuilder().setSandboxId(sandboxId).build()));
        return new SandboxMetrics(
                m.getTimestampUnixMs(),
                m.getCpuCount(),
                m.getCpuUsedPct(),
                m.getMemUsed(),
                m.getMemTotal(),
                m.getMemCache(),
                m.getDiskUsed(),
                m.getDiskTotal());
    }

    @Override
    public URI proxyUri() {
        return proxy.uri();
    }

    @Override
    public Optional<String> proxyToken() {
        return token;
    }

    @Override
    public boolean destroy(String sandboxId) {
        return unlessNotFound(() -> within(timeouts.call())
                .destroySandbox(DestroySandboxRequest.newBuilder()
                        .setSandboxId(sandboxId)
                        .build()));
    }

    @Override
    public HostSandbox pause(String sandboxId) {
        return sandbox(GrpcErrors.call(() -> within(timeouts.pause())
                .pauseSandbox(
                        PauseSandboxRequest.newBuilder().setSandboxId(sandboxId).build())));
    }

    @Override
    public HostSandbox resume(String sandboxId) {
        return sandbox(GrpcErrors.call(() -> within(timeouts.create())
                .resumeSandbox(ResumeSandboxRequest.newBuilder()
                        .setSandboxId(sandboxId)
                        .build())));
    }

    @Override
    public List<HostSandbox> list() {
        return GrpcErrors.call(() -> within(timeouts.call()).listSandboxes(ListSandboxesRequest.getDefaultInstance()))
                .getSandboxesList()
                .stream()
                .map(GrpcHostAgentClient::sandbox)
                .toList();
    }

    @Override
    public CommandOutput exec(String sandboxId, ProcessRequest command, int timeoutSec) {
        var r = GrpcErrors.call(() -> within(Duration.ofSeconds(timeoutSec).plus(timeouts.execGrace()))
                .exec(ExecRequest.newBuilder()
                        .setSandboxId(sandboxId)
                        .setCmd(command.cmd())
                        .addAllArgs(command.args())
                        .putAllEnv(command.env())
                        .setCwd(command.cwd() == null ? "" : command.cwd())
                        .setUser(command.user() == null ? "" : command.user())
                        .setTimeoutMs(timeoutSec * 1000L)
                        .build()));
        return new CommandOutput(
                r.getStdout().toByteArray(),
                r.getStderr().toByteArray(),
                r.getExitCode(),
                r.getDurationMs(),
                r.getTimedOut());
    }

    @Override
    public RunningProcess start(String sandboxId, ProcessRequest command, ProcessEvents events) {
        return GrpcProcess.start(HostAgentServiceGrpc.newStub(channel), sandboxId, command, events);
    }

    @Override
    public FileUpload upload(String sandboxId, String path, int mode) {
        var header = WriteFileHeader.newBuilder()
                .setSandboxId(sandboxId)
                .setPath(path)
                .setMode(mode)
                .build();
        return GrpcUpload.open(HostAgentServiceGrpc.newStub(channel), header, timeouts.fileWrite());
    }

    @Override
    public FileDownload download(String sandboxId, String path) {
        var request = ReadFileRequest.newBuilder()
                .setSandboxId(sandboxId)
                .setPath(path)
                .build();
        return GrpcDownload.open(HostAgentServiceGrpc.newBlockingStub(channel), request);
    }

    @Override
    public HostTemplate saveTemplate(String sandboxId, String name) {
        return template(GrpcErrors.call(() -> within(timeouts.saveTemplate())
                .snapshotSandbox(SnapshotSandboxRequest.newBuilder()
                        .setSandboxId(sandboxId)
                        .setName(name)
                        .build())));
    }

    @Override
    public List<HostTemplate> templates() {
        return GrpcErrors.call(() -> within(timeouts.call()).listTemplates(ListTemplatesRequest.getDefaultInstance()))
                .getTemplatesList()
                .stream()
                .map(GrpcHostAgentClient::template)
                .toList();
    }

    @Override
    public boolean deleteTemplate(String name) {
        return unlessNotFound(() -> within(timeouts.call())
                .deleteTemplate(DeleteTemplateRequest.newBuilder().setName(name).build()));
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The host's state machine in the control plane's terms; every proto value has an answer. */
    static HostState state(SandboxState state) {
        return switch (state) {
            case SANDBOX_STATE_STARTING -> HostState.STARTING;
            case SANDBOX_STATE_RUNNING -> HostState.RUNNING;
            case SANDBOX_STATE_STOPPING -> HostState.STOPPING;
            case SANDBOX_STATE_STOPPED -> HostState.STOPPED;
            case SANDBOX_STATE_PAUSED -> HostState.PAUSED;
            // A state this build does not know is one it cannot use: as good as failed.
            case SANDBOX_STATE_FAILED, SANDBOX_STATE_UNSPECIFIED, UNRECOGNIZED -> HostState.FAILED;
        };
    }

    static HostSandbox sandbox(Sandbox s) {
        return new HostSandbox(
                s.getSandboxId(),
                state(s.getState()),
                s.getGuestIp(),
                s.getHostIp(),
                s.getTemplate(),
                s.getAccel().name().replace("ACCEL_", "").toLowerCase(Locale.ROOT),
                s.getTiming().getTotalMs(),
                s.getDiskMb());
    }

    static HostTemplate template(Template t) {
        return new HostTemplate(
                t.getName(),
                t.getType() == TemplateType.TEMPLATE_TYPE_BASE,
                t.getVcpus(),
                t.getMemoryMb(),
                t.getSizeBytes(),
                t.getManifestSha256());
    }

    private HostAgentServiceBlockingStub within(Duration deadline) {
        return HostAgentServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static boolean unlessNotFound(Supplier<?> rpc) {
        try {
            GrpcErrors.call(rpc);
            return true;
        } catch (HostAgentException e) {
            if (e.kind() == HostAgentException.Kind.NOT_FOUND) return false;
            throw e;
        }
    }
}
