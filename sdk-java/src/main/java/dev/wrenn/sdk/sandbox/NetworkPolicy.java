package dev.wrenn.sdk.sandbox;

import dev.wrenn.sdk.http.Json;
import java.util.List;

/**
 * What a sandbox's guest may connect to (docs/security/egress.md). For an address A: allowed if A is in
 * {@code allowOut} (a network, an address, or an address of a listed domain); else refused if in {@code denyOut};
 * else allowed if {@code allowInternetAccess}. Entries are IPv4 networks or addresses and domains
 * ({@code *.example.com} for every name below it).
 */
public record NetworkPolicy(boolean allowInternetAccess, List<String> allowOut, List<String> denyOut) {
    public NetworkPolicy {
        allowOut = allowOut == null ? List.of() : List.copyOf(allowOut);
        denyOut = denyOut == null ? List.of() : List.copyOf(denyOut);
    }

    /** The default: the internet, no lists. */
    public static NetworkPolicy open() {
        return new NetworkPolicy(true, List.of(), List.of());
    }

    /** Nothing but the listed destinations. */
    public static NetworkPolicy only(String... allowOut) {
        return new NetworkPolicy(false, List.of(allowOut), List.of());
    }

    Json.Fields json() {
        return Json.object()
                .put("allow_internet_access", allowInternetAccess)
                .put("allow_out", allowOut)
                .put("deny_out", denyOut);
    }
}
