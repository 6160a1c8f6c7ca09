package dev.wrenn.controlplane.proxy;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which sandbox and guest port a request is for, as E2B's SDKs say it: the headers {@code E2b-Sandbox-Id} and
 * {@code E2b-Sandbox-Port} on one base URL ({@code E2B_SANDBOX_URL}), or a host name {@code
 * <port>-<sandboxId>.<domain>} ({@code sandbox.getHost(port)}). A request that says neither is for the API.
 */
public record GuestAddress(String sandboxId, int port) {
    public static final String SANDBOX_ID_HEADER = "E2b-Sandbox-Id";
    public static final String SANDBOX_PORT_HEADER = "E2b-Sandbox-Port";
    /** envd's port in the guest: the guest agent. */
    public static final int ENVD_PORT = 49983;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern HOST_LABEL = Pattern.compile("([0-9]{1,5})-([A-Za-z0-9_-]{1,64})");

    /**
     * The guest address a request names, empty when it names none.
     *
     * @param domain the sandbox domain host names end in (may carry a port, {@code localhost:8080}); null: host
     *     names are not routed
     * @throws IllegalArgumentException when the request names a guest in a malformed way (the caller answers 400)
     */
    public static Optional<GuestAddress> of(String idHeader, String portHeader, String host, String domain) {
        if (idHeader != null) {
            if (!ID.matcher(idHeader).matches()) throw new IllegalArgumentException("malformed E2b-Sandbox-Id");
            if (portHeader == null) throw new IllegalArgumentException("E2b-Sandbox-Id without E2b-Sandbox-Port");
            return Optional.of(new GuestAddress(idHeader, port(portHeader)));
        }
        if (host == null || domain == null || domain.isEmpty()) return Optional.empty();
        String h = host.toLowerCase(java.util.Locale.ROOT);
        String suffix = "." + domain.toLowerCase(java.util.Locale.ROOT);
        // Without a port in the domain, a Host header may still carry one (":443"): compare the names.
        if (!domain.contains(":") && h.contains(":")) h = h.substring(0, h.lastIndexOf(':'));
        if (!h.endsWith(suffix)) return Optional.empty();
        var m = HOST_LABEL.matcher(host.substring(0, h.length() - suffix.length()));
        if (!m.matches()) return Optional.empty();
        return Optional.of(new GuestAddress(m.group(2), port(m.group(1))));
    }

    private static int port(String s) {
        int port;
        try {
            port = Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed sandbox port '" + s + "'");
        }
        if (port < 1 || port > 65535) throw new IllegalArgumentException("sandbox port must be 1..65535");
        return port;
    }
}
