package dev.wrenn.guestagent.envd;

import com.sun.net.httpserver.HttpExchange;
import dev.wrenn.guestagent.auth.TokenStore;
import dev.wrenn.guestagent.clock.WallClock;
import dev.wrenn.guestagent.connect.ConnectError;
import dev.wrenn.guestagent.connect.ConnectServer;
import dev.wrenn.guestagent.envd.api.EnvdHttp;
import dev.wrenn.guestagent.envd.api.HttpErrors;
import dev.wrenn.guestagent.envd.filesystem.FilesystemService;
import dev.wrenn.guestagent.envd.process.ProcessService;
import dev.wrenn.guestagent.users.Passwd;
import java.io.IOException;

/**
 * The envd protocol beside the agent's own: which requests are envd's, their access-token check, and the
 * dispatch to the Connect services and the HTTP endpoints.
 */
public final class EnvdRouter {
    private final TokenStore tokens;
    private final ConnectServer connect = new ConnectServer();
    private final EnvdHttp http;

    public EnvdRouter(TokenStore tokens, WallClock clock, Passwd passwd) {
        this.tokens = tokens;
        var settings = new EnvdSettings();
        var users = new RequestUser(passwd, settings);
        new ProcessService(settings, users).register(connect);
        new FilesystemService(settings, users).register(connect);
        this.http = new EnvdHttp(tokens, clock, settings, users);
    }

    /**
     * envd's requests: every Connect route, the envd-only endpoints, and {@code /health} and {@code GET /files}
     * when they come without the agent protocol's Bearer token (with one they stay the agent protocol's).
     */
    public static boolean claims(HttpExchange ex) {
        String path = ex.getRequestURI().getPath();
        if (path.startsWith("/process.") || path.startsWith("/filesystem.")) return true;
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        boolean bearer = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7);
        return switch (path) {
            case "/metrics", "/init", "/envs" -> true;
            case "/health" -> !bearer;
            case "/files" -> !bearer && !"PUT".equals(ex.getRequestMethod());
            default -> false;
        };
    }

    public void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        boolean rpc = path.startsWith("/process.") || path.startsWith("/filesystem.");
        boolean open = path.equals("/health") && "GET".equals(ex.getRequestMethod());
        if (!open && !tokens.acceptsAccessToken(ex.getRequestHeaders().getFirst("X-Access-Token"))) {
            String msg = "unauthorized access, please provide a valid access token";
            if (rpc) connect.reject(ex, ConnectError.unauthenticated(msg));
            else HttpErrors.send(ex, 401, msg);
            return;
        }
        if (rpc) connect.serve(ex);
        else http.serve(ex);
    }
}
