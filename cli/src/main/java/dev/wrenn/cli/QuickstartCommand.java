package dev.wrenn.cli;

import dev.wrenn.cli.client.ApiClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Command;
import tools.jackson.databind.JsonNode;

/**
 * {@code wrenn quickstart}: the server, plus a demo account with an API key, a sandbox, and Python
 * run in it, then keeps serving. The demo credentials are kept in the data dir (mode 0600) so a
 * second run reuses them.
 */
@Command(
        name = "quickstart",
        mixinStandardHelpOptions = true,
        description = "Start the platform, create a demo account, API key and sandbox, run Python in it, keep serving.")
final class QuickstartCommand extends ServerCommand {
    @Override
    public Integer call() throws Exception {
        Platform platform = start();
        String base = "http://localhost:" + platform.controlPlane.port();
        Path dataDir = platform.controlPlane.config().dataDir();
        String apiKey;
        String sandboxId;
        String output;
        try {
            apiKey = demoApiKey(base, dataDir.resolve("quickstart.properties"));
            var api = new ApiClient(base, apiKey);
            System.err.println("wrenn: starting a sandbox (a few seconds under software emulation)...");
            long t0 = System.nanoTime();
            JsonNode sandbox = api.postJson("/v1/sandboxes", Map.of("template", "minimal"));
            sandboxId = sandbox.path("id").asString();
            double bootSeconds = (System.nanoTime() - t0) / 1e9;
            JsonNode result = api.postJson(
                    "/v1/sandboxes/" + sandboxId + "/exec",
                    Map.of(
                            "cmd",
                            "python3",
                            "args",
                            java.util.List.of(
                                    "-c",
                                    "import platform; print(f'Hello from {platform.node()}: Python"
                                            + " {platform.python_version()}, 6*7 = {6*7}')")));
            output = result.path("stdout").asString().strip();
            System.err.printf("wrenn: sandbox %s up in %.1f s%n", sandboxId, bootSeconds);
        } catch (RuntimeException | IOException e) {
            platform.close();
            throw e;
        }
        return serve(platform, () -> {
            System.out.println();
            System.out.println("Wrenn is running at " + base + "  (data in " + dataDir + ")");
            System.out.println();
            System.out.println("Sandbox " + sandboxId + " ran Python:");
            System.out.println("  " + output);
            System.out.println();
            System.out.println("Your demo API key (kept in " + dataDir.resolve("quickstart.properties") + "):");
            System.out.println("  export WRENN_API_KEY=" + apiKey);
            System.out.println();
            System.out.println("Dashboard: " + base + "/  (log in as demo@wrenn.local with the password kept there)");
            System.out.println();
            System.out.println("Go on with curl:");
            System.out.println("  curl -s " + base + "/v1/sandboxes -H \"X-API-Key: $WRENN_API_KEY\"");
            System.out.println("  curl -s -X POST " + base + "/v1/sandboxes/" + sandboxId
                    + "/exec -H \"X-API-Key: $WRENN_API_KEY\" \\");
            System.out.println("       -H 'Content-Type: application/json' -d '{\"cmd\":\"uname -a\"}'");
            System.out.println("or with the CLI (in another terminal):");
            System.out.println("  ./wrenn sandbox exec " + sandboxId + " -- python3 -c 'print(2**10)'");
            System.out.println("  ./wrenn files put " + sandboxId + " ./README.md /root/README.md");
            System.out.println("  ./wrenn sandbox rm " + sandboxId);
            System.out.println("Press Ctrl-C to stop (sandboxes are destroyed; accounts and keys stay).");
        });
    }

    /** Logs into (or signs up) the demo account and returns an API key for it, reusing a kept one. */
    private static String demoApiKey(String base, Path file) throws IOException {
        var props = new Properties();
        if (Files.exists(file)) {
            try (var in = Files.newInputStream(file)) {
                props.load(in);
            }
        }
        var http = HttpClient.newHttpClient();
        String key = props.getProperty("api_key");
        if (key != null
                && status(
                                http,
                                HttpRequest.newBuilder(URI.create(base + "/v1/sandboxes"))
                                        .header("X-API-Key", key)
                                        .GET())
                        == 200) {
            return key;
        }
        String email = props.getProperty("email", "demo@wrenn.local");
        String password = props.getProperty("password");
        if (password == null) {
            byte[] b = new byte[16];
            new SecureRandom().nextBytes(b);
            password = HexFormat.of().formatHex(b);
        }
        String body = ApiClient.JSON.writeValueAsString(Map.of("email", email, "password", password));
        var login = post(http, base + "/v1/auth/login", body, null);
        if (login.statusCode() != 200) login = post(http, base + "/v1/auth/signup", body, null);
        if (login.statusCode() / 100 != 2) throw new IllegalStateException("demo sign-up failed: " + login.body());
        String token = ApiClient.JSON.readTree(login.body()).path("token").asString();
        var created = post(http, base + "/v1/api-keys", "{\"name\":\"quickstart\"}", token);
        if (created.statusCode() != 201)
            throw new IllegalStateException("creating the demo API key failed: " + created.body());
        key = ApiClient.JSON.readTree(created.body()).path("key").asString();
        props.setProperty("email", email);
        props.setProperty("password", password);
        props.setProperty("api_key", key);
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (var out = Files.newOutputStream(file)) {
            props.store(out, "wrenn quickstart demo account");
        }
        return key;
    }

    private static int status(HttpClient http, HttpRequest.Builder b) {
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static HttpResponse<String> post(HttpClient http, String url, String json, String bearer) {
        var b = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("request to " + url + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
