package dev.wrenn.hostagent.rpc;

import com.google.protobuf.ByteString;
import dev.wrenn.hostagent.egress.NetworkPolicy;
import dev.wrenn.hostagent.guest.ExecCommand;
import dev.wrenn.hostagent.guest.ExecResult;
import dev.wrenn.hostagent.guest.GuestAgentClient;
import dev.wrenn.hostagent.guest.GuestMetrics;
import dev.wrenn.hostagent.guest.GuestSetup;
import dev.wrenn.hostagent.guest.envd.EnvdFiles;
import dev.wrenn.hostagent.sandbox.Capacity;
import dev.wrenn.hostagent.sandbox.Sandbox;
import dev.wrenn.hostagent.sandbox.SandboxException;
import dev.wrenn.hostagent.sandbox.SandboxManager;
import dev.wrenn.hostagent.sandbox.TemplateStore;
import dev.wrenn.hostagent.storage.DurableFiles;
import dev.wrenn.proto.hostagent.v1.Accel;
import dev.wrenn.proto.hostagent.v1.CreateSandboxRequest;
import dev.wrenn.proto.hostagent.v1.DeleteTemplateRequest;
import dev.wrenn.proto.hostagent.v1.DeleteTemplateResponse;
import dev.wrenn.proto.hostagent.v1.DestroySandboxRequest;
import dev.wrenn.proto.hostagent.v1.DestroySandboxResponse;
import dev.wrenn.proto.hostagent.v1.ExecRequest;
import dev.wrenn.proto.hostagent.v1.ExecResponse;
import dev.wrenn.proto.hostagent.v1.ExecStreamRequest;
import dev.wrenn.proto.hostagent.v1.ExecStreamResponse;
import dev.wrenn.proto.hostagent.v1.GetSandboxRequest;
import dev.wrenn.proto.hostagent.v1.HealthRequest;
import dev.wrenn.proto.hostagent.v1.HealthResponse;
import dev.wrenn.proto.hostagent.v1.HostAgentServiceGrpc;
import dev.wrenn.proto.hostagent.v1.ListSandboxesRequest;
import dev.wrenn.proto.hostagent.v1.ListSandboxesResponse;
import dev.wrenn.proto.hostagent.v1.ListTemplatesRequest;
import dev.wrenn.proto.hostagent.v1.ListTemplatesResponse;
import dev.wrenn.proto.hostagent.v1.PauseSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ReadFileRequest;
import dev.wrenn.proto.hostagent.v1.ReadFileResponse;
import dev.wrenn.proto.hostagent.v1.ResumeSandboxRequest;
import dev.wrenn.proto.hostagent.v1.SandboxMetrics;
import dev.wrenn.proto.hostagent.v1.SandboxState;
import dev.wrenn.proto.hostagent.v1.SnapshotSandboxRequest;
import dev.wrenn.proto.hostagent.v1.Template;
import dev.wrenn.proto.hostagent.v1.TemplateType;
import dev.wrenn.proto.hostagent.v1.Timing;
import dev.wrenn.proto.hostagent.v1.WriteFileRequest;
import dev.wrenn.proto.hostagent.v1.WriteFileResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicReference;

/** The gRPC face of the agent: translation only; behaviour lives in sandbox/ and guest/. */
public final class HostAgentGrpcService extends HostAgentServiceGrpc.HostAgentServiceImplBase {
    static final int CHUNK = 1 << 20;

    private final SandboxManager manager;
    private final String version;
    private final int proxyPort;

    /** {@code proxyPort}: where this agent's sandbox proxy listens, reported by Health (0: none). */
    public HostAgentGrpcService(SandboxManager manager, String version, int proxyPort) {
        this.manager = manager;
        this.version = version;
        this.proxyPort = proxyPort;
    }

    @Override
    public void createSandbox(CreateSandboxRequest r, StreamObserver<dev.wrenn.proto.hostagent.v1.Sandbox> out) {
        Unary.answer(out, () -> {
            // Checked here, before anything is created: a bad value is INVALID_ARGUMENT.
            var setup = new GuestSetup(r.getEnvVarsMap(), r.getDefaultUser(), r.getDefaultWorkdir());
            return toProto(manager.create(new SandboxManager.CreateRequest(
                    r.getSandboxId(),
                    r.getTemplate(),
                    r.getVcpus(),
                    r.getMemoryMb(),
                    r.getToken(),
                    setup,
                    r.getDiskMb(),
                    r.hasNetwork() ? policy(r.getNetwork()) : null)));
        });
    }

    @Override
    public void updateNetwork(
            dev.wrenn.proto.hostagent.v1.UpdateNetworkRequest r,
            StreamObserver<dev.wrenn.proto.hostagent.v1.Sandbox> out) {
        Unary.answer(out, () -> toProto(manager.updateNetwork(r.getSandboxId(), policy(r.getNetwork()))));
    }

    /** Validated here: a bad entry is INVALID_ARGUMENT with the entry named. */
    private static NetworkPolicy policy(dev.wrenn.proto.hostagent.v1.NetworkPolicy p) throws SandboxException {
        try {
            return new NetworkPolicy(p.getAllowInternetAccess(), p.getAllowOutList(), p.getDenyOutList());
        } catch (IllegalArgumentException e) {
            throw new SandboxException(SandboxException.Reason.INVALID_ARGUMENT, e.getMessage());
        }
    }

    @Override
    public void getSandboxMetrics(GetSandboxRequest r, StreamObserver<SandboxMetrics> out) {
        Unary.answer(out, () -> {
            GuestMetrics m = manager.get(r.getSandboxId()).guest().metrics();
            return SandboxMetrics.newBuilder()
                    .setTimestampUnixMs(System.currentTimeMillis())
                    .setCpuCount(m.cpuCount())
                    .setCpuUsedPct(m.cpuUsedPct())
                    .setMemUsed(m.memUsed())
                    .setMemTotal(m.memTotal())
                    .setMemCache(m.memCache())
                    .setDiskUsed(m.diskUsed())
                    .setDiskTotal(m.diskTotal())
                    .build();
        });
    }

    @Override
    public void destroySandbox(DestroySandboxRequest r, StreamObserver<DestroySandboxResponse> out) {
        Unary.answer(out, () -> {
            manager.destroy(r.getSandboxId());
            return DestroySandboxResponse.getDefaultInstance();
        });
    }

    @Override
    public void listSandboxes(ListSandboxesRequest r, StreamObserver<ListSandboxesResponse> out) {
        Unary.answer(out, () -> {
            var b = ListSandboxesResponse.newBuilder();
            manager.list().stream()
                    .sorted(java.util.Comparator.comparingLong(Sandbox::createdAtMs))
                    .forEach(s -> b.addSandboxes(toProto(s)));
            return b.build();
        });
    }

    @Override
    public void getSandbox(GetSandboxRequest r, StreamObserver<dev.wrenn.proto.hostagent.v1.Sandbox> out) {
        Unary.answer(out, () -> toProto(manager.get(r.getSandboxId())));
    }

    @Override
    public void exec(ExecRequest r, StreamObserver<ExecResponse> out) {
        Unary.answer(out, () -> {
            if (r.getCmd().isEmpty())
                throw Status.INVALID_ARGUMENT.withDescription("cmd is required").asRuntimeException();
            ExecResult res = manager.get(r.getSandboxId())
                    .guest()
                    .exec(new ExecCommand(
                            r.getCmd(), r.getArgsList(), r.getEnvMap(), r.getCwd(), r.getUser(), r.getTimeoutMs()));
            return ExecResponse.newBuilder()
                    .setStdout(ByteString.copyFrom(res.stdout()))
                    .setStderr(ByteString.copyFrom(res.stderr()))
                    .setExitCode(res.exitCode())
                    .setDurationMs(res.durationMs())
                    .setTimedOut(res.timedOut())
                    .setTruncated(res.truncated())
                    .build();
        });
    }

    @Override
    public StreamObserver<ExecStreamRequest> execStream(StreamObserver<ExecStreamResponse> out) {
        return new ExecStreamSession(manager, (ServerCallStreamObserver<ExecStreamResponse>) out);
    }

    @Override
    public StreamObserver<WriteFileRequest> writeFile(StreamObserver<WriteFileResponse> out) {
        return new UploadSession(manager, out);
    }

    @Override
    public void readFile(ReadFileRequest r, StreamObserver<ReadFileResponse> out) {
        var call = (ServerCallStreamObserver<ReadFileResponse>) out;
        AtomicReference<InputStream> body = new AtomicReference<>();
        FlowGate gate = new FlowGate(call, () -> closeQuietly(body.get()));
        Thread.ofVirtual().name("download-" + r.getSandboxId()).start(() -> {
            try {
                if (!r.getPath().startsWith("/"))
                    throw Status.INVALID_ARGUMENT
                            .withDescription("path must be absolute: '" + r.getPath() + "'")
                            .asRuntimeException();
                EnvdFiles.Download d =
                        manager.get(r.getSandboxId()).guest().files().download(r.getPath(), "root");
                body.set(d.body());
                try (InputStream in = d.body()) {
                    boolean first = true;
                    byte[] buf = new byte[CHUNK];
                    while (true) {
                        int n = in.readNBytes(buf, 0, CHUNK);
                        if (n <= 0 && !first) break;
                        if (!gate.awaitReady()) return;
                        var m = ReadFileResponse.newBuilder().setData(ByteString.copyFrom(buf, 0, Math.max(n, 0)));
                        if (first) m.setSize(d.size());
                        call.onNext(m.build());
                        first = false;
                        if (n < CHUNK) break;
                    }
                }
                call.onCompleted();
            } catch (Throwable e) {
                if (!call.isCancelled()) call.onError(Errors.toStatus(e));
            }
        });
    }

    @Override
    public void pauseSandbox(PauseSandboxRequest r, StreamObserver<dev.wrenn.proto.hostagent.v1.Sandbox> out) {
        Unary.answer(out, () -> toProto(manager.pause(r.getSandboxId())));
    }

    @Override
    public void resumeSandbox(ResumeSandboxRequest r, StreamObserver<dev.wrenn.proto.hostagent.v1.Sandbox> out) {
        Unary.answer(out, () -> toProto(manager.resume(r.getSandboxId())));
    }

    @Override
    public void snapshotSandbox(SnapshotSandboxRequest r, StreamObserver<Template> out) {
        Unary.answer(out, () -> toProto(manager.saveTemplate(r.getSandboxId(), r.getName(), r.getOverwrite())));
    }

    @Override
    public void listTemplates(ListTemplatesRequest r, StreamObserver<ListTemplatesResponse> out) {
        Unary.answer(out, () -> {
            var b = ListTemplatesResponse.newBuilder();
            for (var e : manager.images().list().entrySet()) {
                long created =
                        java.nio.file.Files.getLastModifiedTime(e.getValue()).toMillis();
                b.addTemplates(Template.newBuilder()
                        .setName(e.getKey())
                        .setType(TemplateType.TEMPLATE_TYPE_BASE)
                        .setSizeBytes(DurableFiles.diskUsage(e.getValue()))
                        .setCreatedAtUnixMs(created)
                        .setManifestSha256(manifestSha256(e.getValue())));
            }
            for (TemplateStore.Template t : manager.templates().list()) b.addTemplates(toProto(t));
            return b.build();
        });
    }

    @Override
    public void deleteTemplate(DeleteTemplateRequest r, StreamObserver<DeleteTemplateResponse> out) {
        Unary.answer(out, () -> {
            manager.deleteTemplate(r.getName());
            return DeleteTemplateResponse.getDefaultInstance();
        });
    }

    private static String manifestSha256(java.nio.file.Path imageDir) throws java.io.IOException {
        var manifest = imageDir.resolve("manifest.json");
        if (!java.nio.file.Files.isRegularFile(manifest)) return "";
        try {
            var md = java.security.MessageDigest.getInstance("SHA-256");
            return java.util.HexFormat.of().formatHex(md.digest(java.nio.file.Files.readAllBytes(manifest)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Template toProto(TemplateStore.Template t) {
        return Template.newBuilder()
                .setName(t.name())
                .setType(TemplateType.TEMPLATE_TYPE_SNAPSHOT)
                .setVcpus(t.vcpus())
                .setMemoryMb(t.memoryMb())
                .setSizeBytes(t.sizeBytes())
                .setCreatedAtUnixMs(t.createdAtMs())
                .build();
    }

    @Override
    public void health(HealthRequest r, StreamObserver<HealthResponse> out) {
        Unary.answer(out, () -> {
            Capacity.Snapshot c = manager.capacity().snapshot();
            return HealthResponse.newBuilder()
                    .setStatus("ok")
                    .setAccel(accel(manager.engine().accel().accel()))
                    .setAccelReason(manager.engine().accel().reason())
                    .setEngine(manager.engine().name())
                    .setVersion(version)
                    .setProxyPort(proxyPort)
                    .setCapacity(dev.wrenn.proto.hostagent.v1.Capacity.newBuilder()
                            .setTotalVcpus(c.totalVcpus())
                            .setUsedVcpus(c.usedVcpus())
                            .setTotalMemoryMb(c.totalMemoryMb())
                            .setUsedMemoryMb(c.usedMemoryMb())
                            .setMaxVcpusPerSandbox(c.maxVcpusPerSandbox())
                            .setSandboxCount(manager.list().size()))
                    .build();
        });
    }

    static Accel accel(dev.wrenn.hostagent.vm.Accel a) {
        return a == dev.wrenn.hostagent.vm.Accel.KVM ? Accel.ACCEL_KVM : Accel.ACCEL_TCG;
    }

    dev.wrenn.proto.hostagent.v1.Sandbox toProto(Sandbox s) {
        var b = dev.wrenn.proto.hostagent.v1.Sandbox.newBuilder()
                .setSandboxId(s.id())
                .setTemplate(s.template())
                .setState(
                        switch (s.state()) {
                            case STARTING -> SandboxState.SANDBOX_STATE_STARTING;
                            case RUNNING -> SandboxState.SANDBOX_STATE_RUNNING;
                            case STOPPING -> SandboxState.SANDBOX_STATE_STOPPING;
                            case STOPPED -> SandboxState.SANDBOX_STATE_STOPPED;
                            case FAILED -> SandboxState.SANDBOX_STATE_FAILED;
                            // Internal transitions: shown as the state the sandbox is still in until they finish.
                            case PAUSING -> SandboxState.SANDBOX_STATE_RUNNING;
                            case PAUSED, RESUMING -> SandboxState.SANDBOX_STATE_PAUSED;
                        })
                .setVcpus(s.vcpus())
                .setMemoryMb(s.memoryMb())
                .setDiskMb(s.diskMb())
                .setGuestAgentPort(GuestAgentClient.PORT)
                .setAccel(accel(manager.engine().accel().accel()))
                .setEngine(manager.engine().name())
                .setCreatedAtUnixMs(s.createdAtMs())
                .setTiming(Timing.newBuilder()
                        .setTotalMs(s.timing().totalMs())
                        .setPrepareMs(s.timing().prepareMs())
                        .setBootMs(s.timing().bootMs()));
        if (s.slot() != null) {
            b.setGuestIp(s.slot().guestIp())
                    .setSlotAddress(s.slot().slotAddress())
                    .setHostIp(s.slot().hostIp())
                    .setSlot(s.slot().index());
        }
        if (s.vm() != null) b.setVmmPid(s.vm().pid());
        NetworkPolicy n = manager.network(s);
        b.setNetwork(dev.wrenn.proto.hostagent.v1.NetworkPolicy.newBuilder()
                .setAllowInternetAccess(n.allowInternet())
                .addAllAllowOut(n.allowOut())
                .addAllDenyOut(n.denyOut()));
        return b.build();
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception ignored) {
            // cancelled anyway
        }
    }
}
