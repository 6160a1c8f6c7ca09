package dev.wrenn.controlplane.host.grpc;

import com.google.protobuf.ByteString;
import dev.wrenn.controlplane.host.HostAgentException;
import dev.wrenn.controlplane.host.ProcessEvents;
import dev.wrenn.controlplane.host.ProcessRequest;
import dev.wrenn.controlplane.host.RunningProcess;
import dev.wrenn.proto.hostagent.v1.ExecStart;
import dev.wrenn.proto.hostagent.v1.ExecStreamRequest;
import dev.wrenn.proto.hostagent.v1.ExecStreamResponse;
import dev.wrenn.proto.hostagent.v1.HostAgentServiceGrpc.HostAgentServiceStub;
import dev.wrenn.proto.hostagent.v1.StdinChunk;
import dev.wrenn.proto.hostagent.v1.StopProcess;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/**
 * One ExecStream call. Requests go out under this object's lock (a gRPC request stream is not
 * thread-safe, and the caller's thread and gRPC's both end it); events are handed to the caller
 * outside the lock, so a caller that locks its own state around both never deadlocks.
 */
final class GrpcProcess implements RunningProcess, ClientResponseObserver<ExecStreamRequest, ExecStreamResponse> {
    private static final ExecStreamRequest STOP = ExecStreamRequest.newBuilder()
            .setStop(StopProcess.getDefaultInstance())
            .build();

    private final ProcessEvents events;
    private ClientCallStreamObserver<ExecStreamRequest> requests;
    /** The process reported its end (or the call broke, or the caller left): nothing more to send. */
    private boolean over;

    private GrpcProcess(ProcessEvents events) {
        this.events = events;
    }

    static GrpcProcess start(
            HostAgentServiceStub stub, String sandboxId, ProcessRequest command, ProcessEvents events) {
        var process = new GrpcProcess(events);
        stub.execStream(process);
        process.send(ExecStreamRequest.newBuilder()
                .setStart(ExecStart.newBuilder()
                        .setSandboxId(sandboxId)
                        .setCmd(command.cmd())
                        .addAllArgs(command.args())
                        .putAllEnv(command.env())
                        .setCwd(command.cwd() == null ? "" : command.cwd())
                        .setUser(command.user() == null ? "" : command.user()))
                .build());
        return process;
    }

    @Override
    public synchronized void beforeStart(ClientCallStreamObserver<ExecStreamRequest> requestStream) {
        this.requests = requestStream;
    }

    @Override
    public void stdin(byte[] data, boolean close) {
        send(ExecStreamRequest.newBuilder()
                .setStdin(StdinChunk.newBuilder()
                        .setData(ByteString.copyFrom(data))
                        .setClose(close))
                .build());
    }

    @Override
    public void stop() {
        send(STOP);
    }

    @Override
    public synchronized void abandon() {
        if (over) return;
        over = true;
        try {
            requests.onNext(STOP);
            requests.onCompleted();
        } catch (RuntimeException e) {
            requests.cancel("client disconnected", e);
        }
    }

    @Override
    public void onNext(ExecStreamResponse event) {
        switch (event.getEventCase()) {
            case START -> events.started(event.getStart().getPid());
            case STDOUT -> events.stdout(event.getStdout().toByteArray());
            case STDERR -> events.stderr(event.getStderr().toByteArray());
            case EXIT -> {
                end();
                events.exited(event.getExit().getExitCode());
            }
            case ERROR -> {
                end();
                events.error(event.getError());
            }
            case EVENT_NOT_SET -> {}
        }
    }

    @Override
    public void onError(Throwable t) {
        if (markOver()) events.failed(GrpcErrors.from(t));
    }

    @Override
    public void onCompleted() {
        if (markOver()) {
            events.failed(new HostAgentException(
                    HostAgentException.Kind.FAILED, "the host ended the process stream without an exit", null));
        }
    }

    private synchronized void send(ExecStreamRequest request) {
        if (!over) requests.onNext(request);
    }

    /** The process ended: half-close our side too. */
    private synchronized void end() {
        if (over) return;
        over = true;
        try {
            requests.onCompleted();
        } catch (RuntimeException ignored) {
            // the call is already over
        }
    }

    private synchronized boolean markOver() {
        if (over) return false;
        over = true;
        return true;
    }
}
