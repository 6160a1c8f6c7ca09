package dev.wrenn.hostagent.rpc;

import com.google.protobuf.ByteString;
import dev.wrenn.hostagent.guest.ExecCommand;
import dev.wrenn.hostagent.guest.ProcessEvent;
import dev.wrenn.hostagent.guest.envd.EnvdProcesses;
import dev.wrenn.hostagent.guest.envd.ProcessId;
import dev.wrenn.hostagent.sandbox.SandboxManager;
import dev.wrenn.proto.hostagent.v1.ExecStart;
import dev.wrenn.proto.hostagent.v1.ExecStreamRequest;
import dev.wrenn.proto.hostagent.v1.ExecStreamResponse;
import dev.wrenn.proto.hostagent.v1.ProcessExited;
import dev.wrenn.proto.hostagent.v1.ProcessStarted;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One ExecStream call: relays the guest's Start stream to the client and the client's stdin and stop messages
 * to the guest. Stop is SIGTERM, then SIGKILL to the whole tree if the process is still there after a grace
 * period; a client that goes away stops the process the same way; a time limit kills it at once.
 */
final class ExecStreamSession implements StreamObserver<ExecStreamRequest> {
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);

    private final SandboxManager manager;
    private final ServerCallStreamObserver<ExecStreamResponse> out;
    private final FlowGate gate;
    private final CompletableFuture<Long> pid = new CompletableFuture<>();
    /** Completes when the process's end has arrived. */
    private final CompletableFuture<Void> end = new CompletableFuture<>();

    private volatile EnvdProcesses guest;
    private volatile boolean stopped;
    private volatile boolean timedOut;
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
                    ProcessId p = ProcessId.of(awaitPid());
                    byte[] data = m.getStdin().getData().toByteArray();
                    if (data.length > 0) guest.input(p, data, false);
                    if (m.getStdin().getClose()) guest.closeStdin(p);
                }
                case STOP -> stop(awaitPid());
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

    private long awaitPid() throws Exception {
        if (guest == null)
            throw Status.FAILED_PRECONDITION
                    .withDescription("the first message must be start")
                    .asRuntimeException();
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
        guest = manager.get(s.getSandboxId()).guest().processes();
        var cmd =
                new ExecCommand(s.getCmd(), s.getArgsList(), s.getEnvMap(), s.getCwd(), s.getUser(), s.getTimeoutMs());
        Thread.ofVirtual().name("exec-stream-" + s.getSandboxId()).start(() -> relay(cmd));
    }

    private void relay(ExecCommand cmd) {
        try (var stream = guest.start(cmd.spec(true))) {
            for (ProcessEvent e; (e = stream.next()) != null; ) {
                ExecStreamResponse.Builder r = ExecStreamResponse.newBuilder();
                switch (e) {
                    case ProcessEvent.Started st -> {
                        pid.complete(st.pid());
                        if (cmd.timeoutMs() > 0) limit(st.pid(), cmd.timeoutMs());
                        r.setStart(ProcessStarted.newBuilder().setPid(st.pid()));
                    }
                    case ProcessEvent.Stdout o -> r.setStdout(ByteString.copyFrom(o.data()));
                    case ProcessEvent.Stderr o -> r.setStderr(ByteString.copyFrom(o.data()));
                    case ProcessEvent.Terminal o -> r.setStdout(ByteString.copyFrom(o.data()));
                    case ProcessEvent.Exited x -> {
                        end.complete(null);
                        r.setExit(ProcessExited.newBuilder()
                                .setExitCode(timedOut ? -1 : x.exitCode())
                                .setTimedOut(timedOut)
                                .setKilled(stopped && !timedOut));
                    }
                    case ProcessEvent.Failed f -> {
                        end.complete(null);
                        r.setError(f.message());
                    }
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
        } finally {
            end.complete(null);
        }
    }

    /** The time limit: SIGKILL at once when it passes (the end event then says timed out). */
    private void limit(long p, long timeoutMs) {
        CompletableFuture.delayedExecutor(timeoutMs, TimeUnit.MILLISECONDS).execute(() -> {
            if (end.isDone()) return;
            timedOut = true;
            signal(p, "SIGKILL");
        });
    }

    /** SIGTERM now; SIGKILL to the tree if no end has arrived within the grace period. */
    private void stop(long p) {
        stopped = true;
        Thread.ofVirtual().name("exec-stop-" + p).start(() -> {
            signal(p, "SIGTERM");
            try {
                end.get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException stubborn) {
                signal(p, "SIGKILL");
            } catch (ExecutionException | InterruptedException e) {
                // end never fails; an interrupt ends this helper thread
            }
        });
    }

    private void signal(long p, String signal) {
        try {
            guest.signal(ProcessId.of(p), signal);
        } catch (Exception gone) {
            // the process ended meanwhile
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
        // Once the process is known it is stopped; its end then lets the relay close the guest stream.
        if (guest != null) pid.thenAccept(this::stop);
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
