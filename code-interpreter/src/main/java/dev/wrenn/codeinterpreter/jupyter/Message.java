package dev.wrenn.codeinterpreter.jupyter;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** One Jupyter message (messaging spec 5.3): the four JSON dicts; binary buffers are not used by this server. */
public record Message(
        Map<String, Object> header,
        Map<String, Object> parentHeader,
        Map<String, Object> metadata,
        Map<String, Object> content) {

    public static final String PROTOCOL_VERSION = "5.3";

    /** A new request of {@code type} in {@code session}, with a fresh msg_id. */
    public static Message request(String session, String type, Map<String, Object> content) {
        var header = new LinkedHashMap<String, Object>();
        header.put("msg_id", UUID.randomUUID().toString());
        header.put("session", session);
        header.put("username", "wrenn");
        header.put("date", Instant.now().toString());
        header.put("msg_type", type);
        header.put("version", PROTOCOL_VERSION);
        return new Message(header, Map.of(), Map.of(), content);
    }

    public String id() {
        return string(header, "msg_id");
    }

    public String type() {
        return string(header, "msg_type");
    }

    /** The msg_id of the request this message answers or reports on; null for unsolicited messages. */
    public String parentId() {
        return string(parentHeader, "msg_id");
    }

    public String date() {
        return string(header, "date");
    }

    private static String string(Map<String, Object> m, String key) {
        return m.get(key) instanceof String s ? s : null;
    }
}
