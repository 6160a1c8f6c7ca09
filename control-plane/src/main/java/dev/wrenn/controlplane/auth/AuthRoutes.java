package dev.wrenn.controlplane.auth;

import dev.wrenn.controlplane.audit.AuditAction;
import dev.wrenn.controlplane.audit.AuditLog;
import dev.wrenn.controlplane.auth.oauth.OAuthAccounts;
import dev.wrenn.controlplane.auth.oauth.OAuthException;
import dev.wrenn.controlplane.auth.oauth.OAuthProvider;
import dev.wrenn.controlplane.auth.oauth.OAuthProviders;
import dev.wrenn.controlplane.auth.oauth.OAuthState;
import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.http.JsonBody;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /v1/auth/*}: email and password sign-up and login, and OAuth login. */
public final class AuthRoutes {
    private static final Logger log = LoggerFactory.getLogger(AuthRoutes.class);

    private final AccountService accounts;
    private final OAuthProviders providers;
    private final OAuthState state;
    private final OAuthAccounts oauthAccounts;
    private final Optional<URI> publicUrl;
    private final Optional<URI> redirectUrl;
    private final LoginThrottle throttle;
    private final AuditLog audit;

    public AuthRoutes(
            AccountService accounts,
            OAuthProviders providers,
            OAuthState state,
            OAuthAccounts oauthAccounts,
            Optional<URI> publicUrl,
            Optional<URI> redirectUrl,
            LoginThrottle throttle,
            AuditLog audit) {
        this.throttle = throttle;
        this.audit = audit;
        this.accounts = accounts;
        this.providers = providers;
        this.state = state;
        this.oauthAccounts = oauthAccounts;
        this.publicUrl = publicUrl;
        this.redirectUrl = redirectUrl;
    }

    public void register(RoutesConfig routes) {
        routes.post("/v1/auth/signup", this::signup);
        routes.post("/v1/auth/login", this::login);
        routes.get("/v1/auth/oauth/{provider}", this::oauthStart);
        routes.get("/v1/auth/oauth/{provider}/callback", this::oauthCallback);
    }

    private void signup(Context ctx) {
        var body = JsonBody.of(ctx);
        var response = accounts.signup(body.requiredString("email"), body.requiredString("password"));
        audit.recordUser(ctx, response.teamId(), response.userId(), AuditAction.SIGNUP, Map.of("method", "password"));
        ctx.status(201).json(response);
    }

    private void login(Context ctx) {
        var body = JsonBody.of(ctx);
        String email = body.requiredString("email");
        String password = body.requiredString("password");
        // Checked before the password: a blocked account is refused even with the right one.
        throttle.check(email, ctx.ip());
        AuthResponse response;
        try {
            response = accounts.login(email, password);
        } catch (ApiException e) {
            if (e.error() == ApiError.UNAUTHORIZED) {
                throttle.failed(email, ctx.ip());
                audit.loginFailed(ctx, email);
            }
            throw e;
        }
        throttle.succeeded(email);
        audit.recordUser(
                ctx, response.teamId(), response.userId(), AuditAction.LOGIN_SUCCEEDED, Map.of("method", "password"));
        ctx.status(200).json(response);
    }

    private OAuthProvider provider(Context ctx) {
        String name = ctx.pathParam("provider");
        return providers
                .get(name)
                .orElseThrow(() -> new ApiException(
                        ApiError.PROVIDER_NOT_FOUND, "OAuth provider '" + name + "' is not known or not configured"));
    }

    private URI callbackUrl(OAuthProvider provider) {
        // Providers are only registered when CP_PUBLIC_URL is set (checked at start-up).
        return URI.create(publicUrl.orElseThrow() + "/v1/auth/oauth/" + provider.name() + "/callback");
    }

    private void oauthStart(Context ctx) {
        var provider = provider(ctx);
        var issued = state.issue(provider.name());
        ctx.res().addHeader("Set-Cookie", cookie(issued.cookieValue(), OAuthState.VALIDITY.toSeconds()));
        ctx.redirect(
                provider.authorizeUrl(issued.nonce(), callbackUrl(provider)).toString(),
                io.javalin.http.HttpStatus.FOUND);
    }

    private void oauthCallback(Context ctx) {
        var provider = provider(ctx);
        // The state cookie is single-use whatever the outcome.
        ctx.res().addHeader("Set-Cookie", cookie("", 0));
        String target = redirectUrl.orElseThrow() + "/auth/" + provider.name() + "/callback";
        Map<String, String> query;
        try {
            query = complete(ctx, provider);
        } catch (OAuthException e) {
            log.info("OAuth login through {} failed: {} ({})", provider.name(), e.code(), e.getMessage());
            query = Map.of("error", e.code());
        } catch (RuntimeException e) {
            log.error("OAuth login through {} failed", provider.name(), e);
            query = Map.of("error", "internal_error");
        }
        ctx.redirect(target + "?" + encode(query), io.javalin.http.HttpStatus.FOUND);
    }

    private Map<String, String> complete(Context ctx, OAuthProvider provider) throws OAuthException {
        if (ctx.queryParam("error") != null) {
            throw new OAuthException("access_denied", "the provider reported: " + ctx.queryParam("error"));
        }
        if (!state.verify(ctx.cookie(OAuthState.COOKIE), ctx.queryParam("state"), provider.name())) {
            throw new OAuthException("invalid_state", "state missing, expired or not matching the cookie");
        }
        String code = ctx.queryParam("code");
        if (code == null || code.isBlank()) throw new OAuthException("missing_code", "no authorization code");
        var profile = provider.exchange(code, callbackUrl(provider));
        var auth = oauthAccounts.signIn(provider.name(), profile);
        var out = new LinkedHashMap<String, String>();
        out.put("token", auth.token());
        out.put("user_id", auth.userId());
        out.put("team_id", auth.teamId());
        out.put("email", auth.email());
        return out;
    }

    private String cookie(String value, long maxAgeSeconds) {
        boolean secure = publicUrl.map(u -> "https".equals(u.getScheme())).orElse(false);
        return OAuthState.COOKIE + "=" + value + "; Path=/v1/auth/oauth; Max-Age=" + maxAgeSeconds
                + "; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
    }

    private static String encode(Map<String, String> query) {
        return query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
