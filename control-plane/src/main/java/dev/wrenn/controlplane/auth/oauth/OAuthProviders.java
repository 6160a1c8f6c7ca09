package dev.wrenn.controlplane.auth.oauth;

import dev.wrenn.controlplane.config.ControlPlaneConfig;
import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The configured providers by name; a provider without credentials is simply absent. */
public final class OAuthProviders {
    private final Map<String, OAuthProvider> byName;

    public OAuthProviders(Iterable<OAuthProvider> providers) {
        var map = new LinkedHashMap<String, OAuthProvider>();
        for (var p : providers) map.put(p.name(), p);
        this.byName = Map.copyOf(map);
    }

    public static OAuthProviders fromConfig(ControlPlaneConfig config, HttpClient http) {
        var list = new java.util.ArrayList<OAuthProvider>();
        var gh = config.github();
        if (gh.enabled()) {
            list.add(new GitHubProvider(
                    gh.clientId().orElseThrow(),
                    gh.clientSecret().orElseThrow(),
                    gh.authorizeUrl(),
                    gh.tokenUrl(),
                    gh.apiUrl(),
                    http));
        }
        return new OAuthProviders(list);
    }

    public Optional<OAuthProvider> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public boolean isEmpty() {
        return byName.isEmpty();
    }
}
