package dev.wrenn.hostagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.wrenn.proto.hostagent.v1.Accel;
import dev.wrenn.proto.hostagent.v1.CreateSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ExecRequest;
import dev.wrenn.proto.hostagent.v1.ExecResponse;
import dev.wrenn.proto.hostagent.v1.ExecStart;
import dev.wrenn.proto.hostagent.v1.ExecStreamRequest;
import dev.wrenn.proto.hostagent.v1.ExecStreamResponse;
import dev.wrenn.proto.hostagent.v1.GetSandboxRequest;
import dev.wrenn.proto.hostagent.v1.HealthRequest;
import dev.wrenn.proto.hostagent.v1.HealthResponse;
import dev.wrenn.proto.hostagent.v1.ListSandboxesRequest;
import dev.wrenn.proto.hostagent.v1.Sandbox;
import dev.wrenn.proto.hostagent.v1.SandboxState;
import dev.wrenn.proto.hostagent.v1.StdinChunk;
import dev.wrenn.proto.hostagent.v1.StopProcess;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One booted sandbox shared by every exec test in the class. */
class SandboxExecIT {
    static AgentFixture fx;
    static Sandbox sb;

    @BeforeAll
    static void boot() throws Exception {
        fx = AgentFixture.start();
        sb = fx.blocking
                .withDeadlineAfter(150, TimeUnit.SECONDS)
                .createSandbox(CreateSandboxRequest.newBuilder()
                        .setSandboxId("exec-it")
                        .setVcpus(2)
                        .setMemoryMb(384)
                        .build());
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (fx != null) fx.close();
    }

    static ExecResponse exec(long timeoutMs, String cmd, String... args) {
        return fx.blocking
                .withDeadlineAfter(120, TimeUnit.SECONDS)
                .exec(ExecRequest.newBuilder()
                        .setSandboxId(sb.getSandboxId())
                        .setCmd(cmd)
                        .addAllArgs(List.of(args))
                        .setTimeoutMs(timeoutMs)
                        .build());
    }

    @Test
    void createdSandboxDescribesItself() {
        assertThat(sb.getState()).isEqualTo(SandboxState.SANDBOX_STATE_RUNNING);
        assertThat(sb.getGuestIp()).isEqualTo("169.254.0.21");
        assertThat(sb.getSlotAddress()).startsWith("10.215.");
        assertThat(sb.getAccel()).isIn(Accel.ACCEL_KVM, Accel.ACCEL_TCG);
        assertThat(sb.getTiming().getTotalMs()).isPositive();
        assertThat(fx.blocking
                        .getSandbox(GetSandboxRequest.newBuilder()
                                .setSandboxId("exec-it")
                                .build())
                        .getVmmPid())
                .isPositive();
        assertThat(fx.blocking
                        .listSandboxes(ListSandboxesRequest.getDefaultInstance())
                        .getSandboxesList())
                .extracting(Sandbox::getSandboxId)
                .contains("exec-it");
        System.out.printf(
                "boot: total %d ms (prepare %d, boot %d), accel %s%n",
                sb.getTiming().getTotalMs(),
                sb.getTiming().getPrepareMs(),
                sb.getTiming().getBootMs(),
                sb.getAccel());
    }

    @Test
    void vcpusAndMemoryAreHonoured() {
        assertThat(exec(30_000, "nproc").getStdout().toStringUtf8().strip()).isEqualTo("2");
        String memTotal = exec(30_000, "sh", "-c", "grep MemTotal /proc/meminfo")
                .getStdout()
                .toStringUtf8();
        long kb = Long.parseLong(memTotal.replaceAll("\\D", ""));
        assertThat(kb / 1024).isBetween(300L, 384L);
    }

    @Test
    void healthReportsAccelAndCapacity() {
        HealthResponse h = fx.blocking.health(HealthRequest.getDefaultInstance());
        assertThat(h.getStatus()).isEqualTo("ok");
        assertThat(h.getEngine()).isEqualTo("qemu");
        assertThat(h.getAccel()).isEqualTo(sb.getAccel());
        assertThat(h.getAccelReason()).isNotBlank();
        assertThat(h.getCapacity().getSandboxCount()).isGreaterThanOrEqualTo(1);
        assertThat(h.getCapacity().getUsedMemoryMb()).isGreaterThanOrEqualTo(384);
        assertThat(h.getCapacity().getUsedVcpus()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void pythonPrints42() {
        ExecResponse r = exec(30_000, "python3", "-c", "print(6*7)");
        assertThat(r.getStdout().toStringUtf8()).isEqualTo("42\n");
        assertThat(r.getExitCode()).isZero();
        assertThat(r.getTimedOut()).isFalse();
    }

    @Test
    void failingCommandReportsExitCodeAndStderr() {
        ExecResponse r = exec(30_000, "sh", "-c", "echo oops >&2; exit 3");
        assertThat(r.getExitCode()).isEqualTo(3);
        assertThat(r.getStderr().toStringUtf8()).isEqualTo("oops\n");
    }

    @Test
    void commandOutlivingItsTimeoutIsKilled() {
        long t0 = System.nanoTime();
        ExecResponse r = exec(1_000, "sleep", "30");
        assertThat(r.getTimedOut()).isTrue();
        assertThat(r.getExitCode()).isEqualTo(-1);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(15_000);
    }

    @Test
    void nonUtf8OutputRoundTrips() {
        ExecResponse r =
                exec(30_000, "python3", "-c", "import sys; sys.stdout.buffer.write(bytes([0xff, 0xfe, 0x00, 0x41]))");
        assertThat(r.getStdout().toByteArray()).containsExactly(0xff, 0xfe, 0x00, 0x41);
    }

    @Test
    void unknownSandboxIsNotFoundAndOverCapacityIsRefused() {
        assertThatThrownBy(() -> fx.blocking.exec(ExecRequest.newBuilder()
                        .setSandboxId("nope")
                        .setCmd("true")
                        .build()))
                .isInstanceOf(StatusRuntimeException.class)
                .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
                .isEqualTo(Status.Code.NOT_FOUND);
        int cores = Runtime.getRuntime().availableProcessors();
        assertThatThrownBy(() -> fx.blocking.createSandbox(CreateSandboxRequest.newBuilder()
                        .setSandboxId("too-big")
                        .setVcpus(cores + 1)
                        .build()))
                .isInstanceOf(StatusRuntimeException.class)
                .satisfies(e -> {
                    Status s = ((StatusRuntimeException) e).getStatus();
                    assertThat(s.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(s.getDescription()).contains("cores");
                });
        assertThatThrownBy(() -> fx.create("exec-it"))
                .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
                .isEqualTo(Status.Code.ALREADY_EXISTS);
    }

    /** Collects a stream's events and records when each arrived. */
    static final class Recorder implements StreamObserver<ExecStreamResponse> {
        record Event(long atNanos, ExecStreamResponse msg) {}

        final List<Event> events = new CopyOnWriteArrayList<>();
        final CountDownLatch done = new CountDownLatch(1);
        final CountDownLatch started = new CountDownLatch(1);
        volatile Throwable error;

        @Override
        public void onNext(ExecStreamResponse m) {
            events.add(new Event(System.nanoTime(), m));
            if (m.hasStart()) started.countDown();
        }

        @Override
        public void onError(Throwable t) {
            error = t;
            done.countDown();
        }

        @Override
        public void onCompleted() {
            done.countDown();
        }

        String stdout() {
            StringBuilder sb = new StringBuilder();
            for (Event e : events)
                if (e.msg.hasStdout()) sb.append(e.msg.getStdout().toStringUtf8());
            return sb.toString();
        }

        Event exit() {
            return events.stream().filter(e -> e.msg.hasExit()).findFirst().orElseThrow();
        }
    }

    static ExecStreamRequest start(String cmd, String... args) {
        return ExecStreamRequest.newBuilder()
                .setStart(ExecStart.newBuilder()
                        .setSandboxId(sb.getSandboxId())
                        .setCmd(cmd)
                        .addAllArgs(List.of(args)))
                .build();
    }

    @Test
    void streamedOutputArrivesBeforeExit() throws Exception {
        Recorder rec = new Recorder();
        StreamObserver<ExecStreamRequest> req = fx.async.execStream(rec);
        req.onNext(start("sh", "-c", "for i in 1 2 3 4; do echo line$i; sleep 1; done"));
        req.onCompleted();
        assertThat(rec.done.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(rec.error).isNull();
        assertThat(rec.stdout()).isEqualTo("line1\nline2\nline3\nline4\n");
        var firstLine =
                rec.events.stream().filter(e -> e.msg().hasStdout()).findFirst().orElseThrow();
        assertThat(rec.exit().atNanos() - firstLine.atNanos()).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(2000));
        assertThat(rec.exit().msg().getExit().getExitCode()).isZero();
    }

    @Test
    void stdinIsForwardedAndStopEndsTheProcess() throws Exception {
        Recorder rec = new Recorder();
        StreamObserver<ExecStreamRequest> req = fx.async.execStream(rec);
        req.onNext(start(
                "python3",
                "-u",
                "-c",
                "import sys\nfor l in sys.stdin:\n    print('got ' + l.strip(),"
                        + " flush=True)\nimport time; time.sleep(60)"));
        assertThat(rec.started.await(30, TimeUnit.SECONDS)).isTrue();
        req.onNext(ExecStreamRequest.newBuilder()
                .setStdin(StdinChunk.newBuilder()
                        .setData(ByteString.copyFrom("hello\nworld\n", StandardCharsets.UTF_8))
                        .setClose(true))
                .build());
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofMinutes(2))
                .until(() -> rec.stdout().contains("got world"));
        assertThat(rec.stdout()).isEqualTo("got hello\ngot world\n");

        long t0 = System.nanoTime();
        req.onNext(ExecStreamRequest.newBuilder()
                .setStop(StopProcess.getDefaultInstance())
                .build());
        assertThat(rec.done.await(30, TimeUnit.SECONDS)).isTrue();
        req.onCompleted();
        assertThat(rec.error).isNull();
        assertThat(rec.exit().msg().getExit().getExitCode()).isNotZero();
        assertThat(rec.exit().msg().getExit().getKilled()).isTrue();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
    }
}
