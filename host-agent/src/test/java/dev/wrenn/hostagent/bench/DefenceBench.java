package dev.wrenn.hostagent.bench;

import dev.wrenn.hostagent.HostAgent;
import dev.wrenn.hostagent.HostAgentConfig;
import dev.wrenn.hostagent.TestImages;
import dev.wrenn.hostagent.storage.DurableFiles;
import dev.wrenn.hostagent.vm.jail.VmmConfinement;
import dev.wrenn.proto.hostagent.v1.CreateSandboxRequest;
import dev.wrenn.proto.hostagent.v1.DestroySandboxRequest;
import dev.wrenn.proto.hostagent.v1.NetworkPolicy;
import dev.wrenn.proto.hostagent.v1.PauseSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ResumeSandboxRequest;
import dev.wrenn.proto.hostagent.v1.SnapshotSandboxRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the defences cost: the same figures from one agent with them off and one with them on, in one
 * run (prefix wrb-, like the other host agent benchmarks: do not run them at once). "Off" is the floor:
 * no VMM confinement, and sandboxes created without an egress policy; "on": the confined VMM (pool uid,
 * seccomp, jail, cgroup) and every sandbox under an egress policy with allow and deny lists. The guard
 * table and the per-slot resolver cannot be turned off and are in both.
 *
 * <p>Usage: DefenceBench [--runs 5] [--size-mb 16] [--execs 20]
 */
public final class DefenceBench {
    static final String PREFIX = "wrb-";
    static final String CIDR = "10.217.0.0/16";
    static final String USAGE = "usage: bench/defences.sh [--runs 5] [--size-mb 16] [--execs 20]";

    static final String CREATE = "create -> first exec `true` (ms)";
    static final String EXEC = "Exec `true` round trip (ms)";
    static final String PAUSE = "pause (ms)";
    static final String RESUME = "resume -> first exec (ms)";
    static final String CLONE = "create from template -> first exec (ms)";
    static final String WRITE = "WriteFile (MB/s)";
    static final String READ = "ReadFile (MB/s)";

    static final NetworkPolicy POLICY = NetworkPolicy.newBuilder()
            .setAllowInternetAccess(true)
            .addAllowOut("198.51.100.0/24")
            .addDenyOut("203.0.113.0/24")
            .addDenyOut("192.0.2.7")
            .build();

    public static void main(String[] args) {
        var a = BenchArgs.parse(args, Map.of("--runs", 5, "--size-mb", 16, "--execs", 20), USAGE);
        BenchArgs.exitWith("defence bench", () -> run(a.get("--runs"), a.get("--size-mb"), a.get("--execs")));
    }

    static void run(int runs, int sizeMb, int execs) throws Exception {
        Map<String, List<Double>> off = measure(false, runs, sizeMb, execs);
        Map<String, List<Double>> on = measure(true, runs, sizeMb, execs);
        System.out.println("| figure | n | off median | off p99 | on median | on p99 | on vs off (median) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (String k : off.keySet()) {
            List<Double> f = off.get(k);
            List<Double> d = on.get(k);
            boolean rate = k.endsWith("(MB/s)");
            double fm = SnapshotBench.pct(f, 50);
            double dm = SnapshotBench.pct(d, 50);
            // For a rate the slow tail is the low end; the cost is the loss of rate.
            double cost = rate ? (fm - dm) / fm : (dm - fm) / fm;
            System.out.printf(
                    "| %s | %d | %.1f | %.1f | %.1f | %.1f | %+.1f %% |%n",
                    k,
                    f.size(),
                    fm,
                    SnapshotBench.pct(f, rate ? 1 : 99),
                    dm,
                    SnapshotBench.pct(d, rate ? 1 : 99),
                    100 * cost);
        }
        System.out.println();
        System.out.println("on vs off: the cost of the defences (positive: slower); aim: within 5 %.");
    }

    static HostAgentConfig config(boolean defences, Path data) {
        return HostAgentConfig.defaults()
                .withPort(0)
                .withProxyPort(0)
                .withDataDir(data)
                .withImageDir(TestImages.dir())
                .withNetwork(PREFIX, CIDR)
                .withReadyTimeout(Duration.ofSeconds(180))
                .withVmm(defences ? VmmConfinement.DEFAULT : VmmConfinement.OFF);
    }

    static Map<String, List<Double>> measure(boolean defences, int runs, int sizeMb, int execs) throws Exception {
        Map<String, List<Double>> fig = new LinkedHashMap<>();
        for (String k : List.of(CREATE, EXEC, PAUSE, RESUME, CLONE, WRITE, READ))
            fig.put(k, new java.util.ArrayList<>());
        Path data = Files.createTempDirectory("wrenn-defbench-");
        try (HostAgent agent = HostAgent.start(config(defences, data))) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", agent.port())
                    .usePlaintext()
                    .build();
            AgentCalls calls = AgentCalls.over(ch);
            var stub = calls.blocking();
            try {
                String tpl = "defbench-tpl";
                for (int r = 0; r < runs; r++) {
                    String id = "def-" + r;
                    var create =
                            CreateSandboxRequest.newBuilder().setSandboxId(id).setMemoryMb(512);
                    if (defences) create.setNetwork(POLICY);
                    long t0 = System.nanoTime();
                    stub.withDeadlineAfter(240, TimeUnit.SECONDS).createSandbox(create.build());
                    calls.exec(id, "true");
                    fig.get(CREATE).add(SnapshotBench.ms(t0));
                    List<Double> rtt = new java.util.ArrayList<>();
                    for (int i = 0; i < execs; i++) {
                        long t1 = System.nanoTime();
                        calls.exec(id, "true");
                        rtt.add(SnapshotBench.ms(t1));
                    }
                    fig.get(EXEC).add(SnapshotBench.pct(rtt, 50));
                    long size = (long) sizeMb << 20;
                    long t2 = System.nanoTime();
                    calls.writeFile(id, "/root/bench.bin", size, true);
                    fig.get(WRITE).add(sizeMb / (SnapshotBench.ms(t2) / 1000));
                    long t3 = System.nanoTime();
                    if (calls.readFile(id, "/root/bench.bin") != size) throw new IllegalStateException("short read");
                    fig.get(READ).add(sizeMb / (SnapshotBench.ms(t3) / 1000));
                    calls.rm(id, "/root/bench.bin");
                    long t4 = System.nanoTime();
                    stub.withDeadlineAfter(120, TimeUnit.SECONDS)
                            .pauseSandbox(PauseSandboxRequest.newBuilder()
                                    .setSandboxId(id)
                                    .build());
                    fig.get(PAUSE).add(SnapshotBench.ms(t4));
                    long t5 = System.nanoTime();
                    stub.withDeadlineAfter(240, TimeUnit.SECONDS)
                            .resumeSandbox(ResumeSandboxRequest.newBuilder()
                                    .setSandboxId(id)
                                    .build());
                    calls.exec(id, "true");
                    fig.get(RESUME).add(SnapshotBench.ms(t5));
                    if (r == 0) {
                        // Saving as a template ends the sandbox.
                        stub.withDeadlineAfter(240, TimeUnit.SECONDS)
                                .snapshotSandbox(SnapshotSandboxRequest.newBuilder()
                                        .setSandboxId(id)
                                        .setName(tpl)
                                        .setOverwrite(true)
                                        .build());
                    } else {
                        destroy(stub, id);
                    }
                }
                for (int r = 0; r < runs; r++) {
                    String id = "defclone-" + r;
                    var create =
                            CreateSandboxRequest.newBuilder().setSandboxId(id).setTemplate(tpl);
                    if (defences) create.setNetwork(POLICY);
                    long t0 = System.nanoTime();
                    stub.withDeadlineAfter(240, TimeUnit.SECONDS).createSandbox(create.build());
                    calls.exec(id, "true");
                    fig.get(CLONE).add(SnapshotBench.ms(t0));
                    destroy(stub, id);
                }
            } finally {
                ch.shutdownNow();
            }
        } finally {
            DurableFiles.deleteTree(data);
        }
        return fig;
    }

    static void destroy(
            dev.wrenn.proto.hostagent.v1.HostAgentServiceGrpc.HostAgentServiceBlockingStub stub, String id) {
        stub.withDeadlineAfter(60, TimeUnit.SECONDS)
                .destroySandbox(
                        DestroySandboxRequest.newBuilder().setSandboxId(id).build());
    }
}
