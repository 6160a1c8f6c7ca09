package dev.wrenn.controlplane.process;

import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.auth.Principal;
import dev.wrenn.controlplane.host.HostAgentException;
import dev.wrenn.controlplane.host.ProcessAttachment;
import dev.wrenn.controlplane.host.ProcessEvents;
import dev.wrenn.controlplane.host.ProcessRequest;
import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.http.JsonBody;
import dev.wrenn.controlplane.http.SocketRoute;
import dev.wrenn.controlplane.limits.StreamSlots;
import dev.wrenn.controlplane.sandbox.Command;
import dev.wrenn.controlplane.sandbox.SandboxService;
import io.javalin.config.RoutesConfig;
import io.javalin.websocket.WsContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /v1/sandboxes/{id}/terminal}: an interactive shell on a terminal, over a WebSocket.
 * Binary frames are the terminal's bytes both ways (keystrokes in, screen out), so any byte passes;
 * text frames carry control messages: the client's {@code resize}, the server's {@code start} and
 * {@code exit}. The socket's end hangs the terminal up: the shell gets SIGHUP, then SIGKILL.
 */
public final class TerminalSocket {
    private static final String PATH = "/v1/sandboxes/{id}/terminal";

    private final SandboxService sandboxes;
    private final Authenticator auth;
    private final StreamSlots slots;

    public TerminalSocket(SandboxService sandboxes, Authenticator auth, StreamSlots slots) {
        this.slots = slots;
        this.sandboxes = sandboxes;
        this.auth = auth;
    }

    public void register(RoutesConfig routes) {
        SocketRoute.register(
                routes,
                PATH,
                slots,
                ctx -> {
                    auth.requireApiKey(ctx);
                    size(ctx.queryParam("cols"), ctx.queryParam("rows"));
                    Command.user(ctx.queryParam("user"));
                    sandboxes.requireRunning(Authenticator.principal(ctx).teamId(), ctx.pathParam("id"));
                },
                Session::new);
    }

    /** Columns and rows from the query (80x24 when absent); zero or absurd sizes are refused. */
    static ProcessRequest.TerminalSize size(String cols, String rows) {
        int c = dimension(cols, 80, "cols");
        int r = dimension(rows, 24, "rows");
        return new ProcessRequest.TerminalSize(c, r);
    }

    private static int dimension(String raw, int fallback, String name) {
        if (raw == null || raw.isEmpty()) return fallback;
        try {
            int v = Integer.parseInt(raw);
            if (v >= 1 && v <= 1000) return v;
        } catch (NumberFormatException e) {
            // fall through
        }
        throw ApiException.invalid("'" + name + "' must be a whole number from 1 to 1000, not '" + raw + "'");
    }

    private final class Session implements ProcessEvents, SocketRoute.Session {
        private final SocketOutput out;
        private final String sandboxId;
        private final String teamId;
        /** Exactly one of opened and ended hangs up. */
        private final SocketRoute.Held<ProcessAttachment> attachment = new SocketRoute.Held<>();

        private volatile long pid;
        private volatile boolean ended;
        /** Completes when the shell's end has arrived, however it ended. */
        private final CompletableFuture<Void> end = new CompletableFuture<>();

        private final WsContext ws;

        Session(WsContext ws) {
            this.ws = ws;
            this.out = new SocketOutput(ws);
            this.sandboxId = ws.pathParam("id");
            this.teamId = ((Principal) ws.attribute(Authenticator.ATTRIBUTE)).teamId();
        }

        @Override
        public void opened() {
            var size = size(ws.queryParam("cols"), ws.queryParam("rows"));
            String cwd = ws.queryParam("cwd");
            var request = new ProcessRequest(
                    "/bin/bash",
                    List.of("-l"),
                    Map.of("TERM", "xterm-256color"),
                    cwd == null || cwd.isEmpty() ? null : cwd,
                    Command.user(ws.queryParam("user")),
                    size,
                    true,
                    null);
            try {
                ProcessAttachment a = sandboxes.guestCall(
                        teamId,
                        sandboxId,
                        "opening a terminal",
                        ApiError.NOT_FOUND,
                        h -> h.processes().start(sandboxId, request, this));
                if (!attachment.keep(a)) hangUp(a);
            } catch (ApiException e) {
                out.error(e.getMessage());
                out.close(1008, e.code());
            }
        }

        /** Keys typed before the shell started wait here: a client may type the moment the socket opens. */
        private final java.io.ByteArrayOutputStream early = new java.io.ByteArrayOutputStream();

        @Override
        public void binary(byte[] data) {
            synchronized (early) {
                if (ended) return;
                if (pid == 0) {
                    if (early.size() + data.length > 64 * 1024) {
                        out.error("too much input before the shell started");
                        return;
                    }
                    early.writeBytes(data);
                    return;
                }
            }
            type(data);
        }

        private void type(byte[] data) {
            call("typing into the terminal", a -> a.processes().input(sandboxId, pid, data, true));
        }

        @Override
        public void text(String text) {
            JsonNode msg;
            try {
                msg = JsonBody.MAPPER.readTree(text);
            } catch (JacksonException e) {
                out.error("message is not valid JSON");
                return;
            }
            String type = msg.path("type").asString("");
            switch (type) {
                case "resize" -> {
                    int cols = msg.path("cols").asInt(0);
                    int rows = msg.path("rows").asInt(0);
                    if (cols < 1 || rows < 1 || cols > 1000 || rows > 1000) {
                        out.error("a terminal needs 1 to 1000 columns and rows, not " + cols + "x" + rows);
                        return;
                    }
                    if (pid != 0)
                        call("resizing the terminal", a -> a.processes().resize(sandboxId, pid, cols, rows));
                }
                case "input" -> binary(msg.path("data").asString("").getBytes(StandardCharsets.UTF_8));
                default -> out.error("unknown message type '" + type + "'; expected resize or input");
            }
        }

        private void call(String doing, java.util.function.Consumer<dev.wrenn.controlplane.host.HostAgentClient> c) {
            try {
                sandboxes.guestCall(teamId, sandboxId, doing, ApiError.NOT_FOUND, a -> {
                    c.accept(a);
                    return null;
                });
            } catch (ApiException e) {
                out.error(e.getMessage());
            }
        }

        /**
         * The client left: a terminal nobody holds must not keep running in the guest. The shell gets SIGHUP
         * and two seconds to end (its end still arrives on the attachment), then SIGKILL.
         */
        @Override
        public void ended() {
            ProcessAttachment a = attachment.end();
            if (a != null) hangUp(a);
        }

        private void hangUp(ProcessAttachment a) {
            if (pid == 0 || ended) {
                a.detach();
                return;
            }
            Thread.ofVirtual().start(() -> {
                try {
                    sandboxes.agent().processes().signal(sandboxId, pid, "SIGHUP");
                    end.get(2, TimeUnit.SECONDS);
                } catch (TimeoutException stubborn) {
                    kill();
                } catch (HostAgentException | ApiException | ExecutionException gone) {
                    // the shell is gone already, or the sandbox is
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    a.detach();
                }
            });
        }

        private void kill() {
            try {
                sandboxes.agent().processes().signal(sandboxId, pid, "SIGKILL");
            } catch (HostAgentException | ApiException gone) {
                // it ended between the timeout and the kill
            }
        }

        @Override
        public void started(long pid) {
            byte[] pending;
            synchronized (early) {
                this.pid = pid;
                pending = early.toByteArray();
                early.reset();
            }
            out.send(Map.of("type", "start", "pid", pid));
            if (pending.length > 0) type(pending);
        }

        @Override
        public void stdout(byte[] data) {
            out.sendBinary(data);
        }

        @Override
        public void stderr(byte[] data) {
            out.sendBinary(data);
        }

        @Override
        public void terminal(byte[] data) {
            out.sendBinary(data);
        }

        @Override
        public void exited(int exitCode) {
            ended = true;
            end.complete(null);
            out.send(Map.of("type", "exit", "exit_code", exitCode));
            out.close(1000, "shell exited");
        }

        @Override
        public void error(String message) {
            ended = true;
            end.complete(null);
            out.error(message);
            out.close(1011, "terminal error");
        }

        @Override
        public void failed(HostAgentException e) {
            ended = true;
            end.complete(null);
            out.error("host agent: " + e.getMessage());
            out.close(1011, e.toApi("running the terminal").code());
        }
    }
}
