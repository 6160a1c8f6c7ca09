package dev.wrenn.controlplane.proxy;

import dev.wrenn.controlplane.http.ApiException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guest traffic for one sandbox and port, checked here and streamed to the proxy of the host agent that holds the
 * sandbox, which passes it to the guest. Nothing is buffered: Jetty's proxy moves each chunk as it arrives, both
 * ways, so Connect server streams and large uploads pass through as they are produced.
 *
 * <p>What is decided here: the sandbox exists and runs (a paused one with auto-resume is resumed first; otherwise
 * 502, which E2B's SDK reads as "not running"), a non-public port needs the traffic token, a non-secure sandbox's
 * envd calls get its access token added (a secure one's clients bring it, and the guest checks it), and the traffic
 * counts as activity.
 */
public final class SandboxProxy extends ProxyHandler {
    private static final Logger log = LoggerFactory.getLogger(SandboxProxy.class);
    static final String HOST_TOKEN_HEADER = "X-Wrenn-Host-Token";
    static final String HOST_SANDBOX_HEADER = "X-Wrenn-Sandbox-Id";
    static final String HOST_PORT_HEADER = "X-Wrenn-Sandbox-Port";
    static final String TRAFFIC_TOKEN_HEADER = "e2b-traffic-access-token";
    static final String ACCESS_TOKEN_HEADER = "X-Access-Token";
    private static final String FORWARD = SandboxProxy.class.getName() + ".forward";
    /** Longer than the guest's stream keepalive (the SDK asks for one every 50 s). */
    private static final long IDLE_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(5);

    private final SandboxDirectory directory;
    private final String hostToken;
    private final ActivityThrottle activity;

    private record Forward(ProxyTarget target, int port) {}

    /** @param hostToken the token host agents require (null when they require none) */
    public SandboxProxy(SandboxDirectory directory, String hostToken) {
        this.directory = directory;
        this.hostToken = hostToken;
        this.activity = new ActivityThrottle(directory::touch);
    }

    @Override
    protected HttpClient newHttpClient() {
        var client = super.newHttpClient();
        client.setIdleTimeout(IDLE_TIMEOUT_MS);
        client.setConnectTimeout(10_000);
        client.setMaxConnectionsPerDestination(4096);
        // Guest answers are the client's business: a redirect from a user's web server goes back to the client.
        client.setFollowRedirects(false);
        return client;
    }

    /** Handles one request for a guest; always true (the request is answered here). */
    boolean handle(GuestAddress address, Request request, Response response, Callback callback) throws Exception {
        String id = address.sandboxId();
        ProxyTarget target;
        try {
            target = directory.find(id).orElse(null);
            if (target == null) {
                ProxyErrors.write(response, callback, 502, "sandbox " + id + " not found", id);
                return true;
            }
            if ("paused".equals(target.status()) && target.autoResume()) target = directory.resumeForTraffic(id);
        } catch (ApiException e) {
            ProxyErrors.write(
                    response, callback, 502, "sandbox " + id + " could not be resumed: " + e.getMessage(), id);
            return true;
        }
        if (!"running".equals(target.status())) {
            ProxyErrors.write(response, callback, 502, "sandbox " + id + " is " + target.status(), id);
            return true;
        }
        if (address.port() != GuestAddress.ENVD_PORT
                && target.trafficAccessToken() != null
                && !same(request.getHeaders().get(TRAFFIC_TOKEN_HEADER), target.trafficAccessToken())) {
            ProxyErrors.write(
                    response, callback, 403, "port " + address.port() + " needs the sandbox's traffic token", id);
            return true;
        }
        activity.record(id);
        request.setAttribute(FORWARD, new Forward(target, address.port()));
        return super.handle(request, response, callback);
    }

    @Override
    protected HttpURI rewriteHttpURI(Request request) {
        URI host = forward(request).target().hostProxy();
        return HttpURI.build(request.getHttpURI())
                .scheme(host.getScheme())
                .host(host.getHost())
                .port(host.getPort())
                .asImmutable();
    }

    @Override
    protected void copyRequestHeaders(Request clientToProxy, org.eclipse.jetty.client.Request proxyToServer) {
        super.copyRequestHeaders(clientToProxy, proxyToServer);
        var forward = forward(clientToProxy);
        var target = forward.target();
        proxyToServer.headers(h -> {
            // A client must not choose the host agent's routing or present its credential.
            h.remove(HOST_TOKEN_HEADER);
            h.remove(HOST_SANDBOX_HEADER);
            h.remove(HOST_PORT_HEADER);
            h.remove(GuestAddress.SANDBOX_ID_HEADER);
            h.remove(GuestAddress.SANDBOX_PORT_HEADER);
            h.remove(TRAFFIC_TOKEN_HEADER);
            if (hostToken != null) h.put(HOST_TOKEN_HEADER, hostToken);
            h.put(HOST_SANDBOX_HEADER, target.sandboxId());
            h.put(HOST_PORT_HEADER, Integer.toString(forward.port()));
            if (forward.port() == GuestAddress.ENVD_PORT && !target.secure()) {
                h.put(ACCESS_TOKEN_HEADER, target.accessToken());
            }
        });
    }

    @Override
    protected void onServerToProxyResponseFailure(
            Request clientToProxy,
            org.eclipse.jetty.client.Request proxyToServer,
            org.eclipse.jetty.client.Response serverToProxy,
            Response proxyToClient,
            Callback callback,
            Throwable failure) {
        if (proxyToClient.isCommitted()) {
            super.onServerToProxyResponseFailure(
                    clientToProxy, proxyToServer, serverToProxy, proxyToClient, callback, failure);
            return;
        }
        String id = forward(clientToProxy).target().sandboxId();
        log.debug("proxy to sandbox {} failed: {}", id, failure.toString());
        ProxyErrors.write(proxyToClient, callback, 502, "sandbox " + id + " could not be reached", id);
    }

    private static Forward forward(Request request) {
        return (Forward) request.getAttribute(FORWARD);
    }

    private static boolean same(String given, String expected) {
        if (given == null) return false;
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }
}
