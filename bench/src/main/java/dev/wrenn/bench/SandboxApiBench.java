package dev.wrenn.bench;

import com.google.protobuf.ByteString;
import dev.wrenn.controlplane.ControlPlane;
import dev.wrenn.controlplane.config.ControlPlaneConfig;
import dev.wrenn.hostagent.HostAgent;
import dev.wrenn.hostagent.HostAgentConfig;
import dev.wrenn.hostagent.v1.CreateSandboxRequest;
import dev.wrenn.hostagent.v1.DestroySandboxRequest;
import dev.wrenn.hostagent.v1.ExecRequest;
import dev.wrenn.hostagent.v1.HostAgentServiceGrpc;
import dev.wrenn.hostagent.v1.ReadFileRequest;
import dev.wrenn.hostagent.v1.WriteFileHeader;
import dev.wrenn.hostagent.v1.WriteFileRequest;
import dev.wrenn.hostagent.v1.WriteFileResponse;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sandbox figures measured twice in one run: through the public API (HTTP, control plane,
 * PostgreSQL, gRPC) and straight against the host agent (gRPC), so the API's overhead shows as a
 * ratio. Usage: {@code bench/run.sh sandbox [runs] [size-mb]}; needs root and the guest image.
 */
public final class SandboxApiBench {
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int sizeMb = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Path data = Files.createTempDirectory("wrenn-bench-sb");
        Path images = Path.of(System.getenv().getOrDefault("WRENN_IMAGE_DIR",
                System.getProperty("user.home") + "/.wrenn/images/minimal"));
        var agentConfig = HostAgentConfig.defaults().withDataDir(data).withImageDir(images).withPort(0)
                .withBindAddress("127.0.0.1").withNetwork("wab-", "10.221.0.0/16");
        try (var agent = HostAgent.start(agentConfig);
                var cp = ControlPlane.start(ControlPlaneConfig.from(Map.of(
                                "WRENN_HOST", "127.0.0.1", "WRENN_PORT", "0", "WRENN_DATA_DIR", data.toString(),
                                // The raw runs create VMs behind the API's back: keep the reconciler off them.
                                "WRENN_RECONCILE_INTERVAL_SEC", "86400"))
                        .withHostAgent("127.0.0.1:" + agent.port(), java.util.Optional.empty()))) {
            var channel = NettyChannelBuilder.forAddress("127.0.0.1", agent.port()).usePlaintext()
                    .maxInboundMessageSize(8 << 20).build();
            var grpc = HostAgentServiceGrpc.newBlockingStub(channel);
            var grpcAsync = HostAgentServiceGrpc.newStub(channel);
            var api = new Api(URI.create("http://127.0.0.1:" + cp.port()));

            var apiCreate = new Stats("create → first exec (API)", "ms");
            var rawCreate = new Stats("create → first exec (host agent)", "ms");
            var apiExec = new Stats("exec `true` (API)", "ms");
            var rawExec = new Stats("exec `true` (host agent)", "ms");
            var apiUp = new Stats(sizeMb + " MB upload (API, stream/write)", "MB/s");
            var rawUp = new Stats(sizeMb + " MB upload (host agent WriteFile)", "MB/s");
            var apiDown = new Stats(sizeMb + " MB download (API, stream/read)", "MB/s");
            var rawDown = new Stats(sizeMb + " MB download (host agent ReadFile)", "MB/s");
            long bytes = sizeMb * 1024L * 1024;

            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                String id = api.create();
                api.exec(id, "true");
                apiCreate.add(ms(t0));
                for (int j = 0; j < 10; j++) {
                    long t = System.nanoTime();
                    api.exec(id, "true");
                    apiExec.add(ms(t));
                }
                long t = System.nanoTime();
                api.upload(id, "/root/bench.bin", bytes);
                apiUp.add(mbps(bytes, t));
                t = System.nanoTime();
                long got = api.download(id, "/root/bench.bin");
                if (got != bytes) throw new IllegalStateException("downloaded " + got);
                apiDown.add(mbps(bytes, t));
                api.delete(id);

                String rid = "sb-bench-" + i;
                t0 = System.nanoTime();
                grpc.withDeadlineAfter(300, TimeUnit.SECONDS)
                        .createSandbox(CreateSandboxRequest.newBuilder().setSandboxId(rid).build());
                grpc.exec(ExecRequest.newBuilder().setSandboxId(rid).setCmd("true").build());
                rawCreate.add(ms(t0));
                for (int j = 0; j < 10; j++) {
                    t = System.nanoTime();
                    grpc.exec(ExecRequest.newBuilder().setSandboxId(rid).setCmd("true").build());
                    rawExec.add(ms(t));
                }
                t = System.nanoTime();
                grpcWrite(grpcAsync, rid, bytes);
                rawUp.add(mbps(bytes, t));
                t = System.nanoTime();
                long n = 0;
                var it = grpc.readFile(ReadFileRequest.newBuilder().setSandboxId(rid).setPath("/root/bench.bin").build());
                while (it.hasNext()) n += it.next().getData().size();
                if (n != bytes) throw new IllegalStateException("read " + n);
                rawDown.add(mbps(bytes, t));
                grpc.destroySandbox(DestroySandboxRequest.newBuilder().setSandboxId(rid).build());
            }

            // 20 creates at once through the API.
            var burst = new Stats("20 concurrent creates: each create (API)", "ms");
            var all = new Stats("20 concurrent creates: until the last answered", "ms");
            int up = 0;
            int refused = 0;
            var ids = new ArrayList<String>();
            long t0 = System.nanoTime();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                var futures = new ArrayList<CompletableFuture<String>>();
                for (int i = 0; i < 20; i++) {
                    futures.add(CompletableFuture.supplyAsync(() -> {
                        long s = System.nanoTime();
                        String r = api.tryCreate();
                        synchronized (burst) {
                            burst.add(ms(s));
                        }
                        return r;
                    }, pool));
                }
                for (var f : futures) {
                    String r = f.join();
                    if (r != null) {
                        up++;
                        ids.add(r);
                    } else {
                        refused++;
                    }
                }
            }
            all.add(ms(t0));
            for (String id : ids) api.delete(id);

            System.out.println();
            System.out.println("### Sandboxes through the API vs. straight to the host agent (" + runs + " runs, TCG)");
            System.out.println();
            System.out.println("| figure | API median | API p99 | host agent median | host agent p99 | API / agent (median) |");
            // For MB/s the p99 columns hold the slow tail: the 1st percentile of throughput.
            System.out.println("|---|---:|---:|---:|---:|---:|");
            row(apiCreate, rawCreate, false);
            row(apiExec, rawExec, false);
            row(apiUp, rawUp, true);
            row(apiDown, rawDown, true);
            System.out.println();
            System.out.println("(for MB/s rows, the p99 columns are the slow tail: the 1st percentile of throughput)");
            Stats.table("20 concurrent creates through the API (" + up + " up, " + refused + " refused by capacity)",
                    List.of(burst, all));
            channel.shutdownNow();
        }
    }

    private static void row(Stats api, Stats raw, boolean throughput) {
        System.out.printf("| %s | %.1f %s | %.1f | %.1f | %.1f | %.2f |%n",
                api.name().replace(" (API)", "").replace(" (API, stream/write)", "").replace(" (API, stream/read)", ""),
                api.median(), api.unit(), throughput ? api.percentile(1) : api.percentile(99),
                raw.median(), throughput ? raw.percentile(1) : raw.percentile(99), api.median() / raw.median());
    }

    private static void grpcWrite(HostAgentServiceGrpc.HostAgentServiceStub async, String id, long bytes) throws Exception {
        var done = new CompletableFuture<WriteFileResponse>();
        StreamObserver<WriteFileRequest> req = async.writeFile(new StreamObserver<>() {
            public void onNext(WriteFileResponse v) {
                done.complete(v);
            }

            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            public void onCompleted() {}
        });
        req.onNext(WriteFileRequest.newBuilder().setHeader(WriteFileHeader.newBuilder()
                .setSandboxId(id).setPath("/root/bench.bin").setMode(0644)).build());
        byte[] chunk = new byte[256 * 1024];
        new java.util.Random(1).nextBytes(chunk);
        for (long sent = 0; sent < bytes; sent += chunk.length) {
            req.onNext(WriteFileRequest.newBuilder().setData(ByteString.copyFrom(chunk, 0, (int) Math.min(chunk.length, bytes - sent))).build());
        }
        req.onCompleted();
        done.get(10, TimeUnit.MINUTES);
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double mbps(long bytes, long t0) {
        return bytes / 1048576.0 / ((System.nanoTime() - t0) / 1e9);
    }

    /** A minimal client of the public API with its own account and key. */
    static final class Api {
        final URI base;
        final HttpClient http = HttpClient.newHttpClient();
        final String key;

        Api(URI base) throws Exception {
            this.base = base;
            String email = "bench-" + UUID.randomUUID() + "@bench.test";
            String token = field(post("/v1/auth/signup", "{\"email\":\"" + email + "\",\"password\":\"bench password\"}", null, 201), "token");
            this.key = field(post("/v1/api-keys", "{}", "Bearer " + token, 201), "key");
        }

        String create() throws Exception {
            return field(post("/v1/sandboxes", "{}", null, 201), "id");
        }

        String tryCreate() {
            try {
                var r = send("/v1/sandboxes", "{}", null);
                if (r.statusCode() == 201) {
                    Matcher m = ID.matcher(r.body());
                    return m.find() ? m.group(1) : null;
                }
                if (r.statusCode() != 503) throw new IllegalStateException(r.body());
                return null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        void exec(String id, String cmd) throws Exception {
            post("/v1/sandboxes/" + id + "/exec", "{\"cmd\":\"" + cmd + "\",\"args\":[]}", null, 200);
        }

        void delete(String id) throws Exception {
            http.send(HttpRequest.newBuilder(base.resolve("/v1/sandboxes/" + id)).header("X-API-Key", key).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }

        void upload(String id, String path, long bytes) throws Exception {
            String boundary = "bench" + UUID.randomUUID();
            byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\n" + path + "\r\n--"
                    + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b\"\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
            var body = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                    () -> new SequenceInputStream(Collections.enumeration(List.<InputStream>of(
                            new ByteArrayInputStream(head), new RandomStream(bytes), new ByteArrayInputStream(tail))))),
                    head.length + bytes + tail.length);
            var r = http.send(HttpRequest.newBuilder(base.resolve("/v1/sandboxes/" + id + "/files/stream/write"))
                            .header("X-API-Key", key).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                            .POST(body).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 204) throw new IllegalStateException("upload: " + r.body());
        }

        long download(String id, String path) throws Exception {
            var r = http.send(HttpRequest.newBuilder(base.resolve("/v1/sandboxes/" + id + "/files/stream/read"))
                    .header("X-API-Key", key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"path\":\"" + path + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            long n = 0;
            try (InputStream in = r.body()) {
                byte[] buf = new byte[1 << 20];
                int k;
                while ((k = in.read(buf)) > 0) n += k;
            }
            return n;
        }

        private HttpResponse<String> send(String path, String json, String auth) throws Exception {
            var b = HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json));
            if (auth != null) b.header("Authorization", auth);
            else b.header("X-API-Key", key == null ? "" : key);
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        private String post(String path, String json, String auth, int expect) throws Exception {
            var r = send(path, json, auth);
            if (r.statusCode() != expect) throw new IllegalStateException(path + " gave " + r.statusCode() + ": " + r.body());
            return r.body();
        }

        private static String field(String body, String name) {
            Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(body);
            if (!m.find()) throw new IllegalStateException("no " + name + " in " + body);
            return m.group(1);
        }
    }

    /** Pseudo-random bytes, generated as read. */
    static final class RandomStream extends InputStream {
        private final java.util.Random random = new java.util.Random(3);
        private long left;

        RandomStream(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            if (left == 0) return -1;
            left--;
            return random.nextInt(256);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) return -1;
            int n = (int) Math.min(len, left);
            byte[] chunk = new byte[n];
            random.nextBytes(chunk);
            System.arraycopy(chunk, 0, b, off, n);
            left -= n;
            return n;
        }
    }
}
