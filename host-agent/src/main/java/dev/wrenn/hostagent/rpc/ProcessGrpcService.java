package dev.wrenn.hostagent.rpc;

import com.google.protobuf.ByteString;
import dev.wrenn.hostagent.guest.ProcessEvent;
import dev.wrenn.hostagent.guest.envd.EnvdProcesses;
import dev.wrenn.hostagent.guest.envd.ProcessId;
import dev.wrenn.hostagent.guest.envd.ProcessSpec;
import dev.wrenn.hostagent.sandbox.SandboxManager;
import dev.wrenn.proto.hostagent.v1.ListProcessesRequest;
import dev.wrenn.proto.hostagent.v1.ListProcessesResponse;
import dev.wrenn.proto.hostagent.v1.ProcessAck;
import dev.wrenn.proto.hostagent.v1.ProcessExited;
import dev.wrenn.proto.hostagent.v1.ProcessInfo;
import dev.wrenn.proto.hostagent.v1.ProcessRef;
import dev.wrenn.proto.hostagent.v1.ProcessServiceGrpc;
import dev.wrenn.proto.hostagent.v1.ProcessStarted;
import dev.wrenn.proto.hostagent.v1.ResizeTerminalRequest;
import dev.wrenn.proto.hostagent.v1.SendProcessInputRequest;
import dev.wrenn.proto.hostagent.v1.SignalProcessRequest;
import dev.wrenn.proto.hostagent.v1.StartProcessRequest;
import dev.wrenn.proto.hostagent.v1.TerminalSize;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/** The gRPC face of guest processes: translation to envd's process service of the sandbox's guest. */
public final class ProcessGrpcService extends ProcessServiceGrpc.ProcessServiceImplBase {
    private final SandboxManager manager;

    public ProcessGrpcService(SandboxManager manager) {
        this.manager = manager;
    }

    private EnvdProcesses processes(String sandboxId) throws Exception {
        return manager.get(sandboxId).guest().processes();
    }

    @Override
    public void startProcess(StartProcessRequest r, StreamObserver<dev.wrenn.proto.hostagent.v1.ProcessEvent> out) {
        StreamRelay.start(
                "process-start-" + r.getSandboxId(),
                out,
                () -> {
                    if (r.getCmd().isEmpty()) throw invalid("cmd is required");
                    ProcessSpec.TerminalSize pty = r.hasPty() ? size(r.getPty()) : null;
                    var events = processes(r.getSandboxId())
                            .start(new ProcessSpec(
                                    r.getCmd(),
                                    r.getArgsList(),
                                    r.getEnvMap(),
                                    r.getCwd(),
                                    emptyToNull(r.getUser()),
                                    pty,
                                    r.getStdin(),
                                    emptyToNull(r.getTag())));
                    return source(events);
                },
                ProcessGrpcService::toProto);
    }

    @Override
    public void connectProcess(ProcessRef r, StreamObserver<dev.wrenn.proto.hostagent.v1.ProcessEvent> out) {
        StreamRelay.start(
                "process-connect-" + r.getSandboxId(),
                out,
                () -> source(processes(r.getSandboxId()).connect(id(r))),
                ProcessGrpcService::toProto);
    }

    @Override
    public void listProcesses(ListProcessesRequest r, StreamObserver<ListProcessesResponse> out) {
        Unary.answer(out, () -> {
            var b = ListProcessesResponse.newBuilder();
            for (var p : processes(r.getSandboxId()).list()) {
                var info = ProcessInfo.newBuilder()
                        .setPid((int) p.pid())
                        .setCmd(p.cmd())
                        .addAllArgs(p.args());
                if (p.tag() != null) info.setTag(p.tag());
                if (p.cwd() != null) info.setCwd(p.cwd());
                b.addProcesses(info);
            }
            return b.build();
        });
    }

    @Override
    public void sendProcessInput(SendProcessInputRequest r, StreamObserver<ProcessAck> out) {
        Unary.answer(out, () -> {
            processes(r.getProcess().getSandboxId())
                    .input(id(r.getProcess()), r.getData().toByteArray(), r.getPty());
            return ProcessAck.getDefaultInstance();
        });
    }

    @Override
    public void closeProcessStdin(ProcessRef r, StreamObserver<ProcessAck> out) {
        Unary.answer(out, () -> {
            processes(r.getSandboxId()).closeStdin(id(r));
            return ProcessAck.getDefaultInstance();
        });
    }

    @Override
    public void signalProcess(SignalProcessRequest r, StreamObserver<ProcessAck> out) {
        Unary.answer(out, () -> {
            processes(r.getProcess().getSandboxId()).signal(id(r.getProcess()), r.getSignal());
            return ProcessAck.getDefaultInstance();
        });
    }

    @Override
    public void resizeTerminal(ResizeTerminalRequest r, StreamObserver<ProcessAck> out) {
        Unary.answer(out, () -> {
            ProcessSpec.TerminalSize s = size(r.getSize());
            processes(r.getProcess().getSandboxId()).resize(id(r.getProcess()), s.cols(), s.rows());
            return ProcessAck.getDefaultInstance();
        });
    }

    private static StreamRelay.Source<ProcessEvent> source(EnvdProcesses.ProcessEvents events) {
        return new StreamRelay.Source<>() {
            @Override
            public ProcessEvent next() throws Exception {
                return events.next();
            }

            @Override
            public void close() throws Exception {
                events.close();
            }
        };
    }

    static dev.wrenn.proto.hostagent.v1.ProcessEvent toProto(ProcessEvent e) {
        var b = dev.wrenn.proto.hostagent.v1.ProcessEvent.newBuilder();
        switch (e) {
            case ProcessEvent.Started s ->
                b.setStart(ProcessStarted.newBuilder().setPid(s.pid()));
            case ProcessEvent.Stdout o -> b.setStdout(ByteString.copyFrom(o.data()));
            case ProcessEvent.Stderr o -> b.setStderr(ByteString.copyFrom(o.data()));
            case ProcessEvent.Terminal o -> b.setPty(ByteString.copyFrom(o.data()));
            case ProcessEvent.Exited x -> b.setExit(ProcessExited.newBuilder().setExitCode(x.exitCode()));
            case ProcessEvent.Failed f -> b.setError(f.message());
        }
        return b.build();
    }

    private static ProcessId id(ProcessRef r) {
        return switch (r.getSelectorCase()) {
            case PID -> ProcessId.of(r.getPid());
            case TAG -> ProcessId.tagged(r.getTag());
            case SELECTOR_NOT_SET -> throw invalid("a process is named by pid or tag");
        };
    }

    private static ProcessSpec.TerminalSize size(TerminalSize s) {
        if (s.getCols() == 0 || s.getRows() == 0)
            throw invalid("a terminal needs at least one column and one row, not " + s.getCols() + "x" + s.getRows());
        return new ProcessSpec.TerminalSize(s.getCols(), s.getRows());
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    static RuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }
}
