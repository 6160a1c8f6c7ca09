package dev.wrenn.cli.client;

import dev.wrenn.settings.Settings;
import picocli.CommandLine.Option;

/** Where the API is and how to authenticate: flags, else environment variables. */
public final class ApiOptions {
    @Option(names = "--url", description = "API base URL (env WRENN_URL, default http://localhost:8080).")
    String url;

    @Option(names = "--api-key", description = "API key (env WRENN_API_KEY).")
    String apiKey;

    @Option(names = "--json", description = "Print the API's JSON instead of text for people.")
    public boolean json;

    public String url() {
        String env = Settings.env("WRENN_URL");
        String u = url != null ? url : env != null && !env.isBlank() ? env : "http://localhost:8080";
        // Without a scheme the JDK's client would fail with a puzzling "invalid URI scheme localhost".
        if (!u.startsWith("http://") && !u.startsWith("https://")) {
            throw new CliException("the API URL must start with http:// or https://, got '" + u + "'", 2);
        }
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    public String apiKey() {
        String k = apiKey != null ? apiKey : Settings.env("WRENN_API_KEY");
        if (k == null || k.isBlank()) {
            throw new CliException(
                    "no API key: pass --api-key or set WRENN_API_KEY (create one with POST /v1/api-keys)");
        }
        return k;
    }

    public ApiClient client() {
        return new ApiClient(url(), apiKey());
    }
}
