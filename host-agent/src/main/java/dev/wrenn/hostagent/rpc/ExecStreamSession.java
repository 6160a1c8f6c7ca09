package dev.wrenn.hostagent.rpc;

import com.google.protobuf.ByteString;
import dev.wrenn.hostagent.guest.ExecCommand;
import dev.wrenn.hostagent.guest.GuestAgentClient;
import dev.wrenn.hostagent.guest.ProcessEvent;
import dev.wrenn.hostagent.sandbox.SandboxManager;
import dev.wrenn.proto.hostagent.v1.ExecStart;
import dev.wrenn.proto.hostagent.v1.ExecStreamRequest;
import dev.wrenn.proto.hostagent.v1.ExecStreamResponse;
import dev.wrenn.proto.hostagent.v1.ProcessExited;
import dev.wrenn.proto.hostagent.v1.ProcessStarted;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One ExecStream call: relays the guest's /process event stream to the client and the client's stdin
 * and stop messages to the guest. A client that goes away stops the process.
 */
final class ExecStreamSession implements StreamObserver<ExecStreamRequest> {
    private final SandboxManager manager;
    private final ServerCallStreamObserver<ExecStreamResponse> out;
    private final FlowGate gate;
    private final CompletableFuture<Long> pid = new CompletableFuture<>();
    private volatile GuestAgentClient guest;
    private volatile GuestAgentClient.ProcessStream events;
    private boolean started;
    private boolean closed;

    ExecStreamSession(SandboxManager manager, ServerCallStreamObserver<ExecStreamResponse> out) {
        this.manager = manager;
        this.out = out;
        this.gate = new FlowGate(out, this::clientGone);
    }

    @Override
    public void onNext(ExecStreamRequest m) {
        try {
            switch (m.getEventCase()) {
                case START -> start(m.getStart());
                case STDIN -> {
                    long p = awaitPid();
                    guest.writeStdin(
                            p,
                            m.getStdin().getData().toByteArray(),
                            m.getStdin().getClose());
                }
                case STOP -> guest().stop(awaitPid());
                case EVENT_NOT_SET ->
                    throw Status.INVALID_ARGUMENT
                            .withDescription("empty message")
                            .asRuntimeException();
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            finish(null, e);
        }
    }

    private GuestAgentClient guest() {
        if (guest == null)
            throw Status.FAILED_PRECONDITION
                    .withDescription("the first message must be start")
                    .asRuntimeException();
        return guest;
    }

    private long awaitPid() throws Exception {
        guest();
        try {
            return pid.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw Status.DEADLINE_EXCEEDED
                    .withDescription("process did not start within 30 s")
                    .asRuntimeException();
        }
    }

    private void start(ExecStart s) throws Exception {
        if (started)
            throw Status.FAILED_PRECONDITION.withDescription("start sent twice").asRuntimeException();
        started = true;
        if (s.getCmd().isEmpty())
            throw Status.INVALID_ARGUMENT.withDescription("cmd is required").asRuntimeException();
        guest = manager.get(s.getSandboxId()).guest();
        ExecCommand cmd = new ExecCommand(s.getCmd(), s.getArgsList(), s.getEnvMap(), s.getCwd(), s.getTimeoutMs());
        Thread.ofVirtual().name("exec-stream-" + s.getSandboxId()).start(() -> relay(cmd));
    }

    private void relay(ExecCommand cmd) {
        try (GuestAgentClient.ProcessStream stream = guest.startProcess(cmd)) {
            events = stream;
            while (stream.hasNext()) {
                ProcessEvent e = stream.next();
                ExecStreamResponse.Builder r = ExecStreamResponse.newBuilder();
                switch (e) {
                    case ProcessEvent.Started st -> {
                        pid.complete(st.pid());
                        r.setStart(ProcessStarted.newBuilder().setPid(st.pid()));
                    }
                    case ProcessEvent.Stdout o -> r.setStdout(ByteString.copyFrom(o.data()));
                    case ProcessEvent.Stderr o -> r.setStderr(ByteString.copyFrom(o.data()));
                    case ProcessEvent.Terminal o -> r.setStdout(ByteString.copyFrom(o.data()));
                    case ProcessEvent.Exited x ->
                        r.setExit(ProcessExited.newBuilder()
                                .setExitCode(x.exitCode())
                                .setTimedOut(x.timedOut())
                                .setKilled(x.killed()));
                    case ProcessEvent.Failed f -> r.setError(f.message());
                }
                if (!gate.awaitReady()) return;
                if (!send(r.build())) return;
                if (e.isTerminal()) {
                    finish(null, null);
                    return;
                }
            }
            finish(
                    ExecStreamResponse.newBuilder()
                            .setError("guest agent closed the stream before the process exited")
                            .build(),
                    null);
        } catch (Exception e) {
            pid.completeExceptionally(e);
            finish(null, e);
        }
    }

    private synchronized boolean send(ExecStreamResponse r) {
        if (closed) return false;
        out.onNext(r);
        return true;
    }

    private synchronized void finish(ExecStreamResponse last, Throwable error) {
        if (closed) return;
        closed = true;
        if (out.isCancelled()) return;
        if (error != null) {
            out.onError(Errors.toStatus(error));
            return;
        }
        if (last != null) out.onNext(last);
        out.onCompleted();
    }

    private void clientGone() {
        synchronized (this) {
            closed = true;
        }
        Long p = pid.getNow(null);
        if (p != null && guest != null) {
            Thread.ofVirtual().start(() -> {
                try {
                    guest.stop(p);
                } catch (Exception ignored) {
                    // process already gone
                }
            });
        }
        HostAgentGrpcService.closeQuietly(events);
    }

    @Override
    public void onError(Throwable t) {
        clientGone();
    }

    @Override
    public void onCompleted() {
        // Half-close: the process runs on until it exits or the client cancels.
    }
}
