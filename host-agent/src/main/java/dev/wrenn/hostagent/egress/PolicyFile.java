package dev.wrenn.hostagent.egress;

import dev.wrenn.hostagent.storage.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A sandbox's policy on disk (network.json in its directory): written at create and on every update,
 * read at resume and adoption, so pause, resume and agent restarts keep it.
 */
public final class PolicyFile {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private PolicyFile() {}

    public static void write(Path file, NetworkPolicy p) throws IOException {
        ObjectNode j = JSON.createObjectNode();
        j.put("allow_internet_access", p.allowInternet());
        p.allowOut().forEach(j.putArray("allow_out")::add);
        p.denyOut().forEach(j.putArray("deny_out")::add);
        DurableFiles.writeAtomically(file, JSON.writeValueAsBytes(j), PosixFilePermissions.fromString("rw-------"));
    }

    /** The saved policy; {@link NetworkPolicy#OPEN} for a sandbox from before policies existed. */
    public static NetworkPolicy read(Path file) throws IOException {
        if (!Files.exists(file)) return NetworkPolicy.OPEN;
        JsonNode j = JSON.readTree(Files.readAllBytes(file));
        return new NetworkPolicy(
                j.path("allow_internet_access").asBoolean(true), list(j.path("allow_out")), list(j.path("deny_out")));
    }

    private static List<String> list(JsonNode a) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : a) out.add(e.asString());
        return out;
    }
}
