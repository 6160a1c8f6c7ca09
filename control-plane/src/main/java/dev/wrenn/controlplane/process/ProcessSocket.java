package dev.wrenn.controlplane.process;

import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.auth.Principal;
import dev.wrenn.controlplane.host.HostAgentException;
import dev.wrenn.controlplane.host.ProcessAttachment;
import dev.wrenn.controlplane.host.ProcessEvents;
import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.http.JsonBody;
import dev.wrenn.controlplane.http.SocketRoute;
import dev.wrenn.controlplane.limits.StreamSlots;
import dev.wrenn.controlplane.sandbox.SandboxService;
import io.javalin.config.RoutesConfig;
import io.javalin.websocket.WsContext;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /v1/sandboxes/{id}/processes/{pid}/stream}: a WebSocket attached to a running process.
 * The client gets its output from the point of attach and its end; it may send {@code stdin} and
 * {@code signal} messages. Closing the socket detaches: the process runs on. Any number of sockets
 * may attach to one process; each gets all of its output.
 */
public final class ProcessSocket {
    private static final String PATH = "/v1/sandboxes/{id}/processes/{pid}/stream";

    private final SandboxService sandboxes;
    private final Authenticator auth;
    private final StreamSlots slots;

    public ProcessSocket(SandboxService sandboxes, Authenticator auth, StreamSlots slots) {
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
                    ProcessRoutes.pid(ctx.pathParam("pid"));
                    sandboxes.requireRunning(Authenticator.principal(ctx).teamId(), ctx.pathParam("id"));
                },
                Session::new);
    }

    private final class Session implements ProcessEvents, SocketRoute.Session {
        private final SocketOutput out;
        private final String sandboxId;
        private final String teamId;
        private final long pid;
        private final SocketRoute.Held<ProcessAttachment> attachment = new SocketRoute.Held<>();

        Session(WsContext ws) {
            this.out = new SocketOutput(ws);
            this.sandboxId = ws.pathParam("id");
            this.teamId = ((Principal) ws.attribute(Authenticator.ATTRIBUTE)).teamId();
            this.pid = ProcessRoutes.pid(ws.pathParam("pid"));
        }

        @Override
        public void opened() {
            try {
                ProcessAttachment a = sandboxes.guestCall(
                        teamId,
                        sandboxId,
                        "attaching to a process",
                        ApiError.NOT_FOUND,
                        h -> h.processes().attach(sandboxId, pid, this));
                if (!attachment.keep(a)) a.detach();
            } catch (ApiException e) {
                out.error(e.getMessage());
                out.close(1008, e.code());
            }
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
            try {
                switch (type) {
                    case "stdin" -> {
                        byte[] data = ProcessRoutes.data(msg);
                        sandboxes.guestCall(teamId, sandboxId, "writing to a process", ApiError.NOT_FOUND, a -> {
                            if (data.length > 0) a.processes().input(sandboxId, pid, data, false);
                            if (msg.path("close").asBoolean(false))
                                a.processes().closeStdin(sandboxId, pid);
                            return null;
                        });
                    }
                    case "signal" ->
                        sandboxes.guestCall(teamId, sandboxId, "signalling a process", ApiError.NOT_FOUND, a -> {
                            a.processes()
                                    .signal(sandboxId, pid, msg.path("signal").asString("SIGTERM"));
                            return null;
                        });
                    default -> out.error("unknown message type '" + type + "'; expected stdin or signal");
                }
            } catch (ApiException e) {
                out.error(e.getMessage());
            }
        }

        @Override
        public void ended() {
            ProcessAttachment a = attachment.end();
            if (a != null) a.detach();
        }

        @Override
        public void started(long pid) {
            out.send(Map.of("type", "start", "pid", pid));
        }

        @Override
        public void stdout(byte[] data) {
            out.data("stdout", data);
        }

        @Override
        public void stderr(byte[] data) {
            out.data("stderr", data);
        }

        @Override
        public void terminal(byte[] data) {
            out.data("pty", data);
        }

        @Override
        public void exited(int exitCode) {
            out.send(Map.of("type", "exit", "exit_code", exitCode));
            out.close(1000, "process exited");
        }

        @Override
        public void error(String message) {
            out.error(message);
            out.close(1011, "process error");
        }

        @Override
        public void failed(HostAgentException e) {
            out.error(
                    e.kind() == HostAgentException.Kind.NOT_FOUND
                            ? "no process " + pid + " in sandbox '" + sandboxId + "'"
                            : "host agent: " + e.getMessage());
            // The reason is the API's error code, as for a refusal before the upgrade: clients switch on it.
            out.close(
                    e.kind() == HostAgentException.Kind.NOT_FOUND ? 1008 : 1011,
                    e.toApi("attaching to a process").code());
        }
    }
}
