package dev.wrenn.controlplane.proxy;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The first handler of the server: a request that names a sandbox (see {@link GuestAddress}) goes to the {@link
 * SandboxProxy}; every other request goes on to the API. Guest traffic thus shares the API's port, as E2B's SDK
 * expects when {@code E2B_SANDBOX_URL} and {@code E2B_API_URL} are the same server.
 */
public final class GuestTrafficHandler extends Handler.Wrapper {
    private final SandboxProxy proxy;
    private final String domain;

    /** @param domain the sandbox domain host names are routed under ({@code <port>-<id>.<domain>}); null: none */
    public GuestTrafficHandler(SandboxProxy proxy, String domain) {
        this.proxy = proxy;
        this.domain = domain;
        addBean(proxy);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        var headers = request.getHeaders();
        String host = headers.get(HttpHeader.HOST);
        if (host == null) host = request.getHttpURI().getAuthority();
        java.util.Optional<GuestAddress> address;
        try {
            address = GuestAddress.of(
                    headers.get(GuestAddress.SANDBOX_ID_HEADER),
                    headers.get(GuestAddress.SANDBOX_PORT_HEADER),
                    host,
                    domain);
        } catch (IllegalArgumentException e) {
            ProxyErrors.write(response, callback, 400, e.getMessage(), null);
            return true;
        }
        if (address.isEmpty()) return super.handle(request, response, callback);
        return proxy.handle(address.get(), request, response, callback);
    }
}
