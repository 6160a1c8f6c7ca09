package dev.wrenn.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Processes, terminals and the file system through the API, each beside its floor measured in the
 * same run on the same sandbox: exec of {@code true} beside the guest's own cost of spawning it (a
 * shell loop timed inside the guest), a background start, a keystroke's echo over the terminal
 * socket, a listing of 10,000 entries, and a watch event after an exec that makes it (beside the
 * exec alone); and the same exec as MCP's run_command tool. Any failure ends the run with an error and no table.
 *
 * <p>Usage: {@code bench/run.sh process [runs=20]}; needs root and the guest image.
 */
public final class ProcessBench {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int LOOP = 200;

    public static void main(String[] args) {
        int runs = 20;
        try {
            if (args.length > 1) throw new IllegalArgumentException("too many arguments");
            if (args.length == 1) runs = Integer.parseInt(args[0]);
            if (runs < 1) throw new IllegalArgumentException("runs must be at least 1");
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\nusage: bench/run.sh process [runs=20]");
            System.exit(2);
        }
        try {
            run(runs);
        } catch (Throwable t) {
            System.err.println("process bench failed:");
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    static void run(int runs) throws Exception {
        try (var stack = new LocalStack("wpb-", "10.222.0.0/16")) {
            var api = new ApiSandboxes(stack.api());
            String id = api.create(null);
            try (var agent = new AgentSandboxes(stack.agent.port(), stack.token)) {
                new ProcessBench(stack.api(), api, agent, id).measure(runs);
            } finally {
                api.destroy(id);
            }
        }
    }

    private final URI base;
    private final ApiSandboxes api;
    private final AgentSandboxes agent;
    private final String id;
    private final HttpClient http = HttpClient.newHttpClient();

    private ProcessBench(URI base, ApiSandboxes api, AgentSandboxes agent, String id) {
        this.base = base;
        this.api = api;
        this.agent = agent;
        this.id = id;
    }

    private JsonNode exec(String command) throws Exception {
        JsonNode r = api.call(
                "/v1/sandboxes/" + id + "/exec", JSON.writeValueAsString(java.util.Map.of("cmd", command)), 200);
        if (r.path("exit_code").asInt(-1) != 0) throw new IllegalStateException(command + " gave " + r);
        return r;
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    void measure(int runs) throws Exception {
        var execTrue = new Stats("exec `true` through the API", "ms");
        var execAgent = new Stats("the same exec straight to the host agent (gRPC, no control plane)", "ms");
        var execMcp = new Stats("the same command as MCP's run_command tool (POST /mcp)", "ms");
        var spawn = new Stats("floor: the guest spawning `/bin/true` (shell loop of " + LOOP + ")", "ms");
        var start = new Stats("background process start through the API", "ms");
        var echo = new Stats("terminal: keystroke to its echo over the socket", "ms");
        var list = new Stats("list a directory of 10,000 entries", "ms");
        var watch = new Stats("watch: exec `touch` until its create event arrives", "ms");

        exec("mkdir -p /root/many /root/watched && cd /root/many && seq 10000 | xargs touch");
        exec("true"); // warm the path once before anything is timed
        // Execs first, on their own: the listings below leave the guest's JVM collecting garbage for a while,
        // which is their cost, not exec's.
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            api.execTrue(id);
            execTrue.add(ms(t0));
            t0 = System.nanoTime();
            agent.execTrue(id);
            execAgent.add(ms(t0));
            t0 = System.nanoTime();
            mcpRunTrue();
            execMcp.add(ms(t0));
            // The loop's own time, measured inside the guest, per spawn: what a spawn costs there.
            JsonNode r = exec("s=$(date +%s%N); i=0; while [ $i -lt " + LOOP
                    + " ]; do /bin/true; i=$((i+1)); done; e=$(date +%s%N); echo $(( (e-s)/" + LOOP + " ))");
            spawn.add(Long.parseLong(r.path("stdout").asString().strip()) / 1e6);
        }
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            JsonNode p = api.call("/v1/sandboxes/" + id + "/processes", "{\"cmd\":\"sleep\",\"args\":[\"60\"]}", 201);
            start.add(ms(t0));
            api.call(
                    "/v1/sandboxes/" + id + "/processes/" + p.path("pid").asLong() + "/signal",
                    "{\"signal\":\"SIGKILL\"}",
                    204);

            t0 = System.nanoTime();
            var listing = http.send(
                    HttpRequest.newBuilder(base.resolve("/v1/sandboxes/" + id + "/fs/list?path=/root/many"))
                            .header("X-API-Key", api.key())
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            list.add(ms(t0));
            if (listing.statusCode() != 200 || JSON.readTree(listing.body()).size() != 10_000)
                throw new IllegalStateException("listing gave " + listing.statusCode());
        }
        terminal(runs, echo);
        watch(runs, watch);
        Stats.table(
                "Processes, terminal and file system through the API (" + runs + " runs; the floors are"
                        + " measured in the same run)",
                List.of(execTrue, execAgent, execMcp, spawn, start, echo, list, watch));
    }

    /** {@code true} through the MCP tool, which calls the exec route itself: the floor is the row above. */
    private void mcpRunTrue() throws Exception {
        String call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"run_command\","
                + "\"arguments\":{\"sandbox_id\":\"" + id + "\",\"command\":\"true\"}}}";
        var r = http.send(
                HttpRequest.newBuilder(base.resolve("/mcp"))
                        .header("X-API-Key", api.key())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(call))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        JsonNode result = r.statusCode() == 200 ? JSON.readTree(r.body()).path("result") : null;
        if (result == null
                || result.path("isError").asBoolean(true)
                || result.path("structuredContent").path("exit_code").asInt(-1) != 0)
            throw new IllegalStateException("MCP run_command gave " + r.statusCode() + ": " + new String(r.body()));
    }

    private WebSocket socket(String pathAndQuery, LinkedBlockingQueue<Object> into) throws Exception {
        return http.newWebSocketBuilder()
                .header("X-API-Key", api.key())
                .buildAsync(URI.create(base.toString().replaceFirst("^http", "ws") + pathAndQuery), new Collect(into))
                .get(30, TimeUnit.SECONDS);
    }

    private void terminal(int runs, Stats echo) throws Exception {
        var in = new LinkedBlockingQueue<Object>();
        WebSocket ws = socket("/v1/sandboxes/" + id + "/terminal", in);
        try {
            next(in); // start
            ws.sendBinary(ByteBuffer.wrap("export PS1='$ '\n".getBytes(StandardCharsets.UTF_8)), true)
                    .join();
            awaitBytes(in, "$ ");
            for (int i = 0; i < runs; i++) {
                String key = Character.toString('a' + i % 26);
                long t0 = System.nanoTime();
                ws.sendBinary(ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)), true)
                        .join();
                awaitBytes(in, key);
                echo.add(ms(t0));
            }
        } finally {
            ws.abort();
        }
    }

    private void watch(int runs, Stats watch) throws Exception {
        var in = new LinkedBlockingQueue<Object>();
        WebSocket ws = socket("/v1/sandboxes/" + id + "/fs/watch?path=/root/watched", in);
        try {
            if (!(next(in) instanceof JsonNode started)
                    || !started.path("type").asString().equals("start"))
                throw new IllegalStateException("the watch did not start");
            for (int i = 0; i < runs; i++) {
                String name = "f" + i;
                long t0 = System.nanoTime();
                exec("touch /root/watched/" + name);
                while (true) {
                    Object m = next(in);
                    if (m instanceof JsonNode j
                            && j.path("type").asString().equals("create")
                            && j.path("name").asString().equals(name)) break;
                }
                watch.add(ms(t0));
            }
        } finally {
            ws.abort();
        }
    }

    private static Object next(LinkedBlockingQueue<Object> in) throws InterruptedException {
        Object m = in.poll(60, TimeUnit.SECONDS);
        if (m == null) throw new IllegalStateException("no message within 60 s");
        return m;
    }

    /** Reads binary frames until {@code text} has appeared in them. */
    private static void awaitBytes(LinkedBlockingQueue<Object> in, String text) throws InterruptedException {
        var seen = new StringBuilder();
        while (!seen.toString().contains(text)) {
            if (next(in) instanceof byte[] b) seen.append(new String(b, StandardCharsets.UTF_8));
        }
    }

    /** Text frames as JSON, binary frames as bytes, in arrival order. */
    private record Collect(LinkedBlockingQueue<Object> into) implements WebSocket.Listener {
        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            into.add(JSON.readTree(data.toString()));
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            into.add(b);
            ws.request(1);
            return null;
        }
    }
}
