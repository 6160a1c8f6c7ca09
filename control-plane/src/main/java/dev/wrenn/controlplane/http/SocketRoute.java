package dev.wrenn.controlplane.http;

import dev.wrenn.controlplane.limits.StreamSlots;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.websocket.WsConnectContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The wiring every WebSocket route shares: its checks before the upgrade (so a refusal is a plain HTTP
 * error in the envelope), one session per socket from connect on, messages to their own session, and the
 * session's end exactly once, whether the socket closed or failed. Each socket holds one of its
 * sandbox's stream slots from the upgrade to its end; with none free the upgrade is refused (429).
 *
 * <p>A browser cannot set headers on an upgrade, so every route also takes its credential in
 * {@code Sec-WebSocket-Protocol} ({@link SocketCredential}): it is parsed here, before the route's check, and the
 * answer names only {@value SocketCredential#PROTOCOL}. Javalin would otherwise echo the first protocol offered,
 * which may be the credential.
 */
public final class SocketRoute {
    private static final String SLOT = "wrenn.stream-slot";

    private SocketRoute() {}

    /** One socket's side of a route. */
    public interface Session {
        /** The session is registered: start its work. The socket may already be gone again. */
        void opened();

        default void text(String message) {}

        default void binary(byte[] data) {}

        /** The socket closed or failed; called once, possibly while {@link #opened} still runs. */
        void ended();
    }

    /** A socket's session and the stream slot it holds. */
    private record Open(Session session, StreamSlots.Slot slot) {
        void ended() {
            try {
                session.ended();
            } finally {
                slot.close();
            }
        }
    }

    /** {@code path} has an {@code {id}}: the sandbox whose stream slots its sockets take. */
    public static void register(
            RoutesConfig routes,
            String path,
            StreamSlots slots,
            Handler check,
            Function<WsConnectContext, Session> create) {
        Map<String, Open> sessions = new ConcurrentHashMap<>();
        routes.wsBeforeUpgrade(path, ctx -> {
            var offer = SocketCredential.Offer.of(Collections.list(ctx.req().getHeaders(SocketCredential.HEADER)));
            if (offer.mentionsCredential()) {
                // Set before anything can be refused, so no answer, refusals included, carries the credential.
                ctx.res().setHeader(SocketCredential.HEADER, offer.offersWrenn() ? SocketCredential.PROTOCOL : null);
            }
            try {
                offer.credential().ifPresent(c -> ctx.attribute(SocketCredential.ATTRIBUTE, c));
                check.handle(ctx);
                // Taken last, so a refused check holds nothing.
                ctx.attribute(SLOT, slots.acquire(ctx.pathParam("id")));
            } catch (ApiException e) {
                refuse(ctx, e);
                throw e;
            }
        });
        routes.ws(path, ws -> {
            ws.onConnect(ctx -> {
                StreamSlots.Slot slot = ctx.attribute(SLOT);
                try {
                    ctx.session.setIdleTimeout(slots.idle());
                    Session s = create.apply(ctx);
                    sessions.put(ctx.sessionId(), new Open(s, slot));
                    s.opened();
                } catch (RuntimeException e) {
                    // A session that could not even be made must not keep its slot.
                    if (!sessions.containsKey(ctx.sessionId())) slot.close();
                    throw e;
                }
            });
            ws.onMessage(ctx -> {
                Open o = sessions.get(ctx.sessionId());
                if (o != null) o.session().text(ctx.message());
            });
            ws.onBinaryMessage(ctx -> {
                Open o = sessions.get(ctx.sessionId());
                if (o == null) return;
                Session s = o.session();
                ByteBuffer b = ctx.data().duplicate();
                byte[] data = new byte[b.remaining()];
                b.get(data);
                s.binary(data);
            });
            ws.onClose(ctx -> end(sessions, ctx.sessionId()));
            ws.onError(ctx -> end(sessions, ctx.sessionId()));
        });
    }

    /**
     * Javalin answers an exception before the upgrade with its status but drops the body its mapper set, so the
     * envelope is written (and committed) here; the rethrown exception then only stops the upgrade.
     */
    private static void refuse(Context ctx, ApiException e) throws IOException {
        var res = ctx.res();
        if (res.isCommitted()) return;
        byte[] body = HttpApp.RESPONSE_MAPPER.writeValueAsBytes(ErrorBody.of(e.code(), e.getMessage()));
        res.setStatus(e.error().status());
        if (e.retryAfterSec() > 0) res.setHeader("Retry-After", Long.toString(e.retryAfterSec()));
        res.setContentType("application/json");
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
        res.flushBuffer();
    }

    private static void end(Map<String, Open> sessions, String id) {
        Open o = sessions.remove(id);
        if (o != null) o.ended();
    }

    /**
     * What a session obtains while it opens (an attachment, a watch), which must be let go exactly once
     * however the opening and the socket's end race: whichever comes second lets it go.
     */
    public static final class Held<T> {
        private T value;
        private boolean ended;

        /** Keeps {@code v}; false if the socket has ended already, and then the caller lets it go at once. */
        public synchronized boolean keep(T v) {
            if (ended) return false;
            value = v;
            return true;
        }

        /** The socket ended: the value to let go, or null if none came yet ({@link #keep} refuses it then). */
        public synchronized T end() {
            ended = true;
            T v = value;
            value = null;
            return v;
        }
    }
}
