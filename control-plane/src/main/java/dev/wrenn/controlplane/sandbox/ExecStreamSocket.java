package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.auth.Principal;
import dev.wrenn.controlplane.host.HostAgentException;
import dev.wrenn.controlplane.host.ProcessEvents;
import dev.wrenn.controlplane.host.RunningProcess;
import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.http.JsonBody;
import dev.wrenn.controlplane.http.SocketRoute;
import dev.wrenn.controlplane.limits.StreamSlots;
import io.javalin.config.RoutesConfig;
import io.javalin.websocket.WsContext;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.websocket.api.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /v1/sandboxes/{id}/exec/stream}: a WebSocket bridging the contract's messages to the
 * host agent's ExecStream.
 *
 * <p>Credentials, the sandbox and its state are checked before the upgrade, so a bad key is a 401
 * (and an unknown sandbox a 404, a stopped one a 409) in the error envelope, not a socket. The
 * client's first message starts the process; {@code stop} stops it; closing the socket stops it
 * too. Output is forwarded as it arrives; the server closes the socket after {@code exit}.
 */
public final class ExecStreamSocket {
    private static final Logger log = LoggerFactory.getLogger(ExecStreamSocket.class);
    private static final String PATH = "/v1/sandboxes/{id}/exec/stream";

    private final SandboxService sandboxes;
    private final SandboxStore store;
    private final Authenticator auth;
    private final StreamSlots slots;

    public ExecStreamSocket(SandboxService sandboxes, SandboxStore store, Authenticator auth, StreamSlots slots) {
        this.slots = slots;
        this.sandboxes = sandboxes;
        this.store = store;
        this.auth = auth;
    }

    public void register(RoutesConfig routes) {
        SocketRoute.register(
                routes,
                PATH,
                slots,
                ctx -> {
                    auth.requireApiKey(ctx);
                    sandboxes.requireRunning(Authenticator.principal(ctx).teamId(), ctx.pathParam("id"));
                },
                Session::new);
    }

    /** One socket and, once started, its process. */
    private final class Session implements ProcessEvents, SocketRoute.Session {
        private final WsContext ws;
        private final String sandboxId;
        private final String teamId;
        private RunningProcess process;
        private boolean finished;

        Session(WsContext ws) {
            this.ws = ws;
            this.sandboxId = ws.pathParam("id");
            this.teamId = ((Principal) ws.attribute(Authenticator.ATTRIBUTE)).teamId();
        }

        @Override
        public void opened() {}

        @Override
        public synchronized void text(String text) {
            JsonNode msg;
            try {
                msg = JsonBody.MAPPER.readTree(text);
            } catch (JacksonException e) {
                sendError("message is not valid JSON");
                return;
            }
            String type = msg.path("type").asString("");
            switch (type) {
                case "start" -> start(msg);
                case "stop" -> {
                    if (process != null && !finished) process.stop();
                }
                case "stdin" -> {
                    if (process == null || finished) {
                        sendError("no running process to send stdin to");
                        return;
                    }
                    process.stdin(
                            msg.path("data").asString("").getBytes(StandardCharsets.UTF_8),
                            msg.path("close").asBoolean(false));
                }
                default -> sendError("unknown message type '" + type + "'; expected start, stop or stdin");
            }
        }

        private void start(JsonNode msg) {
            if (process != null) {
                sendError("a process is already running on this socket");
                return;
            }
            Command command;
            try {
                command = Command.parse(msg);
                sandboxes.requireRunning(teamId, sandboxId);
            } catch (ApiException e) {
                sendError(e.getMessage());
                close(1008, e.code());
                return;
            }
            store.touch(teamId, sandboxId);
            process = sandboxes.agent().start(sandboxId, command.request(true), this);
        }

        @Override
        public synchronized void ended() {
            if (process != null && !finished) {
                finished = true;
                process.abandon();
                log.debug("exec stream client of {} went away; process stopped", sandboxId);
            }
        }

        @Override
        public void started(long pid) {
            send(Map.of("type", "start", "pid", pid));
        }

        @Override
        public void stdout(byte[] data) {
            sendData("stdout", data);
        }

        @Override
        public void stderr(byte[] data) {
            sendData("stderr", data);
        }

        @Override
        public void exited(int exitCode) {
            send(Map.of("type", "exit", "exit_code", exitCode));
            finish(1000, "process exited");
        }

        @Override
        public void error(String message) {
            sendError(message);
            finish(1011, "process error");
        }

        @Override
        public void failed(HostAgentException e) {
            if (isFinished()) return;
            var now = store.get(teamId, sandboxId);
            boolean stopped = now.isPresent() && now.get().status() != SandboxStatus.RUNNING;
            String why = stopped
                    ? "sandbox became " + now.get().status().wire() + " while the process ran"
                    : "host agent: " + e.getMessage();
            sendError(why);
            // The reason is the API's error code, as for a refusal before the upgrade: clients switch on it.
            finish(
                    1011,
                    stopped
                            ? ApiError.SANDBOX_NOT_RUNNING.code()
                            : e.toApi("running the command").code());
        }

        private synchronized boolean isFinished() {
            return finished;
        }

        private synchronized void finish(int code, String reason) {
            if (finished) return;
            finished = true;
            store.touch(teamId, sandboxId);
            close(code, reason);
        }

        private void sendData(String type, byte[] bytes) {
            var m = new LinkedHashMap<String, Object>();
            m.put("type", type);
            if (Output.isUtf8(bytes)) {
                m.put("data", new String(bytes, StandardCharsets.UTF_8));
            } else {
                m.put("data", Output.encode(bytes, true));
                m.put("encoding", "base64");
            }
            send(m);
        }

        private void sendError(String message) {
            send(Map.of("type", "error", "data", message));
        }

        private void send(Map<String, ?> message) {
            if (ws.session.isOpen()) ws.send(message);
        }

        private void close(int code, String reason) {
            if (ws.session.isOpen()) ws.session.close(code, reason, Callback.NOOP);
        }
    }
}
