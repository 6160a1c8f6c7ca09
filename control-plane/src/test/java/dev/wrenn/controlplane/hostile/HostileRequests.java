package dev.wrenn.controlplane.hostile;

import dev.wrenn.controlplane.hostile.RouteCatalog.Operation;
import dev.wrenn.controlplane.testing.ApiClient;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Builds one hostile request for an operation from a generator: target bytes, headers, body, and its intent. */
final class HostileRequests {
    /** Routes the shared sandbox's real id may go to: ones that cannot stop, pause or freeze it. */
    private static final Pattern SAFE_WITH_REAL_ID =
            Pattern.compile(".*/(exec|ping|metrics|files/.*|fs/.*|processes.*)$|^GET .*");

    record Input(byte[] target, Map<String, String> headers, byte[] body, boolean mustFail) {
        String describe() {
            String t = new String(target, StandardCharsets.ISO_8859_1);
            String b = body == null ? "-" : new String(body, StandardCharsets.UTF_8);
            return HostileInputIT.abbreviate(t) + " headers " + HostileInputIT.abbreviate(headers.toString()) + " body "
                    + HostileInputIT.abbreviate(b);
        }
    }

    private HostileRequests() {}

    static Input of(HostileGen gen, Operation op, String sandbox, Map<String, String> auth, boolean create) {
        boolean realId = gen.chance(60) && SAFE_WITH_REAL_ID.matcher(op.name()).matches();
        var target = new java.io.ByteArrayOutputStream();
        var matcher = Pattern.compile("\\{([^}]+)}").matcher(op.template());
        int last = 0;
        while (matcher.find()) {
            target.writeBytes(op.template().substring(last, matcher.start()).getBytes(StandardCharsets.UTF_8));
            String param = matcher.group(1);
            boolean sandboxParam = param.equals("id") || param.equals("sandboxID");
            if (sandboxParam && realId) target.writeBytes(sandbox.getBytes(StandardCharsets.UTF_8));
            else if (param.equals("pid") && gen.chance(40)) {
                target.writeBytes(gen.pick(List.of("0", "-1", "99999999999", "1.5", "2147483648", "4194305"))
                        .getBytes(StandardCharsets.UTF_8));
            } else target.writeBytes(gen.segment());
            last = matcher.end();
        }
        target.writeBytes(op.template().substring(last).getBytes(StandardCharsets.UTF_8));
        target.writeBytes(query(gen, op));
        var headers = new LinkedHashMap<String, String>();
        if (gen.chance(88)) headers.putAll(auth);
        else if (gen.chance(50))
            headers.put("X-API-Key", "wrn_" + gen.pick(HostileGen.NASTY).replaceAll("[\\r\\n]", ""));
        byte[] body = null;
        boolean mustFail = false;
        if ("application/json".equals(op.bodyType())) {
            int roll = gen.random().nextInt(10);
            if (create || roll < 6) {
                body = gen.object(op.bodySchema(), create).getBytes(StandardCharsets.UTF_8);
                mustFail = create;
            } else {
                body = roll < 9 ? gen.brokenBody() : gen.value().getBytes(StandardCharsets.UTF_8);
                mustFail = true;
            }
            String type = create ? "application/json" : gen.contentType("application/json");
            if (type != null) headers.put("Content-Type", type);
        } else if (op.bodyType() != null && op.bodyType().startsWith("multipart/")) {
            var mp = Multiparts.broken(gen, gen.chance(50) ? "/tmp/hostile.txt" : gen.string());
            body = mp.bytes();
            if (mp.contentType() != null) headers.put("Content-Type", mp.contentType());
        } else if (gen.chance(30)) {
            body = gen.brokenBody();
        }
        // Without credentials the answer must be a refusal whatever the rest says.
        if (!headers.containsKey("X-API-Key") && !op.template().startsWith("/v1/auth")) mustFail = true;
        return new Input(target.toByteArray(), headers, body, mustFail);
    }

    private static byte[] query(HostileGen gen, Operation op) {
        var out = new java.io.ByteArrayOutputStream();
        char sep = '?';
        for (var p : op.query()) {
            if (!p.required() && gen.chance(40)) continue;
            out.write(sep);
            sep = '&';
            out.writeBytes((p.name() + "=").getBytes(StandardCharsets.UTF_8));
            byte[] value = gen.chance(50)
                    ? HostileGen.encode(gen.string()).getBytes(StandardCharsets.ISO_8859_1)
                    : gen.segment();
            out.writeBytes(value);
            if (gen.chance(15)) out.writeBytes(("&" + p.name() + "=dup").getBytes(StandardCharsets.UTF_8));
        }
        if (gen.chance(25)) {
            out.write(sep);
            out.writeBytes(gen.segment());
            out.writeBytes("=%ZZ&&=".getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }

    /** A create that went through anyway is destroyed, so one finding does not leave a VM running. */
    static void cleanUp(ApiClient api, RawHttp.Answer answer) {
        try {
            var json = ApiClient.JSON.readTree(answer.body());
            String id = json.path("id").asString(json.path("sandboxID").asString(""));
            if (!id.isEmpty()) api.delete("/v1/sandboxes/" + id);
        } catch (RuntimeException e) {
            // Nothing to clean when the answer had no id.
        }
    }
}
