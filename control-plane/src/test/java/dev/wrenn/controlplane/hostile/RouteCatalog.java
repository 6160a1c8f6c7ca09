package dev.wrenn.controlplane.hostile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Every operation of a served OpenAPI document (read from the running server, so a new route is covered without
 * touching the suite), with what a generator needs: its path and query parameters and its request body's schema.
 */
final class RouteCatalog {
    /** Which error shape a surface answers in. */
    enum Surface {
        WRENN,
        E2B
    }

    record Param(String name, boolean required, JsonNode schema) {}

    /** One method on one path; {@code bodySchema} is resolved through {@code $ref}, null without a JSON body. */
    record Operation(
            Surface surface,
            String method,
            String template,
            List<String> pathParams,
            List<Param> query,
            String bodyType,
            JsonNode bodySchema,
            boolean socket) {
        String name() {
            return method + " " + template;
        }

        boolean hasPathParam(String name) {
            return pathParams.contains(name);
        }
    }

    private RouteCatalog() {}

    static List<Operation> parse(Surface surface, byte[] yaml) {
        JsonNode doc = new YAMLMapper().readTree(yaml);
        var ops = new ArrayList<Operation>();
        for (var path : doc.get("paths").propertyNames()) {
            JsonNode item = doc.get("paths").get(path);
            for (var method : item.propertyNames()) {
                if (!List.of("get", "post", "put", "delete", "patch").contains(method)) continue;
                JsonNode op = item.get(method);
                var params = new ArrayList<JsonNode>();
                item.path("parameters").forEach(params::add);
                op.path("parameters").forEach(params::add);
                var pathParams = new ArrayList<String>();
                var query = new ArrayList<Param>();
                for (JsonNode p : params) {
                    p = resolve(doc, p);
                    String in = p.path("in").asString("");
                    if (in.equals("path")) pathParams.add(p.get("name").asString());
                    if (in.equals("query")) {
                        query.add(new Param(
                                p.get("name").asString(),
                                p.path("required").asBoolean(false),
                                resolve(doc, p.path("schema"))));
                    }
                }
                String bodyType = null;
                JsonNode bodySchema = null;
                JsonNode content = op.path("requestBody").path("content");
                if (!content.isMissingNode() && !content.isEmpty()) {
                    bodyType = content.propertyNames().iterator().next();
                    bodySchema = resolve(doc, content.get(bodyType).path("schema"));
                }
                boolean socket = op.path("responses").has("101")
                        || op.path("description")
                                .asString("")
                                .toLowerCase(Locale.ROOT)
                                .contains("websocket");
                ops.add(new Operation(
                        surface,
                        method.toUpperCase(Locale.ROOT),
                        path,
                        List.copyOf(pathParams),
                        List.copyOf(query),
                        bodyType,
                        bodySchema,
                        socket));
            }
        }
        return ops;
    }

    /** Follows local {@code $ref}s; one level of {@code allOf} is merged for its properties. */
    static JsonNode resolve(JsonNode doc, JsonNode node) {
        for (int i = 0; i < 10 && node != null && node.has("$ref"); i++) {
            String ref = node.get("$ref").asString();
            JsonNode target = doc;
            for (String part : ref.substring(2).split("/")) target = target.path(part);
            node = target;
        }
        return node;
    }
}
