package dev.wrenn.controlplane.e2b;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The E2B surface's contract ({@code api/e2b-openapi.yaml}, the file the server serves): every
 * response an E2B test receives is checked against it, errors against its flat Error with the
 * body's {@code code} equal to the HTTP status.
 */
final class E2bContract {
    private static final E2bContract INSTANCE = load();

    private final JsonNode document;
    private final Map<String, Pattern> paths = new java.util.LinkedHashMap<>();
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaRegistryConfig(
                    SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    private final Map<String, Schema> cache = new ConcurrentHashMap<>();

    private E2bContract(JsonNode document) {
        this.document = document;
        for (var name : document.get("paths").propertyNames()) {
            String regex = Pattern.quote(name).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
            paths.put(name, Pattern.compile("^" + regex + "$"));
        }
    }

    static E2bContract get() {
        return INSTANCE;
    }

    private static E2bContract load() {
        try (InputStream in = E2bContract.class.getResourceAsStream(E2bRoutes.OPENAPI_RESOURCE)) {
            return new E2bContract(new YAMLMapper().readTree(in));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    Optional<String> template(String path) {
        return paths.entrySet().stream()
                .filter(e -> e.getValue().matcher(path).matches())
                .map(Map.Entry::getKey)
                .findFirst();
    }

    /** Problems with a JSON response; an empty list when it conforms. */
    List<String> violations(String method, String path, int status, JsonNode body) {
        var out = new ArrayList<String>();
        JsonNode schemaNode;
        var template = template(path);
        JsonNode operation = template.map(t -> document.get("paths").get(t).get(method.toLowerCase()))
                .orElse(null);
        JsonNode response =
                operation == null ? null : operation.path("responses").get(Integer.toString(status));
        if (status >= 400) {
            schemaNode = document.path("components").path("schemas").get("Error");
            if (body.path("code").asInt(-1) != status) out.add("error code " + body.path("code") + " != " + status);
            // Every route may fail authentication or internally; a method the document lacks is an unknown route.
            if (operation != null && response == null && status != 401 && status != 500) {
                out.add("the contract lists no " + status + " for " + method + " " + template.get());
            }
        } else if (response == null) {
            return List.of("the contract declares no " + status + " for " + method + " " + path);
        } else {
            schemaNode = response.path("content").path("application/json").get("schema");
            if (schemaNode == null) return List.of("the contract declares no JSON body for " + method + " " + path);
        }
        for (var e : schema(schemaNode).validate(body)) out.add(e.toString());
        return out;
    }

    private Schema schema(JsonNode node) {
        return cache.computeIfAbsent(node.toString(), k -> {
            ObjectNode wrapper = ((ObjectNode) node).deepCopy();
            wrapper.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            wrapper.set("components", document.get("components"));
            return registry.getSchema(wrapper);
        });
    }
}
