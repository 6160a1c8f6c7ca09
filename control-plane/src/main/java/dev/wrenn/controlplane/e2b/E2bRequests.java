package dev.wrenn.controlplane.e2b;

import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.sandbox.SandboxService;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Strict reading of E2B request bodies: every field is either understood or refused with a 400
 * that names it, so a client never believes a setting took effect when it did not. A null value
 * is the field's absence (older SDKs send some fields as null).
 */
final class E2bRequests {
    private E2bRequests() {}

    /** The template E2B calls {@code base} is our default image. */
    static String template(String e2bName) {
        return e2bName.equals("base") ? SandboxService.DEFAULT_TEMPLATE : e2bName;
    }

    /** The E2B name of one of our templates: the default image is {@code base}. */
    static String alias(String template) {
        return template.equals(SandboxService.DEFAULT_TEMPLATE) ? "base" : template;
    }

    static void onlyKnown(JsonNode object, String where, Set<String> known) {
        for (var name : object.propertyNames()) {
            if (!known.contains(name)) {
                throw ApiException.invalid(
                        "'" + where + name + "' is not supported by this server (supported: " + known + ")");
            }
        }
    }

    static JsonNode field(JsonNode object, String name) {
        var node = object.get(name);
        return node == null || node.isNull() ? null : node;
    }

    static Optional<Boolean> bool(JsonNode object, String name) {
        var node = field(object, name);
        if (node == null) return Optional.empty();
        if (!node.isBoolean()) throw ApiException.invalid("'" + name + "' must be a boolean");
        return Optional.of(node.asBoolean());
    }

    static Optional<String> string(JsonNode object, String name) {
        var node = field(object, name);
        if (node == null) return Optional.empty();
        if (!node.isString()) throw ApiException.invalid("'" + name + "' must be a string");
        return Optional.of(node.asString());
    }

    static OptionalInt integer(JsonNode object, String name) {
        var node = field(object, name);
        if (node == null) return OptionalInt.empty();
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw ApiException.invalid("'" + name + "' must be an integer");
        }
        return OptionalInt.of(node.intValue());
    }

    /** {@code memory: false} (a file-system-only snapshot, a cold boot on resume) is not something Wrenn does. */
    static void memoryKept(JsonNode object, String name) {
        if (!bool(object, name).orElse(true)) {
            throw ApiException.invalid("'" + name + "': false is not supported: Wrenn pauses and resumes sandboxes"
                    + " with their memory, so processes survive a pause");
        }
    }

    /** A field Wrenn cannot honour yet is refused unless it asks for nothing (absent, null, empty). */
    static void unsupportedUnlessEmpty(JsonNode object, String name, String why) {
        var node = field(object, name);
        if (node == null || node.isEmpty() && (node.isArray() || node.isObject())) return;
        throw ApiException.invalid("'" + name + "' is not supported by this server: " + why);
    }
}
