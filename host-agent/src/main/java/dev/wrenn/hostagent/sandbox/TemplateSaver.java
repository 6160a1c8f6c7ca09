package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.lifecycle.Teardown;
import dev.wrenn.hostagent.memory.MemoryImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a running sandbox into a template: pauses it, moves its state into the template store and
 * removes the sandbox. A clone's template stores only what differs from its parent template while
 * the chain policy allows; otherwise memory and disk are flattened so the template stands alone.
 */
final class TemplateSaver {
    private static final Logger log = LoggerFactory.getLogger(TemplateSaver.class);

    private final Lifecycle l;
    private final SandboxPauser pauser;
    private final GenerationPolicy generations;

    TemplateSaver(Lifecycle lifecycle, SandboxPauser pauser, GenerationPolicy generations) {
        this.l = lifecycle;
        this.pauser = pauser;
        this.generations = generations;
    }

    TemplateStore.Template save(String id, String name, boolean overwrite)
            throws SandboxException, InterruptedException {
        if (name == null || !name.matches(TemplateStore.NAME))
            throw invalid("template name must match " + TemplateStore.NAME);
        if (l.images().exists(name)) {
            throw new SandboxException(SandboxException.Reason.ALREADY_EXISTS, "'" + name + "' is a base image");
        }
        if (!overwrite && l.templates().find(name) != null) {
            throw new SandboxException(
                    SandboxException.Reason.ALREADY_EXISTS, "template '" + name + "' already exists");
        }
        Sandbox sb = l.registry().get(id);
        if (sb.state() != SandboxState.RUNNING) {
            throw new SandboxException(
                    SandboxException.Reason.WRONG_STATE,
                    "sandbox " + id + " is " + sb.state().name().toLowerCase() + ", not running");
        }
        pauser.pause(id);
        if (!sb.moveTo(SandboxState.STOPPING)) {
            throw new SandboxException(
                    SandboxException.Reason.WRONG_STATE, "sandbox " + id + " changed state while snapshotting");
        }
        try {
            return publish(sb, name);
        } catch (IOException | RuntimeException e) {
            throw new SandboxException(
                    SandboxException.Reason.HOST_ERROR,
                    "snapshot of " + id + " as " + name + " failed: " + e.getMessage(),
                    e);
        } finally {
            try {
                sb.teardown.close();
                sb.moveTo(SandboxState.STOPPED);
            } catch (Teardown.TeardownException e) {
                sb.moveTo(SandboxState.FAILED);
                l.registry().remove(sb);
            }
            if (sb.memory().templateGen() != null) l.registry().collectTemplates();
        }
    }

    private TemplateStore.Template publish(Sandbox sb, String name) throws IOException {
        SandboxDir dir = sb.files();
        PausedRecord rec = SandboxRecords.readPaused(dir);
        MemoryLayout m = sb.memory();
        Map<String, Path> files = new HashMap<>(Map.of("state", dir.state(rec.snapshot()), "disk.qcow2", dir.disk()));
        Path memoryBase = null;
        List<Path> parents = List.of();
        List<Path> dependsOn = List.of();
        String how;
        if (m.base() == null) {
            files.put("memory", dir.memory());
            how = "own RAM file";
        } else if (generations.templateExtendsChain(m)) {
            // Only what differs from the parent template: the clone's own memory generations folded
            // into one on top of the template's chain; the disk keeps the template's disk as backing.
            Path diff = dir.templateMemoryGeneration();
            try (MemoryImage img = MemoryImage.open(m.base(), m.chain())) {
                img.compact(m.templateGenerations(), diff);
            }
            files.put("memory.diff", diff);
            memoryBase = m.base();
            parents = m.chain().subList(0, m.templateGenerations());
            List<Path> deps = new ArrayList<>();
            deps.add(m.templateGen());
            deps.addAll(TemplateStore.readGen(m.templateGen()).dependsOn());
            dependsOn = deps;
            how = "memory generation " + (m.templateGenerations() + 1) + " over "
                    + m.templateGen().getParent().getFileName();
        } else {
            // The chain would grow too long: flatten memory into a new full RAM file and the disk
            // onto the base image, so that the new template depends on no other template.
            Path full = dir.memory();
            try (MemoryImage img = MemoryImage.open(m.base(), m.chain())) {
                img.materialize(full);
            }
            l.engine().disks().rebaseOnto(dir.disk(), sb.image());
            files.put("memory", full);
            how = "chain compacted: own RAM file, disk rebased onto the base image";
        }
        TemplateStore.Template t = l.templates()
                .publish(
                        name,
                        sb.image().name(),
                        sb.vcpus(),
                        sb.memoryMb(),
                        sb.diskMb(),
                        sb.token(),
                        files,
                        memoryBase,
                        parents,
                        dependsOn,
                        l.registry()::templateGensInUse);
        log.info("sandbox {} saved as template {} ({}; {} MB on disk)", sb.id(), name, how, t.sizeBytes() >> 20);
        return t;
    }

    void delete(String name) throws SandboxException {
        if (l.templates().find(name) == null) {
            if (l.images().exists(name)) {
                throw new SandboxException(
                        SandboxException.Reason.WRONG_STATE, "'" + name + "' is a base image and cannot be deleted");
            }
            throw new SandboxException(SandboxException.Reason.NOT_FOUND, "no template '" + name + "'");
        }
        try {
            l.templates().delete(name, l.registry().templateGensInUse());
        } catch (IOException e) {
            throw new SandboxException(
                    SandboxException.Reason.HOST_ERROR, "deleting template " + name + ": " + e.getMessage(), e);
        }
    }

    private static SandboxException invalid(String message) {
        return new SandboxException(SandboxException.Reason.INVALID_ARGUMENT, message);
    }
}
