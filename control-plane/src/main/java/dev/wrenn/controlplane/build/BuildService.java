package dev.wrenn.controlplane.build;

import dev.wrenn.controlplane.config.ControlPlaneConfig;
import dev.wrenn.controlplane.db.Ids;
import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.sandbox.SandboxService;
import dev.wrenn.controlplane.template.TemplateService;
import dev.wrenn.controlplane.template.TemplateStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts builds, queues them (at most {@code concurrency} run at once), cancels them, and at start
 * ends those a stopped server left unfinished. A recipe and its context are checked when submitted,
 * so a bad one is a 400 at once rather than a failed build later.
 */
public final class BuildService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BuildService.class);
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(60);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** What a submission asks beside the recipe: 0 or null leave the recipe's LABEL or the default. */
    public record Request(
            String name,
            String recipe,
            byte[] context,
            Integer vcpus,
            Integer memoryMb,
            Integer diskMb,
            boolean noCache) {}

    private final BuildStore builds;
    private final BuildLog out;
    private final TemplateStore templates;
    private final SandboxService sandboxes;
    private final BuildRunner runner;
    private final ControlPlaneConfig.Builds settings;
    private final ExecutorService pool;
    private final Map<String, Cancel> running = new ConcurrentHashMap<>();
    private volatile BuiltinTemplates builtins;

    public BuildService(
            BuildStore builds,
            BuildLog out,
            LayerStore layers,
            TemplateStore templates,
            TemplateService templateService,
            SandboxService sandboxes,
            ControlPlaneConfig.Builds settings) {
        this.builds = builds;
        this.out = out;
        this.templates = templates;
        this.sandboxes = sandboxes;
        this.settings = settings;
        this.runner = new BuildRunner(
                sandboxes,
                templateService,
                templates,
                layers,
                builds,
                out,
                Duration.ofSeconds(settings.stepTimeoutSec()));
        this.pool = Executors.newFixedThreadPool(
                settings.concurrency(),
                Thread.ofPlatform().name("build-", 0).daemon().factory());
    }

    public long contextMax() {
        return settings.contextMaxBytes();
    }

    public BuildLog log() {
        return out;
    }

    /** A submission checked: what it builds, from what, with which resources. */
    private record Checked(
            Request req,
            Recipe recipe,
            BuildContext context,
            TemplateStore.Row from,
            int vcpus,
            int memoryMb,
            int diskMb) {
        BuildStore.Fingerprint fingerprint(String baseIdentity) {
            byte[] ctx = req.context() == null ? new byte[0] : req.context();
            return new BuildStore.Fingerprint(
                    BuildPlan.sha256(req.recipe()), BuildPlan.sha256(ctx), baseIdentity, vcpus, memoryMb, diskMb);
        }
    }

    public Build submit(String teamId, Request req) {
        return queue(teamId, check(teamId, req));
    }

    /**
     * Queues a build of one of the server's own recipes as the built-in template {@code req.name()}, unless the
     * template is already what this recipe, context and base image make, or a build of it is under way: then
     * empty, so a server that starts again builds nothing.
     */
    public Optional<Build> ensureBuiltin(Request req) {
        String team = TemplateStore.BUILTIN_TEAM;
        var checked = check(team, req);
        var fingerprint = checked.fingerprint(BaseIdentity.of(sandboxes, checked.from()));
        if (builds.current(team, req.name(), fingerprint).isPresent() || builds.active(team, req.name()) > 0)
            return Optional.empty();
        return Optional.of(queue(team, checked));
    }

    private Checked check(String teamId, Request req) {
        sandboxes.agent();
        if (req.name() == null || !NAME.matcher(req.name()).matches())
            throw ApiException.invalid("'name' must match " + NAME.pattern());
        if (req.recipe() == null || req.recipe().isBlank()) throw ApiException.invalid("'recipe' is required");
        if (req.context() != null && req.context().length > settings.contextMaxBytes()) {
            throw contextTooLarge(settings.contextMaxBytes());
        }
        Recipe recipe;
        BuildContext context;
        try {
            recipe = RecipeParser.parse(req.recipe());
            context = BuildContext.read(req.context());
            // Packing every COPY now finds a missing source before anything boots.
            for (var s : recipe.steps()) if (s instanceof Step.Copy c) context.pack(c);
        } catch (RecipeException | BuildException | IllegalArgumentException e) {
            throw new ApiException(ApiError.INVALID_RECIPE, e.getMessage());
        }
        var from = templates
                .resolve(teamId, recipe.from())
                .orElseThrow(() -> new ApiException(
                        ApiError.INVALID_RECIPE, "FROM " + recipe.from() + ": no template of that name"));
        var visible = templates.resolve(teamId, req.name());
        if (visible.isPresent() && visible.get().type().equals("base"))
            throw new ApiException(ApiError.NAME_TAKEN, "'" + req.name() + "' is a base template");
        // A team may build its own template of a built-in template's name; the built-in one stays.
        var existing = visible.filter(r -> !r.sharedWith(teamId));
        if (existing.isPresent() && templates.dependents(existing.get().hostName()) > 0) {
            throw new ApiException(
                    ApiError.TEMPLATE_IN_USE,
                    "template '" + req.name()
                            + "' has live sandboxes started from it; destroy them before rebuilding it");
        }
        if (builds.active(teamId, req.name()) > 0)
            throw new ApiException(ApiError.CONFLICT, "a build of '" + req.name() + "' is already queued or running");
        int vcpus = pick(req.vcpus(), recipe.vcpus(), from.vcpus() != null ? from.vcpus() : 1);
        int memoryMb = pick(req.memoryMb(), recipe.memoryMb(), from.memoryMb() != null ? from.memoryMb() : 512);
        int diskMb = pick(req.diskMb(), recipe.diskMb(), 0);
        var limits = sandboxes.limits();
        if (vcpus > limits.maxVcpus()) throw ApiException.invalid("'vcpus' must be at most " + limits.maxVcpus());
        if (memoryMb < 128 || memoryMb > limits.maxMemoryMb())
            throw ApiException.invalid("'memory_mb' must be between 128 and " + limits.maxMemoryMb());
        return new Checked(req, recipe, context, from, vcpus, memoryMb, diskMb);
    }

    private Build queue(String teamId, Checked c) {
        var req = c.req();
        byte[] ctx = req.context() == null ? new byte[0] : req.context();
        var b = new Build(
                Ids.random("bld_", 20),
                teamId,
                req.name(),
                Build.QUEUED,
                req.recipe(),
                c.recipe().from(),
                BuildPlan.sha256(ctx),
                c.vcpus(),
                c.memoryMb(),
                c.diskMb(),
                req.noCache(),
                c.recipe().steps().size(),
                0,
                0,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
        builds.insert(b, BuildPlan.sha256(req.recipe()), ctx);
        out.append(b.id(), "info", null, "queued");
        enqueue(b, c.recipe(), c.context());
        return builds.get(teamId, b.id()).orElseThrow();
    }

    /** Builds {@code name} again from its last build's recipe and context. */
    public Build rebuild(String teamId, String name, boolean noCache) {
        var last = builds.list(teamId, name, 1).stream()
                .findFirst()
                .orElseThrow(() -> ApiException.notFound("template '" + name + "' was never built from a recipe"));
        return submit(
                teamId,
                new Request(
                        name,
                        last.recipe(),
                        builds.context(last.id()),
                        last.vcpus(),
                        last.memoryMb(),
                        last.diskMb(),
                        noCache));
    }

    public Build get(String teamId, String id) {
        return builds.get(teamId, id).orElseThrow(() -> ApiException.notFound("build '" + id + "' not found"));
    }

    public List<Build> list(String teamId, String name) {
        return builds.list(teamId, name, 100);
    }

    public Build cancel(String teamId, String id) {
        var b = get(teamId, id);
        if (b.finished()) throw new ApiException(ApiError.CONFLICT, "build '" + id + "' has already " + b.status());
        Cancel c = running.get(id);
        if (c != null) {
            c.ask();
            // A running build is ended by its runner once its step stopped and its sandbox is gone.
            try {
                if (b.status().equals(Build.BUILDING)) c.awaitEnded(CANCEL_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // A queued build never starts once cancelled here.
        if (builds.finish(id, Build.CANCELLED, null, "cancelled", null)) out.append(id, "end", null, "cancelled");
        return get(teamId, id);
    }

    /** Ends the builds a stopped server left: their sandboxes are destroyed, and they are marked failed. */
    public void recover() {
        for (var b : builds.unfinished()) {
            if (b.sandboxId() != null) {
                try {
                    sandboxes.destroy(b.teamId(), b.sandboxId());
                } catch (RuntimeException e) {
                    log.debug("build {}: sandbox {}: {}", b.id(), b.sandboxId(), e.getMessage());
                }
            }
            if (builds.finish(b.id(), Build.FAILED, null, "the server stopped while the build " + b.status(), null)) {
                out.append(b.id(), "error", null, "the server stopped while the build was " + b.status());
                out.append(b.id(), "end", null, "failed");
            }
        }
    }

    private void enqueue(Build b, Recipe recipe, BuildContext context) {
        var cancel = new Cancel();
        running.put(b.id(), cancel);
        pool.execute(() -> {
            try {
                if (!cancel.asked()) runner.run(b, recipe, context, cancel);
            } finally {
                running.remove(b.id());
                cancel.ended();
            }
        });
    }

    static ApiException contextTooLarge(long max) {
        return new ApiException(
                ApiError.PAYLOAD_TOO_LARGE,
                "the build context is larger than " + (max >> 20) + " MiB (WRENN_BUILD_CONTEXT_MAX_MB)");
    }

    private static int pick(Integer asked, int label, int fallback) {
        if (asked != null && asked > 0) return asked;
        return label > 0 ? label : fallback;
    }

    /** Returns once build {@code id}, queued or running on this server, has ended (at once if it is not here). */
    void awaitEnded(String id) throws InterruptedException {
        Cancel c = running.get(id);
        if (c != null) c.awaitEnded();
    }

    /** Waits for the built-in templates' start-up work (none configured: true at once). */
    public boolean awaitBuiltins(Duration timeout) throws InterruptedException {
        var b = builtins;
        return b == null || b.awaitDone(timeout);
    }

    /** Builds the recipes in {@code dir} as built-in templates, in the background (see {@link BuiltinTemplates}). */
    public void buildBuiltins(java.nio.file.Path dir) {
        builtins = BuiltinTemplates.start(this, dir);
    }

    @Override
    public void close() {
        if (builtins != null) builtins.close();
        running.values().forEach(Cancel::ask);
        pool.shutdownNow();
    }
}
