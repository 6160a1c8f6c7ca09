package dev.wrenn.hostagent.guest.envd;

import dev.wrenn.hostagent.guest.connect.ConnectClient;
import dev.wrenn.hostagent.guest.connect.ConnectStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** envd's {@code filesystem.Filesystem} service in one guest, in domain types. */
public final class EnvdFilesystem {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration CALL = Duration.ofSeconds(60);
    private static final String SERVICE = "/filesystem.Filesystem/";

    private final ConnectClient connect;
    private final Function<String, Map<String, String>> headers;

    public EnvdFilesystem(ConnectClient connect, Function<String, Map<String, String>> headers) {
        this.connect = connect;
        this.headers = headers;
    }

    public Entry stat(String path, String user) throws IOException, InterruptedException {
        return entry(call("Stat", path(path), user).path("entry"));
    }

    /** The entries under {@code path}, down to {@code depth} levels (1: the directory's own entries). */
    public List<Entry> list(String path, int depth, String user) throws IOException, InterruptedException {
        ObjectNode req = path(path);
        req.put("depth", depth);
        List<Entry> out = new ArrayList<>();
        for (JsonNode e : call("ListDir", req, user).path("entries")) out.add(entry(e));
        return out;
    }

    public Entry makeDir(String path, String user) throws IOException, InterruptedException {
        return entry(call("MakeDir", path(path), user).path("entry"));
    }

    public Entry move(String source, String destination, String user) throws IOException, InterruptedException {
        ObjectNode req = JSON.createObjectNode();
        req.put("source", source);
        req.put("destination", destination);
        return entry(call("Move", req, user).path("entry"));
    }

    public void remove(String path, String user) throws IOException, InterruptedException {
        call("Remove", path(path), user);
    }

    /** Watches {@code path}; the caller must close the watch, which ends it in the guest too. */
    public Watch watch(String path, boolean recursive, String user) throws IOException, InterruptedException {
        ObjectNode req = path(path);
        req.put("recursive", recursive);
        return new Watch(connect.stream(SERVICE + "WatchDir", req, headers.apply(user), null));
    }

    private JsonNode call(String method, ObjectNode req, String user) throws IOException, InterruptedException {
        return connect.unary(SERVICE + method, req, headers.apply(user), CALL);
    }

    private static ObjectNode path(String path) {
        return JSON.createObjectNode().put("path", path);
    }

    static Entry entry(JsonNode e) {
        return new Entry(
                e.path("name").asString(""),
                enumName(e.path("type").asString(""), "FILE_TYPE_"),
                e.path("path").asString(""),
                // proto3 JSON writes int64 as a string; accept a number too.
                Long.parseLong(e.path("size").asString("0")),
                e.path("mode").asInt(0),
                e.path("permissions").asString(""),
                e.path("owner").asString(""),
                e.path("group").asString(""),
                e.path("modifiedTime").asString(null),
                e.path("symlinkTarget").asString(null));
    }

    /** {@code FILE_TYPE_DIRECTORY} to {@code directory}: the domain speaks without the enum's prefix. */
    static String enumName(String value, String prefix) {
        String v = value.startsWith(prefix) ? value.substring(prefix.length()) : value;
        return v.toLowerCase(Locale.ROOT);
    }

    /** The events of one WatchDir stream; keepalives are consumed here. */
    public static final class Watch implements AutoCloseable {
        private final ConnectStream stream;

        Watch(ConnectStream stream) {
            this.stream = stream;
        }

        /**
         * The next event: {@link WatchEvent#STARTED} once the guest's watch is in place, then changes;
         * null when the guest ended the watch.
         */
        public WatchEvent next() throws IOException {
            while (true) {
                JsonNode m = stream.next();
                if (m == null) return null;
                if (m.has("start")) return WatchEvent.STARTED;
                JsonNode fs = m.path("filesystem");
                if (!fs.isMissingNode()) {
                    return new WatchEvent(
                            enumName(fs.path("type").asString(""), "EVENT_TYPE_"),
                            fs.path("name").asString(""));
                }
            }
        }

        @Override
        public void close() throws IOException {
            stream.close();
        }
    }
}
