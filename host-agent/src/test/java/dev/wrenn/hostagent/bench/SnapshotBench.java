package dev.wrenn.hostagent.bench;

import dev.wrenn.hostagent.HostAgent;
import dev.wrenn.hostagent.HostAgentConfig;
import dev.wrenn.hostagent.TestImages;
import dev.wrenn.hostagent.storage.DurableFiles;
import dev.wrenn.proto.hostagent.v1.CreateSandboxRequest;
import dev.wrenn.proto.hostagent.v1.DestroySandboxRequest;
import dev.wrenn.proto.hostagent.v1.ExecRequest;
import dev.wrenn.proto.hostagent.v1.HostAgentServiceGrpc;
import dev.wrenn.proto.hostagent.v1.PauseSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ResumeSandboxRequest;
import dev.wrenn.proto.hostagent.v1.Sandbox;
import dev.wrenn.proto.hostagent.v1.SnapshotSandboxRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Pause / resume / template / clone benchmark (prefix wrb-, like HostAgentBench: do not run both at
 * once). Prints median and p99 (nearest rank) of: pause (gRPC PauseSandbox), resume to first exec
 * (ResumeSandbox + Exec true), create from a snapshot template to first exec, and the host PSS
 * (/proc/&lt;qemu&gt;/smaps_rollup) of idle clones (all alive at once, sharing the template's pages)
 * vs. cold-booted sandboxes.
 *
 * <p>Usage: SnapshotBench [--runs 10] [--clones 4] [--cold 2]
 */
public final class SnapshotBench {
    static final String PREFIX = "wrb-";
    static final String CIDR = "10.217.0.0/16";

    static final String USAGE = "usage: bench/snapshots.sh [--runs 10] [--clones 4] [--cold 2]";

    public static void main(String[] args) {
        var a = BenchArgs.parse(args, Map.of("--runs", 10, "--clones", 4, "--cold", 2), USAGE);
        BenchArgs.exitWith("snapshot bench", () -> run(a.get("--runs"), a.get("--clones"), a.get("--cold")));
    }

    static void run(int runs, int clones, int colds) throws Exception {
        Path data = Files.createTempDirectory("wrenn-snapbench-");
        HostAgentConfig cfg = HostAgentConfig.defaults()
                .withPort(0)
                .withProxyPort(0)
                .withDataDir(data)
                .withImageDir(TestImages.dir())
                .withNetwork(PREFIX, CIDR)
                .withReadyTimeout(Duration.ofSeconds(120));
        Map<String, List<Double>> figures = new LinkedHashMap<>();
        try (HostAgent agent = HostAgent.start(cfg)) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", agent.port())
                    .usePlaintext()
                    .build();
            var stub = HostAgentServiceGrpc.newBlockingStub(ch);
            try {
                // Cold boots: time to first exec, PSS when idle.
                List<String> cold = new ArrayList<>();
                for (int i = 0; i < colds; i++) {
                    String id = "cold-" + i;
                    long t0 = System.nanoTime();
                    Sandbox s = stub.withDeadlineAfter(180, TimeUnit.SECONDS)
                            .createSandbox(CreateSandboxRequest.newBuilder()
                                    .setSandboxId(id)
                                    .setMemoryMb(512)
                                    .build());
                    exec(stub, id, "true");
                    add(figures, "cold create -> first exec (ms)", ms(t0));
                    cold.add(id);
                    Thread.sleep(3000);
                    add(figures, "host PSS of an idle cold-booted sandbox's QEMU (MB)", pssMb(s.getVmmPid()));
                }
                String base = cold.getFirst();
                exec(
                        stub,
                        base,
                        "sh",
                        "-c",
                        "i=0; while true; do i=$((i+1)); echo $i > /root/count.tmp; mv"
                                + " /root/count.tmp /root/count; sleep 0.2; done </dev/null >/dev/null 2>&1 &");
                for (int r = 0; r < runs; r++) {
                    exec(stub, base, "sh", "-c", "echo " + r + " >> /root/runs");
                    long t0 = System.nanoTime();
                    stub.withDeadlineAfter(60, TimeUnit.SECONDS)
                            .pauseSandbox(PauseSandboxRequest.newBuilder()
                                    .setSandboxId(base)
                                    .build());
                    add(
                            figures,
                            r == 0
                                    ? "first pause of a sandbox (guest idle 3 s before; the host"
                                            + " warms the restore path if the guest has not) (ms)"
                                    : "pause (PauseSandbox, RAM in a shared file) (ms)",
                            ms(t0));
                    long t1 = System.nanoTime();
                    stub.withDeadlineAfter(120, TimeUnit.SECONDS)
                            .resumeSandbox(ResumeSandboxRequest.newBuilder()
                                    .setSandboxId(base)
                                    .build());
                    exec(stub, base, "true");
                    add(figures, "resume -> first exec (ms)", ms(t1));
                }
                for (String id : cold.subList(1, cold.size()))
                    stub.destroySandbox(
                            DestroySandboxRequest.newBuilder().setSandboxId(id).build());
                stub.withDeadlineAfter(120, TimeUnit.SECONDS)
                        .snapshotSandbox(SnapshotSandboxRequest.newBuilder()
                                .setSandboxId(base)
                                .setName("bench-tpl")
                                .setOverwrite(true)
                                .build());
                // Alone: each clone is destroyed before the next is made.
                for (int r = 0; r < runs; r++) {
                    String id = "solo-" + r;
                    long t0 = System.nanoTime();
                    stub.withDeadlineAfter(120, TimeUnit.SECONDS)
                            .createSandbox(CreateSandboxRequest.newBuilder()
                                    .setSandboxId(id)
                                    .setTemplate("bench-tpl")
                                    .build());
                    exec(stub, id, "true");
                    add(figures, "create from template -> first exec, no other VM running (ms)", ms(t0));
                    stub.destroySandbox(
                            DestroySandboxRequest.newBuilder().setSandboxId(id).build());
                }
                // Then side by side: the earlier clones keep running (the template's counter loop
                // forks every 0.2 s in each of them) while the next is made.
                List<Sandbox> made = new ArrayList<>();
                for (int i = 0; i < clones; i++) {
                    String id = "clone-" + i;
                    long t0 = System.nanoTime();
                    Sandbox s = stub.withDeadlineAfter(120, TimeUnit.SECONDS)
                            .createSandbox(CreateSandboxRequest.newBuilder()
                                    .setSandboxId(id)
                                    .setTemplate("bench-tpl")
                                    .build());
                    exec(stub, id, "true");
                    add(figures, "create from template -> first exec, earlier clones running (ms)", ms(t0));
                    made.add(s);
                }
                Thread.sleep(3000);
                for (Sandbox s : made)
                    add(
                            figures,
                            "host PSS of an idle clone's QEMU, " + clones + " clones alive (MB)",
                            pssMb(s.getVmmPid()));
                for (int r = 0; r < runs; r++) {
                    String id = made.getFirst().getSandboxId();
                    exec(stub, id, "sh", "-c", "head -c 1048576 /dev/urandom > /dev/shm/r" + r);
                    long t0 = System.nanoTime();
                    stub.withDeadlineAfter(60, TimeUnit.SECONDS)
                            .pauseSandbox(PauseSandboxRequest.newBuilder()
                                    .setSandboxId(id)
                                    .build());
                    add(figures, "pause of a clone (memory generation of the pages it changed) (ms)", ms(t0));
                    add(
                            figures,
                            "paused clone on disk: memory generations + state + disk overlay (MB)",
                            DurableFiles.diskUsage(data.resolve("host-agent")
                                            .resolve("sandboxes")
                                            .resolve("wrb-" + id))
                                    / 1048576.0);
                    long t1 = System.nanoTime();
                    stub.withDeadlineAfter(120, TimeUnit.SECONDS)
                            .resumeSandbox(ResumeSandboxRequest.newBuilder()
                                    .setSandboxId(id)
                                    .build());
                    exec(stub, id, "true");
                    add(figures, "resume of a clone -> first exec (ms)", ms(t1));
                }
                for (Sandbox s : made)
                    stub.destroySandbox(DestroySandboxRequest.newBuilder()
                            .setSandboxId(s.getSandboxId())
                            .build());
            } finally {
                ch.shutdownNow();
            }
        } finally {
            DurableFiles.deleteTree(data);
        }
        System.out.println("| figure | n | median | p99 |");
        System.out.println("|---|---:|---:|---:|");
        figures.forEach(
                (k, v) -> System.out.printf("| %s | %d | %.1f | %.1f |%n", k, v.size(), pct(v, 50), pct(v, 99)));
    }

    static void exec(HostAgentServiceGrpc.HostAgentServiceBlockingStub stub, String id, String cmd, String... args) {
        var r = stub.withDeadlineAfter(60, TimeUnit.SECONDS)
                .exec(ExecRequest.newBuilder()
                        .setSandboxId(id)
                        .setCmd(cmd)
                        .addAllArgs(List.of(args))
                        .build());
        if (r.getExitCode() != 0)
            throw new IllegalStateException(cmd + " failed: " + r.getStderr().toStringUtf8());
    }

    static double pssMb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
            if (line.startsWith("Pss:")) return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
        }
        throw new IllegalStateException("no Pss in smaps_rollup of " + pid);
    }

    static void add(Map<String, List<Double>> m, String k, double v) {
        m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }

    static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    /** Nearest rank; for p99 the slow tail (the highest value for times and sizes). */
    static double pct(List<Double> v, int p) {
        List<Double> s = v.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * s.size());
        return s.get(Math.max(0, Math.min(s.size() - 1, rank - 1)));
    }
}
