package dev.wrenn.sdk;

import dev.wrenn.sdk.http.Transport;
import dev.wrenn.sdk.sandbox.Sandboxes;
import dev.wrenn.sdk.template.Builds;
import dev.wrenn.sdk.template.Templates;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A client of a Wrenn server's {@code /v1} API, acting for the team of one API key. Thread-safe; make one and
 * share it. Closing it ends every stream and socket it opened and its threads (it does not destroy sandboxes:
 * close those, or let their time-to-live end them).
 *
 * <pre>{@code
 * try (Wrenn wrenn = Wrenn.fromEnvironment()) {            // WRENN_API_KEY, WRENN_URL
 *     ...
 * }
 * Wrenn wrenn = Wrenn.builder().apiKey("wrn_...").baseUrl("https://wrenn.example.com").build();
 * }</pre>
 */
public final class Wrenn implements AutoCloseable {
    /** Where a server started with {@code ./wrenn server} listens. */
    public static final String DEFAULT_URL = "http://127.0.0.1:8080";

    public static final String API_KEY_VARIABLE = "WRENN_API_KEY";
    public static final String URL_VARIABLE = "WRENN_URL";

    private final Transport transport;
    private final Sandboxes sandboxes;
    private final Templates templates;
    private final Builds builds;

    private Wrenn(Builder b) {
        this.transport = new Transport(b.baseUrl, b.apiKey, b.connectTimeout, b.requestTimeout);
        this.sandboxes = new Sandboxes(transport);
        this.templates = new Templates(transport);
        this.builds = new Builds(transport);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A client from {@code WRENN_API_KEY} and {@code WRENN_URL} (default {@value #DEFAULT_URL}). */
    public static Wrenn fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** The same from the given variables, e.g. read from a file. */
    public static Wrenn fromEnvironment(Map<String, String> env) {
        String key = env.get(API_KEY_VARIABLE);
        if (key == null || key.isBlank()) {
            throw new IllegalStateException(
                    API_KEY_VARIABLE + " is not set: create an API key (POST /v1/api-keys) and" + " export it");
        }
        String url = env.get(URL_VARIABLE);
        return builder()
                .apiKey(key.strip())
                .baseUrl(url == null || url.isBlank() ? DEFAULT_URL : url.strip())
                .build();
    }

    /** The server this client talks to. */
    public URI baseUrl() {
        return transport.base();
    }

    public Sandboxes sandboxes() {
        return sandboxes;
    }

    /** Base images and saved sandboxes. */
    public Templates templates() {
        return templates;
    }

    /** Templates built from recipes. */
    public Builds builds() {
        return builds;
    }

    /** Ends every stream and socket this client opened, and its threads. */
    @Override
    public void close() {
        transport.close();
    }

    public static final class Builder {
        private String apiKey;
        private URI baseUrl = URI.create(DEFAULT_URL);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofMinutes(2);

        private Builder() {}

        /** The team's API key ({@code wrn_...}), sent as {@code X-API-Key}. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /** The server's address, e.g. {@code https://wrenn.example.com}; a path is kept as a prefix. */
        public Builder baseUrl(String baseUrl) {
            return baseUrl(URI.create(baseUrl));
        }

        public Builder baseUrl(URI baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * How long a quick call may wait for its answer (2 min by default). Calls that take long by nature (create,
         * pause, resume, snapshot, a command with its own timeout, uploads) wait as long as the server may take.
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public Wrenn build() {
            if (apiKey == null || apiKey.isBlank()) throw new IllegalStateException("an API key is required");
            Objects.requireNonNull(baseUrl, "baseUrl");
            String scheme = baseUrl.getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                throw new IllegalArgumentException("the base URL must be http:// or https://, not " + baseUrl);
            }
            if (baseUrl.getHost() == null) throw new IllegalArgumentException("the base URL has no host: " + baseUrl);
            return new Wrenn(this);
        }
    }
}
