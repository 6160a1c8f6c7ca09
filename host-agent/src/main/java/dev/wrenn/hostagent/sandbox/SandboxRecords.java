package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.storage.DurableFiles;
import dev.wrenn.hostagent.vm.Snapshottable.RamMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The only code that reads or writes a sandbox's durable records ({@link RunningRecord},
 * {@link PausedRecord}). Records are versioned JSON, written atomically with mode 0600 (they hold
 * the guest token); a record that is damaged, incomplete or from a newer agent is refused whole, so
 * that nothing acts on half of one.
 */
final class SandboxRecords {
    /** The layout written now. A record without a version is of the first layout, which this is. */
    static final int VERSION = 1;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,48}");

    /** A record that exists but cannot be trusted. */
    static final class DamagedRecordException extends IOException {
        DamagedRecordException(Path file, String why) {
            super(file + ": " + why);
        }
    }

    private SandboxRecords() {}

    static void write(SandboxDir dir, RunningRecord r) throws IOException {
        ObjectNode j = common(r.identity(), r.memory());
        j.put("slot", r.slot());
        j.put("vmm_pid", r.vmmPid());
        write(dir.runningRecord(), j);
    }

    static void write(SandboxDir dir, PausedRecord r) throws IOException {
        ObjectNode j = common(r.identity(), r.memory());
        j.put("snapshot", r.snapshot());
        j.put("paused_at_unix_ms", r.pausedAtUnixMs());
        write(dir.pausedRecord(), j);
    }

    static RunningRecord readRunning(SandboxDir dir) throws IOException {
        Path file = dir.runningRecord();
        JsonNode j = read(file);
        int slot = j.path("slot").asInt(-1);
        long pid = j.path("vmm_pid").asLong(-1);
        if (!j.path("slot").isIntegralNumber() || slot < 0) throw new DamagedRecordException(file, "no slot");
        if (!j.path("vmm_pid").isIntegralNumber() || pid <= 0) throw new DamagedRecordException(file, "no vmm_pid");
        return new RunningRecord(identity(file, j), memory(file, j), slot, pid);
    }

    static PausedRecord readPaused(SandboxDir dir) throws IOException {
        Path file = dir.pausedRecord();
        JsonNode j = read(file);
        String snapshot = j.path("snapshot").asString("");
        if (!snapshot.matches("snap-[0-9]+")) throw new DamagedRecordException(file, "no snapshot dir");
        return new PausedRecord(
                identity(file, j),
                memory(file, j),
                snapshot,
                j.path("paused_at_unix_ms").asLong());
    }

    private static ObjectNode common(SandboxIdentity id, MemoryLayout m) {
        ObjectNode j = JSON.createObjectNode();
        j.put("version", VERSION);
        j.put("id", id.id());
        j.put("template", id.template());
        j.put("image", id.image());
        j.put("vcpus", id.vcpus());
        j.put("memory_mb", id.memoryMb());
        j.put("disk_mb", id.diskMb());
        j.put("created_at_unix_ms", id.createdAtUnixMs());
        j.put("token", id.token());
        j.put("ram", m.ram().name());
        if (m.base() != null) {
            j.put("memory_base", m.base().toString());
            var chain = j.putArray("memory_chain");
            m.chain().forEach(p -> chain.add(p.toString()));
            j.put("template_generations", m.templateGenerations());
        }
        if (m.templateGen() != null) j.put("template_gen", m.templateGen().toString());
        return j;
    }

    private static void write(Path file, ObjectNode j) throws IOException {
        DurableFiles.writeAtomically(file, JSON.writeValueAsBytes(j), PosixFilePermissions.fromString("rw-------"));
    }

    private static JsonNode read(Path file) throws IOException {
        JsonNode j;
        try {
            j = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw e;
        } catch (JacksonException e) {
            throw new DamagedRecordException(file, "not JSON (" + e.getOriginalMessage() + ")");
        }
        if (j == null || !j.isObject()) throw new DamagedRecordException(file, "not a JSON object");
        int version = j.path("version").asInt(VERSION);
        if (version != VERSION) {
            throw new DamagedRecordException(file, "layout version " + version + ", this agent reads " + VERSION);
        }
        return j;
    }

    private static SandboxIdentity identity(Path file, JsonNode j) throws DamagedRecordException {
        String id = j.path("id").asString("");
        if (!ID.matcher(id).matches()) throw new DamagedRecordException(file, "bad id '" + id + "'");
        String template = text(file, j, "template");
        String image = text(file, j, "image");
        String token = text(file, j, "token");
        int vcpus = j.path("vcpus").asInt(0);
        int memoryMb = j.path("memory_mb").asInt(0);
        if (vcpus < 1 || memoryMb < 1) throw new DamagedRecordException(file, "no vcpus or memory_mb");
        return new SandboxIdentity(
                id,
                template,
                image,
                vcpus,
                memoryMb,
                j.path("created_at_unix_ms").asLong(),
                token,
                // absent in an older agent's record: its disk is the image's size
                Math.max(0, j.path("disk_mb").asInt(0)));
    }

    private static MemoryLayout memory(Path file, JsonNode j) throws DamagedRecordException {
        RamMode ram;
        try {
            ram = RamMode.valueOf(j.path("ram").asString(""));
        } catch (IllegalArgumentException e) {
            throw new DamagedRecordException(
                    file, "unknown ram mode '" + j.path("ram").asString("") + "'");
        }
        Path templateGen =
                j.hasNonNull("template_gen") ? Path.of(j.path("template_gen").asString()) : null;
        if (ram == RamMode.SHARED_FILE) return new MemoryLayout(null, List.of(), 0, templateGen);
        Path base = Path.of(text(file, j, "memory_base"));
        if (!j.path("memory_chain").isArray()) throw new DamagedRecordException(file, "no memory_chain");
        List<Path> chain = new ArrayList<>();
        for (JsonNode c : j.path("memory_chain")) chain.add(Path.of(c.asString()));
        try {
            return new MemoryLayout(base, chain, j.path("template_generations").asInt(0), templateGen);
        } catch (IllegalArgumentException e) {
            throw new DamagedRecordException(file, e.getMessage());
        }
    }

    private static String text(Path file, JsonNode j, String field) throws DamagedRecordException {
        String v = j.path(field).asString("");
        if (v.isEmpty()) throw new DamagedRecordException(file, "no " + field);
        return v;
    }
}
