package dev.wrenn.hostagent.proxy;

import dev.wrenn.hostagent.lifecycle.InFlight;
import dev.wrenn.hostagent.sandbox.Sandbox;
import dev.wrenn.hostagent.sandbox.SandboxException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request from the control plane to a sandbox's guest: checked (token, target headers), then relayed by
 * Jetty's reverse proxy to the guest's slot address and the asked port, streamed both ways with back-pressure
 * (a chunk is read from one side only once the other took the previous one), no total timeout.
 *
 * <p>Each exchange is tracked in its sandbox incarnation's {@link InFlight}: when the sandbox stops running
 * (destroy, pause, its VM dying) the exchange is aborted, which ends the client's response (a 502 if nothing
 * was sent yet, else the connection is closed mid-body). Connections to the guest are pooled per incarnation
 * (the request's tag), so a slot reused by another sandbox never gets a connection opened to its predecessor,
 * and the pool is dropped when the incarnation ends.
 */
final class GuestProxyHandler extends ProxyHandler {
    private static final Logger log = LoggerFactory.getLogger(GuestProxyHandler.class);
    private static final String ROUTE = GuestProxyHandler.class.getName() + ".route";

    /** Finds a running sandbox's guest; any failure means it does not run here. */
    @FunctionalInterface
    interface Sandboxes {
        Sandbox.GuestRoute route(String sandboxId) throws SandboxException;
    }

    private record Route(ProxyHeaders.Target target, Sandbox.GuestRoute guest) {}

    private final Sandboxes sandboxes;
    /** Null: the agent has no token (loopback only), and neither do its proxy's callers. */
    private final byte[] token;

    private final Duration idleTimeout;

    GuestProxyHandler(Sandboxes sandboxes, byte[] token, Duration idleTimeout) {
        this.sandboxes = sandboxes;
        this.token = token;
        this.idleTimeout = idleTimeout;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Route route;
        try {
            route = route(request);
        } catch (ProxyError e) {
            log.debug(
                    "proxy: {} {}: {} {}",
                    request.getMethod(),
                    request.getHttpURI().getPath(),
                    e.status,
                    e.getMessage());
            e.send(response, callback);
            return true;
        }
        request.setAttribute(ROUTE, route);
        // Whatever way the exchange ends, it is no longer in flight.
        InFlight exchanges = route.guest().exchanges();
        return super.handle(request, response, Callback.from(() -> exchanges.remove(request), callback));
    }

    private Route route(Request request) throws ProxyError {
        if (token != null && !ProxyHeaders.tokenMatches(token, request.getHeaders())) {
            throw new ProxyError(401, "missing or wrong " + ProxyHeaders.TOKEN, null, 0);
        }
        ProxyHeaders.Target target = ProxyHeaders.target(request.getHeaders());
        if (request.getHeaders().contains(HttpHeader.UPGRADE)) {
            throw new ProxyError(
                    501,
                    "protocol upgrades (WebSocket) through the sandbox proxy are not supported",
                    target.sandboxId(),
                    target.port());
        }
        Sandbox.GuestRoute guest;
        try {
            guest = sandboxes.route(target.sandboxId());
        } catch (SandboxException e) {
            throw ProxyError.notRunning(target.sandboxId());
        }
        // Its VM died and the agent has not noticed yet: nothing there answers.
        if (guest.exchanges().isClosed()) throw ProxyError.notRunning(target.sandboxId());
        return new Route(target, guest);
    }

    private static Route routeOf(Request request) {
        return (Route) request.getAttribute(ROUTE);
    }

    @Override
    protected HttpURI rewriteHttpURI(Request request) {
        Route r = routeOf(request);
        // Path and query as the client sent them (raw, undecoded), to the guest's address and port.
        return HttpURI.build(request.getHttpURI())
                .scheme("http")
                .host(r.guest().address())
                .port(r.target().port());
    }

    @Override
    protected org.eclipse.jetty.client.Request newProxyToServerRequest(Request request, HttpURI uri) {
        Route r = routeOf(request);
        InFlight exchanges = r.guest().exchanges();
        org.eclipse.jetty.client.Request toGuest =
                super.newProxyToServerRequest(request, uri).tag(exchanges);
        // Once per incarnation: its pooled connections go with it.
        exchanges.afterClose(this, () -> dropConnections(exchanges));
        return toGuest;
    }

    /**
     * Tracked only once sent: Jetty's client never reports the end of a request aborted before its send, so
     * an incarnation that ends in between must abort a request that is already on its way.
     */
    @Override
    protected void sendProxyToServerRequest(
            Request request, org.eclipse.jetty.client.Request toGuest, Response response, Callback callback) {
        super.sendProxyToServerRequest(request, toGuest, response, callback);
        routeOf(request).guest().exchanges().add(request, toGuest::abort);
    }

    /** The client's headers as they are (Host included), less the proxy's own three. */
    @Override
    protected void copyRequestHeaders(Request request, org.eclipse.jetty.client.Request toGuest) {
        super.copyRequestHeaders(request, toGuest);
        toGuest.headers(h -> {
            h.remove(ProxyHeaders.TOKEN);
            h.remove(ProxyHeaders.SANDBOX_ID);
            h.remove(ProxyHeaders.SANDBOX_PORT);
        });
    }

    /**
     * No Via or Forwarded: the guest sees the request as the control plane sent it, which is the one that
     * knows the real client and adds forwarding headers if it wants them.
     */
    @Override
    protected void addProxyHeaders(Request request, org.eclipse.jetty.client.Request toGuest) {}

    @Override
    protected void onServerToProxyResponseFailure(
            Request request,
            org.eclipse.jetty.client.Request toGuest,
            org.eclipse.jetty.client.Response fromGuest,
            Response response,
            Callback callback,
            Throwable failure) {
        Route r = routeOf(request);
        if (response.isCommitted()) {
            // Part of the answer is out: failing the exchange closes the client's connection mid-body, the
            // only way left to tell it the answer is incomplete.
            log.debug(
                    "proxy: {} to sandbox {} failed after the answer began: {}",
                    request.getHttpURI().getPath(),
                    r.target().sandboxId(),
                    failure.toString());
            callback.failed(failure);
            return;
        }
        error(r.target(), failure).send(response, callback);
    }

    private static ProxyError error(ProxyHeaders.Target t, Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof InFlight.EndedException) return ProxyError.notRunning(t.sandboxId());
            if (c instanceof ConnectException) return ProxyError.nothingListening(t.sandboxId(), t.port());
            if (c instanceof TimeoutException) {
                return new ProxyError(
                        504,
                        "sandbox " + t.sandboxId() + " did not answer on port " + t.port() + " in time",
                        t.sandboxId(),
                        t.port());
            }
        }
        return new ProxyError(
                502,
                "relaying to port " + t.port() + " of sandbox " + t.sandboxId() + " failed: " + failure.getMessage(),
                t.sandboxId(),
                t.port());
    }

    @Override
    protected HttpClient newHttpClient() {
        ClientConnector connector = new ClientConnector();
        QueuedThreadPool threads = new QueuedThreadPool(200, 2);
        threads.setName("sandbox-proxy-client");
        connector.setExecutor(threads);
        // A guest is a few hops away on this host: a connect that takes seconds will not succeed.
        connector.setConnectTimeout(Duration.ofSeconds(5));
        connector.setIdleTimeout(idleTimeout);
        return new HttpClient(new HttpClientTransportOverHTTP(connector));
    }

    @Override
    protected void configureHttpClient(HttpClient client) {
        super.configureHttpClient(client);
        client.setConnectTimeout(5_000);
        client.setIdleTimeout(idleTimeout.toMillis());
        // Every open stream (a process's output, a watch) holds a connection: allow many per sandbox and port.
        client.setMaxConnectionsPerDestination(1024);
        // The request goes on as the client sent it: no User-Agent of our own.
        client.setUserAgentField(null);
        // A destination left by an incarnation that ended between two requests is swept, as a backstop.
        client.setDestinationIdleTimeout(60_000);
    }

    private void dropConnections(InFlight incarnation) {
        for (var d : getHttpClient().getDestinations()) {
            if (d.getOrigin().getTag() == incarnation) getHttpClient().removeDestination(d);
        }
    }
}
