package dev.wrenn.hostagent.bench;

import dev.wrenn.hostagent.HostAgent;
import dev.wrenn.hostagent.HostAgentConfig;
import dev.wrenn.hostagent.TestImages;
import dev.wrenn.hostagent.guest.ExecCommand;
import dev.wrenn.hostagent.guest.GuestAgentClient;
import dev.wrenn.hostagent.lifecycle.Teardown;
import dev.wrenn.hostagent.network.NetworkSlot;
import dev.wrenn.hostagent.network.SlotAddressing;
import dev.wrenn.hostagent.network.SlotNetwork;
import dev.wrenn.hostagent.storage.DurableFiles;
import dev.wrenn.hostagent.vm.Accel;
import dev.wrenn.hostagent.vm.GuestImage;
import dev.wrenn.hostagent.vm.QemuEngine;
import dev.wrenn.hostagent.vm.QemuHost;
import dev.wrenn.hostagent.vm.VmSpec;
import dev.wrenn.proto.hostagent.v1.CreateSandboxRequest;
import dev.wrenn.proto.hostagent.v1.DestroySandboxRequest;
import dev.wrenn.proto.hostagent.v1.ExecRequest;
import dev.wrenn.proto.hostagent.v1.ExecStart;
import dev.wrenn.proto.hostagent.v1.ExecStreamRequest;
import dev.wrenn.proto.hostagent.v1.ExecStreamResponse;
import dev.wrenn.proto.hostagent.v1.HealthRequest;
import dev.wrenn.proto.hostagent.v1.HostAgentServiceGrpc;
import dev.wrenn.proto.hostagent.v1.Sandbox;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Host agent benchmark: each figure over N runs (median and p99, nearest rank), beside a raw figure
 * from the same run that bypasses the host agent:
 *
 * <ul>
 *   <li>cold create to first exec (gRPC CreateSandbox + Exec true) vs. a bare QEMU of the same image
 *       and command line in a pre-built slot, timed from spawn to the guest agent answering /health;
 *   <li>exec round trip of {@code true} over gRPC vs. straight HTTP to the guest agent;
 *   <li>WriteFile / ReadFile of a file vs. a raw TCP stream into (out of) a python3 socket in the guest
 *       that writes (sendfile()s) the same file.
 * </ul>
 *
 * Usage: HostAgentBench [--runs 5] [--size-mb 100] [--execs 20]
 */
public final class HostAgentBench {
    static final String PREFIX = "wrb-";
    static final String CIDR = "10.217.0.0/16";
    static final int RAW_PORT = 5001;

    static final String COLD = "cold create -> first exec `true` (ms)";
    static final String RAW_BOOT = "bare QEMU, same image and slot: spawn -> agent /health (ms)";
    static final String EXEC = "Exec `true` round trip, gRPC (ms)";
    static final String RAW_EXEC = "envd Start straight to the guest agent (ms)";
    static final String WRITE = "WriteFile, size declared (Content-Length to the guest) (MB/s)";
    static final String WRITE_CHUNKED = "WriteFile, size not declared (chunked to the guest) (MB/s)";
    static final String RAW_IN = "raw TCP into a python3 socket in the guest, written to a file (MB/s)";
    static final String READ = "ReadFile (MB/s)";
    static final String RAW_OUT = "raw TCP out of the guest, python3 sendfile() of the same file (MB/s)";
    static final String PUT_CHUNKED = "guest agent envd POST /files straight, chunked (MB/s)";
    static final String PUT_LENGTH = "guest agent envd POST /files straight, Content-Length (MB/s)";
    static final String GET = "guest agent envd GET /files straight (MB/s)";
    static final List<List<String>> ROWS = List.of(
            List.of(COLD, RAW_BOOT),
            List.of(EXEC, RAW_EXEC),
            List.of(WRITE, RAW_IN),
            List.of(WRITE_CHUNKED, RAW_IN),
            List.of(READ, RAW_OUT),
            List.of(PUT_CHUNKED, RAW_IN),
            List.of(PUT_LENGTH, RAW_IN),
            List.of(GET, RAW_OUT));

    final Map<String, List<Double>> samples = new LinkedHashMap<>();
    HostAgentServiceGrpc.HostAgentServiceBlockingStub blocking;
    HostAgentServiceGrpc.HostAgentServiceStub async;
    AgentCalls calls;

    static final String USAGE = "usage: bench/host-agent.sh [--runs 5] [--size-mb 100] [--execs 20]";

    public static void main(String[] args) {
        var a = BenchArgs.parse(args, Map.of("--runs", 5, "--size-mb", 100, "--execs", 20), USAGE);
        BenchArgs.exitWith(
                "host agent bench",
                () -> new HostAgentBench().run(a.get("--runs"), a.get("--size-mb"), a.get("--execs")));
    }

    void add(String key, double v) {
        samples.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
    }

    void run(int runs, int sizeMb, int execs) throws Exception {
        Path image = TestImages.dir();
        Path data = Files.createTempDirectory("wrenn-bench-");
        HostAgentConfig cfg = HostAgentConfig.defaults()
                .withPort(0)
                .withProxyPort(0)
                .withDataDir(data)
                .withImageDir(image)
                .withNetwork(PREFIX, CIDR);
        long size = (long) sizeMb << 20;
        try (HostAgent agent = HostAgent.start(cfg)) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", agent.port())
                    .usePlaintext()
                    .maxInboundMessageSize(8 << 20)
                    .build();
            blocking = HostAgentServiceGrpc.newBlockingStub(ch);
            async = HostAgentServiceGrpc.newStub(ch);
            calls = new AgentCalls(blocking, async);
            var health = blocking.health(HealthRequest.getDefaultInstance());
            System.err.printf(
                    "bench: %d runs, %d MB files, %d execs per run, accel %s (%s)%n",
                    runs, sizeMb, execs, health.getAccel(), health.getAccelReason());
            GuestImage img = GuestImage.load("minimal", image);
            SlotAddressing raw = SlotAddressing.parse(CIDR);
            for (int r = 0; r < runs; r++) {
                String id = "bench-" + r;
                String token = "benchtoken" + r + "x0123456789";
                long t0 = System.nanoTime();
                Sandbox sb = blocking.withDeadlineAfter(180, TimeUnit.SECONDS)
                        .createSandbox(CreateSandboxRequest.newBuilder()
                                .setSandboxId(id)
                                .setToken(token)
                                .setMemoryMb(512)
                                .build());
                exec(id);
                add(COLD, ms(t0));
                add(RAW_BOOT, rawBoot(img, raw, 1000 + r, data));

                // A fresh pool per sandbox: slot addresses are reused across runs.
                HttpClient http = GuestAgentClient.newHttpClient();
                GuestAgentClient direct = new GuestAgentClient(http, sb.getSlotAddress(), GuestAgentClient.PORT, token);
                List<Double> grpc = new ArrayList<>();
                List<Double> httpRaw = new ArrayList<>();
                for (int i = 0; i < execs; i++) {
                    long a = System.nanoTime();
                    exec(id);
                    grpc.add(ms(a));
                    long b = System.nanoTime();
                    direct.exec(ExecCommand.of("true"));
                    httpRaw.add(ms(b));
                }
                add(EXEC, median(grpc));
                add(RAW_EXEC, median(httpRaw));

                // The guest agent is a JVM: its first transfer runs interpreted under TCG. Warm every path
                // (chunked and sized upload, download) once, untimed, so the figures compare steady state.
                // 16 MB is enough to warm it; more than the measured size would only slow small runs.
                long warm = Math.min(16L << 20, size);
                calls.writeFile(id, "/root/warmup.bin", warm, false);
                calls.writeFile(id, "/root/warmup.bin", warm, true);
                calls.readFile(id, "/root/warmup.bin");
                calls.rm(id, "/root/warmup.bin");

                long wc = System.nanoTime();
                calls.writeFile(id, "/root/bench-chunked.bin", size, false);
                add(WRITE_CHUNKED, sizeMb / (ms(wc) / 1000.0));
                // The guest's root file system is small (1 GB image): keep only the file the reads need.
                calls.rm(id, "/root/bench-chunked.bin");
                long w = System.nanoTime();
                calls.writeFile(id, "/root/bench.bin", size, true);
                add(WRITE, sizeMb / (ms(w) / 1000.0));
                add(RAW_IN, sizeMb / (rawWrite(id, sb.getSlotAddress(), size) / 1000.0));
                calls.rm(id, "/root/raw.bin");

                long hc = System.nanoTime();
                direct.files().upload("/root/direct-chunked.bin", "root", 0644, -1, () -> new RepeatStream(size));
                add(PUT_CHUNKED, sizeMb / (ms(hc) / 1000.0));
                calls.rm(id, "/root/direct-chunked.bin");
                long hl = System.nanoTime();
                direct.files().upload("/root/direct-length.bin", "root", 0644, size, () -> new RepeatStream(size));
                add(PUT_LENGTH, sizeMb / (ms(hl) / 1000.0));
                calls.rm(id, "/root/direct-length.bin");
                long hg = System.nanoTime();
                try (InputStream in =
                        direct.files().download("/root/bench.bin", "root").body()) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
                add(GET, sizeMb / (ms(hg) / 1000.0));

                long rd = System.nanoTime();
                long got = calls.readFile(id, "/root/bench.bin");
                if (got != size) throw new IllegalStateException("read " + got + " of " + size);
                add(READ, sizeMb / (ms(rd) / 1000.0));
                add(RAW_OUT, sizeMb / (rawRead(id, sb.getSlotAddress(), size) / 1000.0));

                http.shutdownNow();
                blocking.destroySandbox(
                        DestroySandboxRequest.newBuilder().setSandboxId(id).build());
                System.err.printf("run %d/%d done%n", r + 1, runs);
            }
            ch.shutdownNow();
        } finally {
            DurableFiles.deleteTree(data);
        }
        printTable(runs, sizeMb);
    }

    void exec(String id) {
        var r = blocking.withDeadlineAfter(60, TimeUnit.SECONDS)
                .exec(ExecRequest.newBuilder().setSandboxId(id).setCmd("true").build());
        if (r.getExitCode() != 0) throw new IllegalStateException("true exited " + r.getExitCode());
    }

    double rawBoot(GuestImage img, SlotAddressing addressing, int slotIndex, Path data) throws Exception {
        NetworkSlot slot = NetworkSlot.of(PREFIX, slotIndex, addressing);
        Path dir = data.resolve("raw-" + slotIndex);
        Files.createDirectories(dir);
        try (Teardown td = new Teardown("raw boot")) {
            td.add("dir", () -> DurableFiles.deleteTree(dir));
            new QemuEngine(null, null).disks().createOverlay(img, dir.resolve("rootfs.qcow2"));
            SlotNetwork.create(slot, PREFIX, td);
            String token = "rawtoken0123456789";
            VmSpec spec = new VmSpec(
                    PREFIX + "raw-" + slotIndex,
                    dir,
                    img,
                    dir.resolve("rootfs.qcow2"),
                    1,
                    512,
                    "wrenn.token=" + token,
                    slot.netns(),
                    slot.tap(),
                    slot.guestMac());
            HttpClient http = GuestAgentClient.newHttpClient();
            td.add("http", http::shutdownNow);
            GuestAgentClient client = new GuestAgentClient(http, slot.slotAddress(), GuestAgentClient.PORT, token);
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(QemuEngine.argv(spec, Accel.TCG, QemuHost.probe()))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("qemu.log").toFile())
                    .start();
            td.add("qemu", () -> p.destroyForcibly().waitFor());
            if (!client.awaitReady(Duration.ofSeconds(90), p::isAlive))
                throw new IllegalStateException("raw boot failed");
            return ms(t0);
        }
    }

    static final String SINK = """
            import socket, sys
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(('0.0.0.0', %d)); s.listen(1); print('ready', flush=True)
            c, _ = s.accept(); n = 0
            with open('/root/raw.bin', 'wb') as f:
                while True:
                    b = c.recv(1 << 20)
                    if not b: break
                    f.write(b); n += len(b)
            c.sendall(str(n).encode()); c.close(); print(n)
            """.formatted(RAW_PORT);

    static final String SOURCE = """
            import socket
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(('0.0.0.0', %d)); s.listen(1); print('ready', flush=True)
            c, _ = s.accept()
            with open('/root/bench.bin', 'rb') as f:
                c.sendfile(f)
            c.close()
            """.formatted(RAW_PORT);

    /**
     * Starts a python3 server in the guest and waits until it prints 'ready'. Returns a handle that completes
     * on exit.
     */
    CompletableFuture<Void> startGuestServer(String id, String script) throws Exception {
        LinkedBlockingQueue<String> out = new LinkedBlockingQueue<>();
        CompletableFuture<Void> exited = new CompletableFuture<>();
        StreamObserver<ExecStreamRequest> req = async.execStream(new StreamObserver<>() {
            public void onNext(ExecStreamResponse m) {
                if (m.hasStdout()) out.add(m.getStdout().toStringUtf8());
                if (m.hasError()) exited.completeExceptionally(new IllegalStateException(m.getError()));
            }

            public void onError(Throwable t) {
                exited.completeExceptionally(t);
            }

            public void onCompleted() {
                exited.complete(null);
            }
        });
        req.onNext(ExecStreamRequest.newBuilder()
                .setStart(ExecStart.newBuilder()
                        .setSandboxId(id)
                        .setCmd("python3")
                        .addArgs("-c")
                        .addArgs(script))
                .build());
        req.onCompleted();
        String first = out.poll(60, TimeUnit.SECONDS);
        if (first == null || !first.startsWith("ready"))
            throw new IllegalStateException("guest server did not start: " + first);
        return exited;
    }

    double rawWrite(String id, String slotAddress, long size) throws Exception {
        CompletableFuture<Void> server = startGuestServer(id, SINK);
        byte[] chunk = AgentCalls.pattern(1 << 20);
        long t0 = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(slotAddress, RAW_PORT), 5000);
            OutputStream o = s.getOutputStream();
            for (long sent = 0; sent < size; sent += chunk.length)
                o.write(chunk, 0, (int) Math.min(chunk.length, size - sent));
            s.shutdownOutput();
            String ack = new String(s.getInputStream().readAllBytes());
            if (Long.parseLong(ack.trim()) != size) throw new IllegalStateException("sink got " + ack);
        }
        double t = ms(t0);
        server.get(60, TimeUnit.SECONDS);
        return t;
    }

    double rawRead(String id, String slotAddress, long size) throws Exception {
        CompletableFuture<Void> server = startGuestServer(id, SOURCE);
        long t0 = System.nanoTime();
        long got = 0;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(slotAddress, RAW_PORT), 5000);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) got += n;
        }
        double t = ms(t0);
        if (got != size) throw new IllegalStateException("raw read got " + got);
        server.get(60, TimeUnit.SECONDS);
        return t;
    }

    /** {@code size} bytes of the repeating pattern, read in large blocks. */
    static final class RepeatStream extends InputStream {
        private final byte[] block = AgentCalls.pattern(1 << 20);
        private long left;

        RepeatStream(long size) {
            left = size;
        }

        @Override
        public int read() {
            if (left == 0) return -1;
            left--;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) return -1;
            int n = (int) Math.min(Math.min(len, left), block.length);
            System.arraycopy(block, 0, b, off, n);
            left -= n;
            return n;
        }
    }

    static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    static double median(List<Double> xs) {
        return percentile(xs, 50);
    }

    /** Nearest-rank percentile. */
    static double percentile(List<Double> xs, double p) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        int rank = (int) Math.ceil(p / 100.0 * s.size());
        return s.get(Math.max(0, Math.min(s.size() - 1, rank - 1)));
    }

    void printTable(int runs, int sizeMb) {
        System.out.printf(
                "%n%d runs, %d MB files; each row: our figure, then the raw figure measured in the same runs."
                        + " p99 is the slow tail (nearest rank): the highest time, or the lowest MB/s.%n%n",
                runs, sizeMb);
        System.out.println("| figure | median | p99 | raw figure | median | p99 |");
        System.out.println("|---|---:|---:|---|---:|---:|");
        for (List<String> row : ROWS) {
            List<Double> a = samples.get(row.get(0));
            List<Double> b = samples.get(row.get(1));
            // Every row is measured in every run: a missing one is a broken benchmark, not a shorter table.
            if (a == null || b == null)
                throw new IllegalStateException("no samples of '" + row.get(a == null ? 0 : 1) + "'");
            System.out.printf(
                    "| %s | %.1f | %.1f | %s | %.1f | %.1f |%n",
                    row.get(0), median(a), tail(row.get(0), a), row.get(1), median(b), tail(row.get(1), b));
        }
    }

    static double tail(String key, List<Double> xs) {
        return key.contains("MB/s") ? percentile(xs, 1) : percentile(xs, 99);
    }
}
