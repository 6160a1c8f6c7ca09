package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.lifecycle.Teardown;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live sandboxes of this agent by id, and the cleanup every lifecycle step shares when it fails.
 * Also what keeps templates alive: a template generation stays while a sandbox here uses it.
 */
final class SandboxRegistry {
    private static final Logger log = LoggerFactory.getLogger(SandboxRegistry.class);

    private final Map<String, Sandbox> sandboxes = new ConcurrentHashMap<>();
    private final TemplateStore templates;

    SandboxRegistry(TemplateStore templates) {
        this.templates = templates;
    }

    /** Adds the sandbox, its removal registered on its own teardown; false if the id is taken. */
    boolean add(Sandbox sb) {
        if (sandboxes.putIfAbsent(sb.id(), sb) != null) return false;
        sb.teardown.add("registry", () -> sandboxes.remove(sb.id(), sb));
        return true;
    }

    void remove(Sandbox sb) {
        sandboxes.remove(sb.id(), sb);
    }

    Sandbox get(String id) throws SandboxException {
        Sandbox sb = id == null ? null : sandboxes.get(id);
        if (sb == null) throw new SandboxException(SandboxException.Reason.NOT_FOUND, "no sandbox " + id);
        return sb;
    }

    Collection<Sandbox> list() {
        return List.copyOf(sandboxes.values());
    }

    /**
     * A step failed for good: the sandbox is FAILED, what its incarnation held ({@code runtime}, may
     * be null) is released first, then what it owns. Returns the errors of the cleanup, logged.
     */
    List<Exception> release(Sandbox sb, Teardown runtime, String step) {
        sb.moveTo(SandboxState.FAILED);
        sb.stopRunning();
        List<Exception> errors = new ArrayList<>();
        if (runtime != null) errors.addAll(runtime.runAll());
        errors.addAll(sb.teardown.runAll());
        if (!errors.isEmpty()) log.warn("cleanup after failed {} of {} had {} error(s)", step, sb.id(), errors.size());
        return errors;
    }

    /** Removes template generations no live sandbox and no current template needs (and half-written ones). */
    void collectTemplates() {
        try {
            templates.gcAll(templateGensInUse());
        } catch (IOException e) {
            log.warn("template gc: {}", e.getMessage());
        }
    }

    Set<Path> templateGensInUse() {
        Set<Path> out = new HashSet<>();
        for (Sandbox s : sandboxes.values()) {
            Path g = s.memory().templateGen();
            if (g != null && !s.state().isTerminal()) out.add(g.toAbsolutePath().normalize());
        }
        return out;
    }
}
