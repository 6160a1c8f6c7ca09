package dev.wrenn.guestagent.envd;

import com.sun.net.httpserver.Headers;
import dev.wrenn.guestagent.connect.ConnectError;
import dev.wrenn.guestagent.users.Passwd;
import dev.wrenn.guestagent.users.UserAccount;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The user an RPC acts as: envd's clients send it as HTTP Basic credentials with an empty password
 * ({@code Authorization: Basic base64("user:")}); without them the default user applies. An unknown name is
 * {@code unauthenticated}, as in envd.
 */
public final class RequestUser {
    private final Passwd passwd;
    private final EnvdSettings settings;

    public RequestUser(Passwd passwd, EnvdSettings settings) {
        this.passwd = passwd;
        this.settings = settings;
    }

    public UserAccount of(Headers headers) {
        String auth = headers.getFirst("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded =
                        new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ConnectError.unauthenticated("malformed basic credentials");
            }
            int colon = decoded.indexOf(':');
            String name = colon < 0 ? decoded : decoded.substring(0, colon);
            return named(name, "invalid username: '" + name + "'");
        }
        return named(settings.defaultUser(), "invalid default user: '" + settings.defaultUser() + "'");
    }

    /** A user by name, for the HTTP endpoints' {@code username} parameter; null or empty means the default. */
    public UserAccount named(String name) {
        if (name == null || name.isEmpty()) return of(new Headers());
        return named(name, "error looking up user '" + name + "': unknown user");
    }

    private UserAccount named(String name, String error) {
        return passwd.byName(name).orElseThrow(() -> ConnectError.unauthenticated(error));
    }
}
