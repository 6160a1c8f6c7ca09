package dev.wrenn.hostagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.wrenn.proto.hostagent.v1.ListProcessesRequest;
import dev.wrenn.proto.hostagent.v1.PauseSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ProcessEvent;
import dev.wrenn.proto.hostagent.v1.ProcessInfo;
import dev.wrenn.proto.hostagent.v1.ProcessRef;
import dev.wrenn.proto.hostagent.v1.ProcessServiceGrpc;
import dev.wrenn.proto.hostagent.v1.ResizeTerminalRequest;
import dev.wrenn.proto.hostagent.v1.ResumeSandboxRequest;
import dev.wrenn.proto.hostagent.v1.SendProcessInputRequest;
import dev.wrenn.proto.hostagent.v1.SignalProcessRequest;
import dev.wrenn.proto.hostagent.v1.StartProcessRequest;
import dev.wrenn.proto.hostagent.v1.TerminalSize;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Background processes and terminals through the host agent's ProcessService, on a real VM (TCG). */
class SandboxProcessIT {
    static AgentFixture f;
    static ProcessServiceGrpc.ProcessServiceBlockingStub processes;
    static final String ID = "proc-a";

    @BeforeAll
    static void boot() throws Exception {
        f = AgentFixture.start();
        f.create(ID);
        processes = ProcessServiceGrpc.newBlockingStub(f.channel);
    }

    @AfterAll
    static void close() throws Exception {
        if (f != null) f.close();
    }

    static ProcessServiceGrpc.ProcessServiceBlockingStub stub() {
        return processes.withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    static ProcessRef pid(long pid) {
        return ProcessRef.newBuilder().setSandboxId(ID).setPid((int) pid).build();
    }

    static ProcessRef tag(String tag) {
        return ProcessRef.newBuilder().setSandboxId(ID).setTag(tag).build();
    }

    /** Starts a process and leaves its stream at once, keeping only the pid, as a background start does. */
    static long startInBackground(StartProcessRequest.Builder r) {
        try (Context.CancellableContext c = Context.current().withCancellation()) {
            return c.call(() -> {
                Iterator<ProcessEvent> events =
                        stub().startProcess(r.setSandboxId(ID).build());
                ProcessEvent first = events.next();
                assertThat(first.hasStart()).as(first.toString()).isTrue();
                return (long) first.getStart().getPid();
            });
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Reads a stream until its exit, returning all output and the exit code. */
    static String drain(Iterator<ProcessEvent> events, int[] exitCode) {
        StringBuilder out = new StringBuilder();
        while (events.hasNext()) {
            ProcessEvent e = events.next();
            if (e.hasStdout()) out.append(e.getStdout().toStringUtf8());
            if (e.hasPty()) out.append(e.getPty().toStringUtf8());
            if (e.hasExit()) exitCode[0] = e.getExit().getExitCode();
        }
        return out.toString();
    }

    @Test
    void aBackgroundProcessOutlivesItsStreamIsListedAndTwoAttachmentsBothGetItsOutput() throws Exception {
        long p = startInBackground(StartProcessRequest.newBuilder()
                .setCmd("sh")
                .addAllArgs(List.of("-c", "read line; echo got-$line; sleep 1; echo done"))
                .setStdin(true)
                .setTag("bg-1"));
        assertThat(stub().listProcesses(ListProcessesRequest.newBuilder()
                                .setSandboxId(ID)
                                .build())
                        .getProcessesList())
                .extracting(ProcessInfo::getPid, ProcessInfo::getTag)
                .contains(org.assertj.core.groups.Tuple.tuple((int) p, "bg-1"));

        Iterator<ProcessEvent> first = stub().connectProcess(pid(p));
        Iterator<ProcessEvent> second = stub().connectProcess(tag("bg-1"));
        // An attachment gets output from the point of attach, marked by its start event.
        assertThat(first.next().hasStart()).isTrue();
        assertThat(second.next().hasStart()).isTrue();
        stub().sendProcessInput(SendProcessInputRequest.newBuilder()
                .setProcess(pid(p))
                .setData(ByteString.copyFromUtf8("hello\n"))
                .build());
        int[] code1 = {-99};
        int[] code2 = {-99};
        assertThat(drain(first, code1)).contains("got-hello").contains("done");
        assertThat(drain(second, code2)).contains("got-hello").contains("done");
        assertThat(code1[0]).isZero();
        assertThat(code2[0]).isZero();
    }

    @Test
    void signalsEndAProcessAndUnknownOnesAreRefused() {
        long p = startInBackground(
                StartProcessRequest.newBuilder().setCmd("sleep").addArgs("600"));
        assertThatThrownBy(() -> stub().signalProcess(SignalProcessRequest.newBuilder()
                        .setProcess(pid(p))
                        .setSignal("SIGNOPE")
                        .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        Iterator<ProcessEvent> events = stub().connectProcess(pid(p));
        stub().signalProcess(SignalProcessRequest.newBuilder()
                .setProcess(pid(p))
                .setSignal("SIGTERM")
                .build());
        int[] code = {-99};
        drain(events, code);
        assertThat(code[0]).isNotZero();
        assertThat(stub().listProcesses(ListProcessesRequest.newBuilder()
                                .setSandboxId(ID)
                                .build())
                        .getProcessesList())
                .extracting(ProcessInfo::getPid)
                .doesNotContain((int) p);
    }

    @Test
    void anUnknownPidIsNotFound() {
        assertThatThrownBy(() -> stub().signalProcess(SignalProcessRequest.newBuilder()
                        .setProcess(pid(999_999))
                        .setSignal("SIGTERM")
                        .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void aTerminalEchoesKeystrokesAndReportsItsSizeAfterAResize() {
        Iterator<ProcessEvent> events = stub().startProcess(StartProcessRequest.newBuilder()
                .setSandboxId(ID)
                .setCmd("bash")
                .setPty(TerminalSize.newBuilder().setCols(80).setRows(24))
                .setStdin(true)
                .build());
        long p = events.next().getStart().getPid();
        assertThatThrownBy(() -> stub().resizeTerminal(ResizeTerminalRequest.newBuilder()
                        .setProcess(pid(p))
                        .setSize(TerminalSize.newBuilder().setCols(0).setRows(24))
                        .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        stub().resizeTerminal(ResizeTerminalRequest.newBuilder()
                .setProcess(pid(p))
                .setSize(TerminalSize.newBuilder().setCols(100).setRows(40))
                .build());
        type(p, "stty size; exit 3\n");
        int[] code = {-99};
        String screen = drain(events, code);
        assertThat(screen).contains("stty size").contains("40 100");
        assertThat(code[0]).isEqualTo(3);
    }

    static void type(long p, String keys) {
        stub().sendProcessInput(SendProcessInputRequest.newBuilder()
                .setProcess(pid(p))
                .setData(ByteString.copyFrom(keys, StandardCharsets.UTF_8))
                .setPty(true)
                .build());
    }

    @Test
    void aBackgroundProcessSurvivesPauseAndResume() {
        long p = startInBackground(StartProcessRequest.newBuilder()
                .setCmd("sh")
                .addAllArgs(List.of("-c", "while true; do sleep 0.2; done"))
                .setTag("survivor"));
        f.blocking
                .withDeadlineAfter(120, TimeUnit.SECONDS)
                .pauseSandbox(PauseSandboxRequest.newBuilder().setSandboxId(ID).build());
        f.blocking
                .withDeadlineAfter(180, TimeUnit.SECONDS)
                .resumeSandbox(
                        ResumeSandboxRequest.newBuilder().setSandboxId(ID).build());
        assertThat(stub().listProcesses(ListProcessesRequest.newBuilder()
                                .setSandboxId(ID)
                                .build())
                        .getProcessesList())
                .extracting(ProcessInfo::getPid)
                .contains((int) p);
        stub().signalProcess(SignalProcessRequest.newBuilder()
                .setProcess(tag("survivor"))
                .setSignal("SIGKILL")
                .build());
    }
}
