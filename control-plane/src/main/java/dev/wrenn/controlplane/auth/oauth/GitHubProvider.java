package dev.wrenn.controlplane.auth.oauth;

import dev.wrenn.controlplane.http.JsonBody;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * GitHub's OAuth web flow: authorize, code for token, then {@code /user} and, when the profile
 * shows no public email, the primary verified address from {@code /user/emails}.
 */
final class GitHubProvider implements OAuthProvider {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String clientId;
    private final String clientSecret;
    private final URI authorizeUrl;
    private final URI tokenUrl;
    private final URI apiUrl;
    private final HttpClient http;

    GitHubProvider(String clientId, String clientSecret, URI authorizeUrl, URI tokenUrl, URI apiUrl, HttpClient http) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.authorizeUrl = authorizeUrl;
        this.tokenUrl = tokenUrl;
        this.apiUrl = apiUrl;
        this.http = http;
    }

    @Override
    public String name() {
        return "github";
    }

    @Override
    public URI authorizeUrl(String state, URI callbackUrl) {
        return URI.create(authorizeUrl + "?"
                + form(Map.of(
                        "client_id",
                        clientId,
                        "redirect_uri",
                        callbackUrl.toString(),
                        "scope",
                        "read:user user:email",
                        "state",
                        state,
                        "allow_signup",
                        "true")));
    }

    @Override
    public Profile exchange(String code, URI callbackUrl) throws OAuthException {
        JsonNode token = send(HttpRequest.newBuilder(tokenUrl)
                .header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of(
                        "client_id", clientId,
                        "client_secret", clientSecret,
                        "code", code,
                        "redirect_uri", callbackUrl.toString())))));
        String accessToken = token.path("access_token").asString("");
        if (accessToken.isEmpty()) {
            throw new OAuthException(
                    "exchange_failed",
                    "GitHub returned no access token: " + token.path("error").asString("unknown"));
        }
        JsonNode user = send(api("/user", accessToken));
        String id = user.path("id").asString("");
        if (id.isEmpty()) throw new OAuthException("exchange_failed", "GitHub profile has no id");
        String login = user.path("login").asString("");
        String email = user.path("email").asString("");
        if (email.isEmpty()) {
            for (JsonNode e : send(api("/user/emails", accessToken))) {
                if (e.path("primary").asBoolean(false) && e.path("verified").asBoolean(false)) {
                    email = e.path("email").asString("");
                    break;
                }
            }
        }
        if (email.isEmpty()) {
            throw new OAuthException("exchange_failed", "GitHub account has no primary verified email");
        }
        return new Profile(id, email, login);
    }

    private HttpRequest.Builder api(String path, String accessToken) {
        return HttpRequest.newBuilder(URI.create(apiUrl + path))
                .header("Accept", "application/vnd.github+json")
                .header("Authorization", "Bearer " + accessToken)
                .header("X-GitHub-Api-Version", "2022-11-28")
                .GET();
    }

    private JsonNode send(HttpRequest.Builder request) throws OAuthException {
        try {
            var response = http.send(
                    request.timeout(TIMEOUT).header("User-Agent", "wrenn").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() / 100 != 2) {
                throw new OAuthException(
                        "exchange_failed",
                        "GitHub answered " + response.statusCode() + " for "
                                + response.uri().getPath());
            }
            return JsonBody.MAPPER.readTree(response.body());
        } catch (IOException | JacksonException e) {
            throw new OAuthException("exchange_failed", "talking to GitHub failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OAuthException("exchange_failed", "interrupted while talking to GitHub", e);
        }
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
