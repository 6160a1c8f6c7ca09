package dev.wrenn.controlplane.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A credential offered in {@code Sec-WebSocket-Protocol}, the one header a browser lets a page set on a WebSocket
 * upgrade. The client offers {@value #PROTOCOL} and one of {@value #BEARER}{@code <session token>} or
 * {@value #KEY}{@code <API key>}; the server accepts {@value #PROTOCOL}, so the browser completes the upgrade and
 * the credential is never echoed. Both kinds are HTTP tokens already (a JWT is base64url parts joined by dots; a
 * key is letters, digits and an underscore), so they go as they are.
 */
public sealed interface SocketCredential {
    String HEADER = "Sec-WebSocket-Protocol";
    String PROTOCOL = "wrenn";
    String BEARER = "wrenn.bearer.";
    String KEY = "wrenn.key.";

    /** The attribute under which the upgrade request carries the parsed credential to authentication. */
    String ATTRIBUTE = "wrenn.socket-credential";

    /** A user's session token (what {@code Authorization: Bearer} carries). */
    record Bearer(String token) implements SocketCredential {}

    /** A team API key (what {@code X-API-Key} carries). */
    record ApiKey(String key) implements SocketCredential {}

    /**
     * What a client offered: its subprotocols in order. {@link #mentionsCredential} is known without failing, so the
     * answer's header can be set before anything is refused.
     */
    record Offer(List<String> protocols) {
        public static Offer of(List<String> headerValues) {
            var protocols = new ArrayList<String>();
            for (String value : headerValues) {
                if (value == null) continue;
                for (String p : value.split(",")) {
                    if (!p.isBlank()) protocols.add(p.strip());
                }
            }
            return new Offer(List.copyOf(protocols));
        }

        /** Whether any offered protocol is one of Wrenn's credential forms (well-formed or not). */
        public boolean mentionsCredential() {
            return protocols.stream().anyMatch(p -> p.startsWith(PROTOCOL + "."));
        }

        /** Whether the client offered {@value #PROTOCOL}, the protocol the server answers with. */
        public boolean offersWrenn() {
            return protocols.contains(PROTOCOL);
        }

        /** The credential offered, if any; a malformed offer is a 400 that says what to send. */
        public Optional<SocketCredential> credential() {
            var found =
                    protocols.stream().filter(p -> p.startsWith(PROTOCOL + ".")).toList();
            if (found.isEmpty()) return Optional.empty();
            if (found.size() > 1) {
                throw ApiException.invalid(HEADER + " offers " + found.size() + " credentials; offer one");
            }
            if (!offersWrenn()) {
                throw ApiException.invalid(HEADER + " must offer '" + PROTOCOL
                        + "' beside the credential: it is the protocol the server accepts");
            }
            String p = found.getFirst();
            if (p.startsWith(BEARER) && p.length() > BEARER.length()) {
                return Optional.of(new Bearer(p.substring(BEARER.length())));
            }
            if (p.startsWith(KEY) && p.length() > KEY.length()) {
                return Optional.of(new ApiKey(p.substring(KEY.length())));
            }
            throw ApiException.invalid(
                    HEADER + " offers a credential of no known form; use " + BEARER + "<token> or " + KEY + "<key>");
        }
    }
}
