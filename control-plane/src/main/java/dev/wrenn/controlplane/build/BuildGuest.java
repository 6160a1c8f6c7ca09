package dev.wrenn.controlplane.build;

import dev.wrenn.controlplane.db.Ids;
import dev.wrenn.controlplane.db.SqlStates;
import dev.wrenn.controlplane.host.HostTemplate;
import dev.wrenn.controlplane.network.EgressPolicy;
import dev.wrenn.controlplane.sandbox.CreateRequest;
import dev.wrenn.controlplane.sandbox.GuestUser;
import dev.wrenn.controlplane.sandbox.OnTimeout;
import dev.wrenn.controlplane.sandbox.SandboxService;
import dev.wrenn.controlplane.sandbox.StatusReason;
import dev.wrenn.controlplane.template.TemplateService;
import dev.wrenn.controlplane.template.TemplateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The sandbox a build works in, one at a time: booted from a layer (or the recipe's base), changed by
 * a step, then saved, which ends it. {@link #close} destroys one that is left.
 */
final class BuildGuest implements AutoCloseable {
    /** Where a COPY's archive waits in the guest while it is unpacked. */
    static final String COPY_ARCHIVE = "/tmp/.wrenn-copy.tar";

    private final SandboxService sandboxes;
    private final Build build;
    private final BuildLog out;
    private final Cancel cancel;
    private String id;

    BuildGuest(SandboxService sandboxes, Build build, BuildLog out, Cancel cancel) {
        this.sandboxes = sandboxes;
        this.build = build;
        this.out = out;
        this.cancel = cancel;
    }

    /** A sandbox of {@code from} for the next step (or, with its setup, for the final template). */
    String boot(TemplateStore.Row from, Map<String, String> env, String user, String workdir) {
        if (id != null) return id;
        var req = new CreateRequest(
                from.name(),
                build.vcpus(),
                build.memoryMb(),
                0,
                Map.of("wrenn.build", build.id()),
                env,
                0,
                OnTimeout.KILL,
                false,
                true,
                false,
                GuestUser.ROOT,
                build.diskMb(),
                EgressPolicy.OPEN);
        // The final sandbox starts with the recipe's USER and WORKDIR as its defaults, as the template's will.
        id = sandboxes
                .create(build.teamId(), req, from.withDefaults(user, workdir))
                .id();
        return id;
    }

    /** Creates the step's WORKDIR when it is missing, owned by the step's user. */
    void workdir(String workdir, String user) {
        if (workdir == null || workdir.equals("/")) return;
        String q = "'" + workdir.replace("'", "'\\''") + "'";
        String script = "[ -d " + q + " ] || { mkdir -p " + q + " && chown " + user + " " + q + "; }";
        exec(List.of("/bin/sh", "-c", script), Map.of(), null, "root", 60, "creating WORKDIR " + workdir);
    }

    void run(int line, List<String> argv, BuildPlan.Planned p, Duration timeout) {
        var events = new StepProcess(out, build.id(), line);
        var running = sandboxes.agent().start(id, BuildRunner.request(argv, p.env(), p.workdir(), p.user()), events);
        cancel.running(running);
        try {
            StepProcess.Outcome o = events.done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            cancel.check();
            if (o.error() != null) throw new BuildException("the command could not run: " + o.error());
            if (o.exitCode() != 0) throw new BuildException("the command exited with " + o.exitCode());
        } catch (TimeoutException e) {
            running.stop();
            throw new BuildException("the command ran longer than " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            running.abandon();
            Thread.currentThread().interrupt();
            throw new Cancel.Cancelled();
        } catch (ExecutionException e) {
            throw new BuildException(e.getCause().getMessage(), e.getCause());
        } finally {
            cancel.running(null);
        }
    }

    void copy(int line, BuildContext.Packed packed) {
        try (var upload = sandboxes.agent().upload(id, COPY_ARCHIVE, 0600)) {
            upload.write(packed.tar(), 0, packed.tar().length);
            upload.finish();
        }
        out.append(build.id(), "info", line, packed.paths().size() + " paths, " + packed.tar().length + " bytes");
        exec(
                List.of("/bin/sh", "-c", "tar -xpf " + COPY_ARCHIVE + " -C / && rm -f " + COPY_ARCHIVE),
                Map.of(),
                null,
                "root",
                300,
                "unpacking the files");
    }

    /** Starts the template's command, left running in the background of the guest the template saves. */
    void start(List<String> argv, Map<String, String> env, String workdir, String user) {
        long pid = sandboxes.agent().processes().start(id, BuildRunner.request(argv, env, workdir, user));
        out.append(build.id(), "info", null, "started " + String.join(" ", argv) + " (pid " + pid + ")");
    }

    /** Waits until the readiness check passes; without one, the start command gets a second to begin. */
    void awaitReady(Optional<Readiness> ready, Map<String, String> env, String user) {
        if (ready.isEmpty()) {
            sleep(Duration.ofSeconds(1));
            return;
        }
        Readiness r = ready.get();
        List<String> argv = r instanceof Readiness.Ports ports ? ports.argv() : ((Readiness.Command) r).argv();
        int attemptSec = r instanceof Readiness.Command c
                ? (int) Math.max(1, c.attemptTimeout().toSeconds())
                : 10;
        long deadline = System.nanoTime() + r.deadline().toNanos();
        int tries = 0;
        while (true) {
            cancel.check();
            tries++;
            var result = sandboxes.agent().exec(id, BuildRunner.request(argv, env, null, user), attemptSec);
            if (result.exitCode() == 0) {
                out.append(build.id(), "info", null, "ready after " + tries + " checks");
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new BuildException("not ready within " + r.deadline().toSeconds() + " s (" + tries
                        + " checks, the last exited " + result.exitCode() + ": "
                        + new String(result.stderr(), java.nio.charset.StandardCharsets.UTF_8).strip() + ")");
            }
            sleep(r.interval());
        }
    }

    /** Saves the sandbox as the layer of {@code key} (it ends); one a concurrent build saved first wins. */
    TemplateStore.Row saveLayer(String key, TemplateStore templates, LayerStore layers) {
        String layerId = Ids.template();
        String sbx = id;
        HostTemplate host = sandboxes.consume(
                build.teamId(),
                sbx,
                "saved as a build layer",
                StatusReason.SAVED_AS_TEMPLATE,
                "build " + build.id(),
                row -> sandboxes.agent().saveTemplate(sbx, layerId));
        id = null;
        var row = new TemplateStore.Row(
                layerId,
                build.teamId(),
                LayerStore.name(key),
                "layer",
                host.vcpus(),
                host.memoryMb(),
                host.sizeBytes(),
                Instant.now(),
                layerId,
                build.id(),
                null,
                null);
        try {
            templates.insert(row);
            return row;
        } catch (RuntimeException e) {
            if (!SqlStates.isUniqueViolation(e)) throw e;
            sandboxes.agent().deleteTemplate(layerId);
            return layers.find(build.teamId(), key).orElseThrow(() -> e);
        }
    }

    /** Saves the sandbox as the build's template, replacing the one of that name; returns its id. */
    String saveTemplate(TemplateService service, TemplateStore templates, TemplateService.Origin origin) {
        String sbx = id;
        id = null;
        service.create(build.teamId(), sbx, Optional.of(build.name()), true, origin);
        return templates.resolve(build.teamId(), build.name()).orElseThrow().id();
    }

    private void exec(
            List<String> argv, Map<String, String> env, String cwd, String user, int timeoutSec, String what) {
        var r = sandboxes.agent().exec(id, BuildRunner.request(argv, env, cwd, user), timeoutSec);
        if (r.exitCode() != 0) {
            throw new BuildException(what + " failed (exit " + r.exitCode() + "): "
                    + new String(r.stderr(), java.nio.charset.StandardCharsets.UTF_8).strip());
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Cancel.Cancelled();
        }
    }

    @Override
    public void close() {
        if (id == null) return;
        try {
            sandboxes.destroy(build.teamId(), id);
        } catch (RuntimeException | Error e) {
            org.slf4j.LoggerFactory.getLogger(BuildGuest.class)
                    .warn("build {}: sandbox {} not destroyed: {}", build.id(), id, e.getMessage());
        }
        id = null;
    }
}
