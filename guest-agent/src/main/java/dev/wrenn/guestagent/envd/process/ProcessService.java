package dev.wrenn.guestagent.envd.process;

import dev.wrenn.guestagent.connect.Call;
import dev.wrenn.guestagent.connect.ConnectError;
import dev.wrenn.guestagent.connect.ConnectServer;
import dev.wrenn.guestagent.connect.Messages;
import dev.wrenn.guestagent.connect.StreamSink;
import dev.wrenn.guestagent.envd.EnvdSettings;
import dev.wrenn.guestagent.envd.Keepalive;
import dev.wrenn.guestagent.envd.RequestUser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** envd's {@code process.Process} service; see docs/guest-agent-protocol.md. */
public final class ProcessService {
    private static final String PREFIX = "/process.Process/";
    private static final Map<String, Integer> SIGNALS =
            Map.of("SIGNAL_UNSPECIFIED", 0, "SIGNAL_SIGTERM", Signals.SIGTERM, "SIGNAL_SIGKILL", Signals.SIGKILL);

    private final ProcessRegistry registry = new ProcessRegistry();
    private final ProcessLauncher launcher;
    private final RequestUser users;

    public ProcessService(EnvdSettings settings, RequestUser users) {
        this.launcher = new ProcessLauncher(settings);
        this.users = users;
    }

    public void register(ConnectServer server) {
        server.serverStream(PREFIX + "Start", this::start);
        server.serverStream(PREFIX + "Connect", this::connect);
        server.unary(PREFIX + "List", this::list);
        server.unary(PREFIX + "SendInput", this::sendInput);
        server.unary(PREFIX + "CloseStdin", this::closeStdin);
        server.unary(PREFIX + "SendSignal", this::sendSignal);
        server.unary(PREFIX + "Update", this::update);
        server.unsupported(PREFIX + "StreamInput");
    }

    private void start(Call call, StreamSink sink) throws IOException, InterruptedException {
        var user = users.of(call.headers());
        Map<String, Object> proc = Messages.message(call.message(), "process");
        if (proc == null) throw ConnectError.invalidArgument("process is required");
        var request = new ProcessLauncher.Request(
                Messages.string(proc, "cmd"),
                Messages.strings(proc, "args"),
                Messages.stringMap(proc, "envs"),
                Messages.optString(proc, "cwd"),
                ptySize(Messages.message(call.message(), "pty"), false));
        String tag = Messages.optString(call.message(), "tag");
        boolean stdin = Messages.bool(call.message(), "stdin", true);
        var launched = launcher.launch(request, user);
        var mp = new ManagedProcess(launched.process(), launched.pty(), tag, config(request), stdin);
        registry.add(mp);
        var sub = new Subscription();
        mp.start(sub, () -> registry.exited(mp));
        if (call.hasDeadline()) killAtDeadline(mp, call.deadlineNanos());
        follow(call, sink, mp, sub, false);
    }

    /** envd treats the request deadline of Start as the process's time limit. */
    private static void killAtDeadline(ManagedProcess mp, long deadlineNanos) {
        Thread.ofVirtual().name("deadline-" + mp.pid()).start(() -> {
            try {
                if (!mp.awaitExit(deadlineNanos - System.nanoTime())) mp.signal(Signals.SIGKILL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void connect(Call call, StreamSink sink) throws IOException, InterruptedException {
        users.of(call.headers());
        ManagedProcess mp = registry.liveOrExited(Messages.message(call.message(), "process"));
        follow(call, sink, mp, mp.subscribe(), true);
    }

    /** Streams start, then data and keepalives, then the end event; a client gone mid-way just unsubscribes. */
    private static void follow(Call call, StreamSink sink, ManagedProcess mp, Subscription sub, boolean deadlineEnds)
            throws IOException, InterruptedException {
        var keepalive = new Keepalive(call);
        try {
            sink.send(event(Map.of("start", Map.of("pid", mp.pid()))));
            while (true) {
                long wait = keepalive.nanosUntilNext();
                if (deadlineEnds && call.hasDeadline()) wait = Math.min(wait, Math.max(0, call.nanosLeft()));
                Map<String, Object> ev = sub.poll(wait);
                if (ev == null) {
                    if (deadlineEnds && call.hasDeadline() && call.nanosLeft() <= 0) {
                        throw new ConnectError("deadline_exceeded", "the request deadline passed");
                    }
                    if (keepalive.due()) sink.send(event(Map.of("keepalive", Map.of())));
                    continue;
                }
                sink.send(event(ev));
                keepalive.reset();
                if (ev.containsKey("end")) return;
            }
        } finally {
            mp.unsubscribe(sub);
        }
    }

    private static Map<String, Object> event(Map<String, Object> inner) {
        return Map.of("event", inner);
    }

    private static Map<String, Object> config(ProcessLauncher.Request r) {
        var c = new LinkedHashMap<String, Object>();
        c.put("cmd", r.cmd());
        c.put("args", r.args());
        c.put("envs", r.envs());
        if (r.cwd() != null) c.put("cwd", r.cwd());
        return c;
    }

    /** {cols, rows}; null without a PTY. Zero columns or rows cannot be a terminal: invalid_argument. */
    private static int[] ptySize(Map<String, Object> pty, boolean required) {
        if (pty == null) {
            if (required) throw ConnectError.invalidArgument("pty is required");
            return null;
        }
        Map<String, Object> size = Messages.message(pty, "size");
        long cols = Messages.integer(size, "cols", 0, 0xffff);
        long rows = Messages.integer(size, "rows", 0, 0xffff);
        if (cols == 0 || rows == 0) throw ConnectError.invalidArgument("pty size must be at least 1x1");
        return new int[] {(int) cols, (int) rows};
    }

    private Map<String, Object> list(Call call) {
        List<Object> out = new ArrayList<>();
        for (ManagedProcess p : registry.live()) {
            var info = new LinkedHashMap<String, Object>();
            info.put("config", p.config());
            info.put("pid", p.pid());
            if (p.tag() != null) info.put("tag", p.tag());
            out.add(info);
        }
        return Map.of("processes", out);
    }

    private Map<String, Object> sendInput(Call call) {
        ManagedProcess mp = registry.live(Messages.message(call.message(), "process"));
        Map<String, Object> input = Messages.message(call.message(), "input");
        byte[] stdin = Messages.bytes(input, "stdin");
        byte[] pty = Messages.bytes(input, "pty");
        try {
            if (pty != null) mp.writePty(pty);
            else if (stdin != null) mp.writeStdin(stdin);
            else throw new ConnectError("unimplemented", "input needs stdin or pty");
        } catch (IOException e) {
            throw ConnectError.internal("error writing input: " + e.getMessage());
        }
        return Map.of();
    }

    private Map<String, Object> closeStdin(Call call) {
        ManagedProcess mp = registry.live(Messages.message(call.message(), "process"));
        try {
            mp.closeStdin();
        } catch (IOException e) {
            throw new ConnectError("unknown", "error closing stdin: " + e.getMessage());
        }
        return Map.of();
    }

    private Map<String, Object> sendSignal(Call call) {
        ManagedProcess mp = registry.live(Messages.message(call.message(), "process"));
        long signal = Messages.enumValue(call.message(), "signal", SIGNALS);
        // Beyond the proto's two names, any standard signal number is delivered (envd only knows the two).
        if (signal < 1 || signal > 31) throw ConnectError.invalidArgument("invalid signal: " + signal);
        mp.signal((int) signal);
        return Map.of();
    }

    private Map<String, Object> update(Call call) {
        ManagedProcess mp = registry.live(Messages.message(call.message(), "process"));
        int[] size = ptySize(Messages.message(call.message(), "pty"), false);
        if (size != null) {
            try {
                mp.resize(size[0], size[1]);
            } catch (IOException e) {
                throw ConnectError.internal("error resizing tty: " + e.getMessage());
            }
        }
        return Map.of();
    }
}
