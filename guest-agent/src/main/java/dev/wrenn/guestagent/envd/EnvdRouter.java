package dev.wrenn.guestagent.envd;

import com.sun.net.httpserver.HttpExchange;
import dev.wrenn.guestagent.auth.TokenStore;
import dev.wrenn.guestagent.clock.KernelEntropy;
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
 * The envd protocol, the agent's only one: the access-token check and the dispatch to the Connect services and
 * the HTTP endpoints.
 */
public final class EnvdRouter {
    private final TokenStore tokens;
    private final ConnectServer connect = new ConnectServer();
    private final EnvdHttp http;

    public EnvdRouter(TokenStore tokens, WallClock clock, KernelEntropy entropy, Passwd passwd) {
        this.tokens = tokens;
        var settings = new EnvdSettings();
        var users = new RequestUser(passwd, settings);
        new ProcessService(settings, users).register(connect);
        new FilesystemService(settings, users).register(connect);
        this.http = new EnvdHttp(tokens, clock, entropy, settings, users);
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
