package dev.wrenn.controlplane.host.grpc;

import com.google.protobuf.ByteString;
import dev.wrenn.controlplane.config.HostAgentTimeouts;
import dev.wrenn.controlplane.host.HostAgentException;
import dev.wrenn.controlplane.host.HostProcesses;
import dev.wrenn.controlplane.host.ProcessAttachment;
import dev.wrenn.controlplane.host.ProcessEvents;
import dev.wrenn.controlplane.host.ProcessRequest;
import dev.wrenn.controlplane.host.ProcessSummary;
import dev.wrenn.proto.hostagent.v1.ListProcessesRequest;
import dev.wrenn.proto.hostagent.v1.ProcessEvent;
import dev.wrenn.proto.hostagent.v1.ProcessRef;
import dev.wrenn.proto.hostagent.v1.ProcessServiceGrpc;
import dev.wrenn.proto.hostagent.v1.ResizeTerminalRequest;
import dev.wrenn.proto.hostagent.v1.SendProcessInputRequest;
import dev.wrenn.proto.hostagent.v1.SignalProcessRequest;
import dev.wrenn.proto.hostagent.v1.StartProcessRequest;
import dev.wrenn.proto.hostagent.v1.TerminalSize;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@link HostProcesses} over the host agent's ProcessService. */
final class GrpcHostProcesses implements HostProcesses {
    private final ManagedChannel channel;
    private final HostAgentTimeouts timeouts;

    GrpcHostProcesses(ManagedChannel channel, HostAgentTimeouts timeouts) {
        this.channel = channel;
        this.timeouts = timeouts;
    }

    private ProcessServiceGrpc.ProcessServiceBlockingStub blocking() {
        return ProcessServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(timeouts.call().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public long start(String sandboxId, ProcessRequest request) {
        // The stream is left as soon as the pid is known: the process does not depend on it.
        try (Context.CancellableContext c = Context.current().withCancellation()) {
            return c.call(() -> GrpcErrors.call(() -> {
                Iterator<ProcessEvent> events = blocking().startProcess(toProto(sandboxId, request));
                while (events.hasNext()) {
                    ProcessEvent e = events.next();
                    if (e.hasStart()) return (long) e.getStart().getPid();
                    if (e.hasError()) throw new HostAgentException(HostAgentException.Kind.INVALID, e.getError(), null);
                }
                throw new HostAgentException(
                        HostAgentException.Kind.FAILED, "the host ended the process stream before its start", null);
            }));
        } catch (HostAgentException e) {
            throw e;
        } catch (Exception e) {
            throw GrpcErrors.from(e);
        }
    }

    @Override
    public ProcessAttachment start(String sandboxId, ProcessRequest request, ProcessEvents events) {
        return stream(events, (stub, observer) -> stub.startProcess(toProto(sandboxId, request), observer));
    }

    @Override
    public ProcessAttachment attach(String sandboxId, long pid, ProcessEvents events) {
        return stream(events, (stub, observer) -> stub.connectProcess(ref(sandboxId, pid), observer));
    }

    private interface Opener {
        void open(ProcessServiceGrpc.ProcessServiceStub stub, StreamObserver<ProcessEvent> observer);
    }

    private ProcessAttachment stream(ProcessEvents events, Opener opener) {
        Context.CancellableContext call = Context.current().withCancellation();
        call.run(() -> opener.open(ProcessServiceGrpc.newStub(channel), new Relay(events, call)));
        return () -> call.cancel(null);
    }

    /** gRPC's callbacks as {@link ProcessEvents}: exactly one end, whatever ends the call. */
    private static final class Relay implements StreamObserver<ProcessEvent> {
        private final ProcessEvents events;
        private final Context.CancellableContext call;
        private boolean over;

        Relay(ProcessEvents events, Context.CancellableContext call) {
            this.events = events;
            this.call = call;
        }

        @Override
        public void onNext(ProcessEvent e) {
            switch (e.getEventCase()) {
                case START -> events.started(e.getStart().getPid());
                case STDOUT -> events.stdout(e.getStdout().toByteArray());
                case STDERR -> events.stderr(e.getStderr().toByteArray());
                case PTY -> events.terminal(e.getPty().toByteArray());
                case EXIT -> {
                    if (end()) events.exited(e.getExit().getExitCode());
                }
                case ERROR -> {
                    if (end()) events.error(e.getError());
                }
                case EVENT_NOT_SET -> {}
            }
        }

        @Override
        public void onError(Throwable t) {
            if (end() && !call.isCancelled()) events.failed(GrpcErrors.from(t));
        }

        @Override
        public void onCompleted() {
            if (end()) {
                events.failed(new HostAgentException(
                        HostAgentException.Kind.FAILED, "the host ended the process stream without an exit", null));
            }
        }

        private synchronized boolean end() {
            if (over) return false;
            over = true;
            return true;
        }
    }

    @Override
    public List<ProcessSummary> list(String sandboxId) {
        return GrpcErrors.call(() -> blocking()
                        .listProcesses(ListProcessesRequest.newBuilder()
                                .setSandboxId(sandboxId)
                                .build())
                        .getProcessesList())
                .stream()
                .map(p -> new ProcessSummary(
                        p.getPid(),
                        p.getTag().isEmpty() ? null : p.getTag(),
                        p.getCmd(),
                        List.copyOf(p.getArgsList()),
                        p.getCwd().isEmpty() ? null : p.getCwd()))
                .toList();
    }

    @Override
    public void input(String sandboxId, long pid, byte[] data, boolean pty) {
        GrpcErrors.call(() -> blocking()
                .sendProcessInput(SendProcessInputRequest.newBuilder()
                        .setProcess(ref(sandboxId, pid))
                        .setData(ByteString.copyFrom(data))
                        .setPty(pty)
                        .build()));
    }

    @Override
    public void closeStdin(String sandboxId, long pid) {
        GrpcErrors.call(() -> blocking().closeProcessStdin(ref(sandboxId, pid)));
    }

    @Override
    public void signal(String sandboxId, long pid, String signal) {
        GrpcErrors.call(() -> blocking()
                .signalProcess(SignalProcessRequest.newBuilder()
                        .setProcess(ref(sandboxId, pid))
                        .setSignal(signal)
                        .build()));
    }

    @Override
    public void resize(String sandboxId, long pid, int cols, int rows) {
        GrpcErrors.call(() -> blocking()
                .resizeTerminal(ResizeTerminalRequest.newBuilder()
                        .setProcess(ref(sandboxId, pid))
                        .setSize(TerminalSize.newBuilder().setCols(cols).setRows(rows))
                        .build()));
    }

    private static ProcessRef ref(String sandboxId, long pid) {
        return ProcessRef.newBuilder().setSandboxId(sandboxId).setPid((int) pid).build();
    }

    static StartProcessRequest toProto(String sandboxId, ProcessRequest r) {
        var b = StartProcessRequest.newBuilder()
                .setSandboxId(sandboxId)
                .setCmd(r.cmd())
                .addAllArgs(r.args())
                .putAllEnv(r.env())
                .setStdin(r.stdin());
        if (r.cwd() != null) b.setCwd(r.cwd());
        if (r.user() != null) b.setUser(r.user());
        if (r.tag() != null) b.setTag(r.tag());
        if (r.pty() != null)
            b.setPty(TerminalSize.newBuilder()
                    .setCols(r.pty().cols())
                    .setRows(r.pty().rows()));
        return b.build();
    }
}
