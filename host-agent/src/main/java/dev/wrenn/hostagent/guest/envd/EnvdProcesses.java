package dev.wrenn.hostagent.guest.envd;

import dev.wrenn.hostagent.guest.ProcessEvent;
import dev.wrenn.hostagent.guest.connect.ConnectClient;
import dev.wrenn.hostagent.guest.connect.ConnectStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** envd's {@code process.Process} service in one guest, in domain types (docs/guest-agent-protocol.md). */
public final class EnvdProcesses {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration CALL = Duration.ofSeconds(30);
    private static final String SERVICE = "/process.Process/";

    private final ConnectClient connect;
    private final Function<String, Map<String, String>> headers;

    /** {@code headers} gives the authentication headers of a call made as a user (null: the default). */
    public EnvdProcesses(ConnectClient connect, Function<String, Map<String, String>> headers) {
        this.connect = connect;
        this.headers = headers;
    }

    /** Starts a process; its events arrive on the stream, which the caller must close. */
    public ProcessEvents start(ProcessSpec s) throws IOException, InterruptedException {
        return start(s, null);
    }

    /**
     * As {@link #start(ProcessSpec)}; the guest kills the process when {@code deadline} (null: none) has passed
     * since the start, whether or not anyone still listens (envd's reading of a Start request's deadline).
     */
    public ProcessEvents start(ProcessSpec s, Duration deadline) throws IOException, InterruptedException {
        ObjectNode req = JSON.createObjectNode();
        ObjectNode p = req.putObject("process");
        p.put("cmd", s.cmd());
        s.args().forEach(p.putArray("args")::add);
        ObjectNode envs = p.putObject("envs");
        s.env().forEach(envs::put);
        if (s.cwd() != null && !s.cwd().isEmpty()) p.put("cwd", s.cwd());
        if (s.pty() != null) {
            ObjectNode size = req.putObject("pty").putObject("size");
            size.put("cols", s.pty().cols());
            size.put("rows", s.pty().rows());
        }
        if (s.tag() != null && !s.tag().isEmpty()) req.put("tag", s.tag());
        req.put("stdin", s.stdin());
        return new ProcessEvents(connect.stream(SERVICE + "Start", req, headers.apply(s.user()), deadline));
    }

    /** Attaches to a running process: its output from now on, and its end. */
    public ProcessEvents connect(ProcessId id) throws IOException, InterruptedException {
        return new ProcessEvents(connect.stream(SERVICE + "Connect", selector(id), headers.apply(null), null));
    }

    public List<GuestProcess> list() throws IOException, InterruptedException {
        JsonNode r = connect.unary(SERVICE + "List", JSON.createObjectNode(), headers.apply(null), CALL);
        List<GuestProcess> out = new ArrayList<>();
        for (JsonNode p : r.path("processes")) {
            JsonNode c = p.path("config");
            List<String> args = new ArrayList<>();
            c.path("args").forEach(a -> args.add(a.asString()));
            Map<String, String> env = new LinkedHashMap<>();
            c.path("envs")
                    .properties()
                    .forEach(e -> env.put(e.getKey(), e.getValue().asString()));
            out.add(new GuestProcess(
                    p.path("pid").asLong(),
                    p.path("tag").asString(null),
                    c.path("cmd").asString(""),
                    args,
                    env,
                    c.path("cwd").asString(null)));
        }
        return out;
    }

    /** Bytes to the process's stdin, or to its terminal when it has one. */
    public void input(ProcessId id, byte[] data, boolean pty) throws IOException, InterruptedException {
        ObjectNode req = selector(id);
        req.putObject("input").put(pty ? "pty" : "stdin", Base64.getEncoder().encodeToString(data));
        connect.unary(SERVICE + "SendInput", req, headers.apply(null), CALL);
    }

    public void closeStdin(ProcessId id) throws IOException, InterruptedException {
        connect.unary(SERVICE + "CloseStdin", selector(id), headers.apply(null), CALL);
    }

    /** {@code signal}: a name {@link Signals} knows; IllegalArgumentException otherwise. */
    public void signal(ProcessId id, String signal) throws IOException, InterruptedException {
        int number = Signals.number(signal);
        ObjectNode req = selector(id);
        if (number == 9 || number == 15) req.put("signal", number == 9 ? "SIGNAL_SIGKILL" : "SIGNAL_SIGTERM");
        else req.put("signal", number);
        connect.unary(SERVICE + "SendSignal", req, headers.apply(null), CALL);
    }

    public void resize(ProcessId id, int cols, int rows) throws IOException, InterruptedException {
        ObjectNode req = selector(id);
        ObjectNode size = req.putObject("pty").putObject("size");
        size.put("cols", cols);
        size.put("rows", rows);
        connect.unary(SERVICE + "Update", req, headers.apply(null), CALL);
    }

    private static ObjectNode selector(ProcessId id) {
        ObjectNode req = JSON.createObjectNode();
        if (id.tag() != null) req.putObject("process").put("tag", id.tag());
        else req.putObject("process").put("pid", id.pid());
        return req;
    }

    /** The events of a Start or Connect stream; keepalives are consumed here. */
    public static final class ProcessEvents implements AutoCloseable {
        private final ConnectStream stream;

        ProcessEvents(ConnectStream stream) {
            this.stream = stream;
        }

        /** The next event; null after the end event or a clean end of the stream. */
        public ProcessEvent next() throws IOException {
            while (true) {
                JsonNode m = stream.next();
                if (m == null) return null;
                ProcessEvent e = parse(m.path("event"));
                if (e != null) return e;
            }
        }

        @Override
        public void close() throws IOException {
            stream.close();
        }
    }

    /** One ProcessEvent message; null for a keepalive. */
    static ProcessEvent parse(JsonNode e) {
        if (e.has("start"))
            return new ProcessEvent.Started(e.path("start").path("pid").asLong());
        if (e.has("data")) {
            JsonNode d = e.path("data");
            if (d.has("stdout")) return new ProcessEvent.Stdout(bytes(d.path("stdout")));
            if (d.has("stderr")) return new ProcessEvent.Stderr(bytes(d.path("stderr")));
            if (d.has("pty")) return new ProcessEvent.Terminal(bytes(d.path("pty")));
            return null;
        }
        if (e.has("end")) {
            JsonNode x = e.path("end");
            String error = x.path("error").asString("");
            if (x.path("exited").asBoolean(false))
                return new ProcessEvent.Exited(x.path("exitCode").asInt(-1));
            if (!error.isEmpty()) return new ProcessEvent.Failed(error);
            // Killed by a signal: envd says so in words (Go's); the platform reports 128+N, as a shell does.
            int signal = ExitSignals.number(x.path("status").asString(""));
            return new ProcessEvent.Exited(signal > 0 ? 128 + signal : -1);
        }
        if (e.has("keepalive")) return null;
        return new ProcessEvent.Failed("unexpected process event from the guest: " + e);
    }

    private static byte[] bytes(JsonNode n) {
        return Base64.getDecoder().decode(n.asString(""));
    }
}
