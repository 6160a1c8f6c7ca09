package dev.wrenn.controlplane.testing;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.wrenn.controlplane.http.HttpApp;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The API contract ({@code api/openapi.yaml}, the very file the server serves), used to check
 * responses with a JSON Schema 2020-12 validator (OpenAPI 3.1's schema dialect).
 *
 * <p>The contract marks optional values with OpenAPI 3.0's {@code nullable: true}, which 3.1 no
 * longer reads; it is translated to {@code type: [T, "null"]} so that its intent is checked
 * rather than ignored. Error statuses the contract does not list for an operation (every route
 * can answer 401 or 500) are checked against the {@code Error} schema.
 */
public final class OpenApiContract {
    private static final OpenApiContract INSTANCE = load();

    private final JsonNode document;
    private final List<PathTemplate> paths;
    private final SchemaRegistry registry;
    private final Map<String, Schema> cache = new ConcurrentHashMap<>();

    private OpenApiContract(JsonNode document) {
        this.document = document;
        this.paths = new ArrayList<>();
        for (var name : document.get("paths").propertyNames()) paths.add(PathTemplate.of(name));
        this.registry = SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_2020_12,
                b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder()
                        .formatAssertionsEnabled(true)
                        .build()));
    }

    public static OpenApiContract get() {
        return INSTANCE;
    }

    private static OpenApiContract load() {
        try (InputStream in = OpenApiContract.class.getResourceAsStream(HttpApp.OPENAPI_RESOURCE)) {
            JsonNode doc = new YAMLMapper().readTree(in);
            translateNullable(doc);
            return new OpenApiContract(doc);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void translateNullable(JsonNode node) {
        if (node instanceof ObjectNode obj) {
            if (obj.path("nullable").asBoolean(false)
                    && obj.get("type") != null
                    && obj.get("type").isString()) {
                ArrayNode types =
                        obj.arrayNode().add(obj.get("type").asString()).add("null");
                obj.set("type", types);
                obj.remove("nullable");
            }
            for (var child : obj) translateNullable(child);
        } else if (node instanceof ArrayNode arr) {
            for (var child : arr) translateNullable(child);
        }
    }

    /** The contract's path template matching a concrete path, e.g. {@code /v1/api-keys/{id}}. */
    public Optional<String> template(String path) {
        return paths.stream()
                .filter(t -> t.matches(path))
                .map(PathTemplate::template)
                .findFirst();
    }

    /**
     * Problems with a JSON response body, or an empty list when it conforms. Throws when the
     * contract does not know the route at all, so a test cannot validate against nothing.
     */
    public List<String> violations(String method, String path, int status, JsonNode body) {
        String template =
                template(path).orElseThrow(() -> new AssertionError("the contract has no path matching " + path));
        JsonNode operation = document.get("paths").get(template).get(method.toLowerCase());
        if (operation == null && status < 400) {
            throw new AssertionError("the contract has no " + method + " " + template);
        }
        JsonNode response =
                operation == null ? null : operation.path("responses").get(Integer.toString(status));
        JsonNode schemaNode;
        if (response != null) {
            schemaNode = response.path("content").path("application/json").get("schema");
            if (schemaNode == null) {
                return List.of("the contract declares no JSON body for " + method + " " + template + " " + status);
            }
        } else if (status >= 400) {
            schemaNode = document.path("components").path("schemas").get("Error");
        } else {
            return List.of("the contract declares no " + status + " response for " + method + " " + template);
        }
        var errors = schema(schemaNode).validate(body);
        var out = new ArrayList<String>();
        for (Error e : errors) out.add(e.toString());
        if (status >= 400
                && (body.path("error").path("code").asString("").isEmpty()
                        || body.path("error").path("message").asString("").isEmpty())) {
            out.add("error envelope needs a non-empty error.code and error.message: " + body);
        }
        return out;
    }

    /** Checks an arbitrary value against a named component schema, e.g. {@code Sandbox}. */
    public List<String> violationsOf(String componentSchema, JsonNode value) {
        var node = document.path("components").path("schemas").get(componentSchema);
        if (node == null) throw new AssertionError("no component schema " + componentSchema);
        var out = new ArrayList<String>();
        for (Error e : schema(node).validate(value)) out.add(e.toString());
        return out;
    }

    private Schema schema(JsonNode schemaNode) {
        return cache.computeIfAbsent(schemaNode.toString(), k -> {
            // Wrap the schema with the document's components so that "#/components/..." resolves.
            ObjectNode wrapper = ((ObjectNode) schemaNode).deepCopy();
            wrapper.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            wrapper.set("components", document.get("components"));
            return registry.getSchema(wrapper);
        });
    }

    private record PathTemplate(String template, Pattern pattern) {
        static PathTemplate of(String template) {
            String regex = Pattern.quote(template).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
            return new PathTemplate(template, Pattern.compile("^" + regex + "$"));
        }

        boolean matches(String path) {
            return pattern.matcher(path).matches();
        }
    }
}
