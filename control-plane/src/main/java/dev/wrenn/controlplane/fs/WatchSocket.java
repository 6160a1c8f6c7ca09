package dev.wrenn.controlplane.fs;

import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.auth.Principal;
import dev.wrenn.controlplane.host.FsWatch;
import dev.wrenn.controlplane.host.HostAgentException;
import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.http.SocketRoute;
import dev.wrenn.controlplane.limits.StreamSlots;
import dev.wrenn.controlplane.sandbox.SandboxService;
import io.javalin.config.RoutesConfig;
import io.javalin.websocket.WsContext;
import java.util.Map;
import org.eclipse.jetty.websocket.api.Callback;

/**
 * {@code GET /v1/sandboxes/{id}/fs/watch?path=&recursive=}: changes under a directory, one JSON
 * message each ({@code {"type":"create","name":"a.txt"}}), after a {@code start} message that says
 * the watch is in place. Closing the socket removes the watcher in the guest.
 */
public final class WatchSocket {
    private static final String PATH = "/v1/sandboxes/{id}/fs/watch";

    private final SandboxService sandboxes;
    private final Authenticator auth;
    private final StreamSlots slots;

    public WatchSocket(SandboxService sandboxes, Authenticator auth, StreamSlots slots) {
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
                    FsRoutes.path(ctx.queryParam("path"), "path");
                    FsRoutes.user(ctx.queryParam("user"));
                    sandboxes.requireRunning(Authenticator.principal(ctx).teamId(), ctx.pathParam("id"));
                },
                Session::new);
    }

    private final class Session implements SocketRoute.Session {
        private final WsContext ws;
        private final SocketRoute.Held<FsWatch> watch = new SocketRoute.Held<>();

        Session(WsContext ws) {
            this.ws = ws;
        }

        @Override
        public void opened() {
            String id = ws.pathParam("id");
            String team = ((Principal) ws.attribute(Authenticator.ATTRIBUTE)).teamId();
            String path = ws.queryParam("path");
            boolean recursive = Boolean.parseBoolean(ws.queryParam("recursive"));
            String user = FsRoutes.user(ws.queryParam("user"));
            try {
                FsWatch w = sandboxes.guestCall(
                        team,
                        id,
                        "watching " + path,
                        ApiError.FILE_NOT_FOUND,
                        a -> a.filesystem().watch(id, path, recursive, user, listener()));
                if (!watch.keep(w)) w.close();
            } catch (ApiException e) {
                send(ws, Map.of("type", "error", "data", e.getMessage()));
                close(ws, 1008, e.code());
            }
        }

        @Override
        public void ended() {
            FsWatch w = watch.end();
            if (w != null) w.close();
        }

        private FsWatch.Listener listener() {
            return new FsWatch.Listener() {
                @Override
                public void started() {
                    send(ws, Map.of("type", "start"));
                }

                @Override
                public void changed(String type, String name) {
                    send(ws, Map.of("type", type, "name", name));
                }

                @Override
                public void ended(HostAgentException error) {
                    if (error == null) {
                        close(ws, 1000, "watch ended");
                        return;
                    }
                    send(ws, Map.of("type", "error", "data", error.detail()));
                    // The reason is the API's error code, as the routes answer it: clients switch on it.
                    close(
                            ws,
                            1011,
                            error.kind() == HostAgentException.Kind.NOT_FOUND
                                    ? ApiError.FILE_NOT_FOUND.code()
                                    : error.toApi("watching " + ws.queryParam("path"))
                                            .code());
                }
            };
        }
    }

    private static synchronized void send(WsContext ws, Map<String, ?> message) {
        if (ws.session.isOpen()) ws.send(message);
    }

    private static void close(WsContext ws, int code, String reason) {
        if (ws.session.isOpen()) ws.session.close(code, reason, Callback.NOOP);
    }
}
