package dev.wrenn.controlplane.build;

import dev.wrenn.controlplane.host.HostAgentException;
import dev.wrenn.controlplane.host.ProcessRequest;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.sandbox.SandboxService;
import dev.wrenn.controlplane.template.TemplateService;
import dev.wrenn.controlplane.template.TemplateStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one build: from the last cached layer on, each RUN or COPY in a sandbox that is then saved as
 * a layer; at the end a sandbox of the last layer starts the recipe's command, waits until it is ready
 * and is saved as the named template. Whatever happens, no build sandbox outlives the build; layers
 * made before a failure stay, so the next try starts from there.
 */
final class BuildRunner {
    private static final Logger log = LoggerFactory.getLogger(BuildRunner.class);

    private final SandboxService sandboxes;
    private final TemplateService templateService;
    private final TemplateStore templates;
    private final LayerStore layers;
    private final BuildStore builds;
    private final BuildLog out;
    private final Duration stepTimeout;

    BuildRunner(
            SandboxService sandboxes,
            TemplateService templateService,
            TemplateStore templates,
            LayerStore layers,
            BuildStore builds,
            BuildLog out,
            Duration stepTimeout) {
        this.sandboxes = sandboxes;
        this.templateService = templateService;
        this.templates = templates;
        this.layers = layers;
        this.builds = builds;
        this.out = out;
        this.stepTimeout = stepTimeout;
    }

    void run(Build b, Recipe recipe, BuildContext context, Cancel cancel) {
        if (!builds.start(b.id())) return;
        var guest = new BuildGuest(sandboxes, b, out, cancel);
        Integer line = null;
        try {
            var base = templates
                    .resolve(b.teamId(), recipe.from())
                    .orElseThrow(() -> new BuildException("FROM " + recipe.from() + ": the team has no such template"));
            String identity = BaseIdentity.of(sandboxes, base);
            builds.baseIdentity(b.id(), identity);
            var plan = BuildPlan.of(recipe, context, identity, b.vcpus(), b.memoryMb(), b.diskMb());
            out.append(
                    b.id(),
                    "info",
                    null,
                    "building " + b.name() + " from " + recipe.from() + " ("
                            + plan.steps().size() + " steps, " + b.vcpus() + " vCPU, " + b.memoryMb() + " MB)");
            TemplateStore.Row from = base;
            int first = 0;
            // The template is what this very build would make: nothing to run, not even its start command.
            var current = b.noCache()
                    ? Optional.<String>empty()
                    : builds.current(b.teamId(), b.name(), fingerprint(b, identity));
            if (current.isPresent()) {
                first = plan.steps().size();
            } else if (!b.noCache()) {
                for (int i = plan.steps().size() - 1; i >= 0; i--) {
                    var p = plan.steps().get(i);
                    Optional<TemplateStore.Row> layer =
                            p.layered() ? layers.find(b.teamId(), p.key()) : Optional.empty();
                    if (layer.isPresent()) {
                        from = layer.get();
                        first = i + 1;
                        break;
                    }
                }
            }
            int cached = 0;
            int ran = 0;
            for (var p : plan.steps()) {
                if (p.index() >= first) break;
                out.append(b.id(), "step", p.step().line(), header(p, plan) + " (cached)");
                if (p.layered()) {
                    cached++;
                    layers.find(b.teamId(), p.key()).ifPresent(l -> layers.use(l.id(), b.id()));
                }
            }
            builds.progress(b.id(), cached, 0, null);
            if (current.isPresent()) {
                builds.finish(b.id(), Build.READY, null, null, current.get());
                out.append(
                        b.id(), "end", null, "template " + b.name() + " is up to date (" + cached + " steps cached)");
                return;
            }
            for (var p : plan.steps().subList(first, plan.steps().size())) {
                cancel.check();
                line = p.step().line();
                out.append(b.id(), "step", line, header(p, plan));
                if (!p.layered()) continue;
                String sbx = guest.boot(from, Map.of(), null, null);
                builds.progress(b.id(), cached, ran, sbx);
                guest.workdir(p.workdir(), p.user());
                long t0 = System.nanoTime();
                switch (p.step()) {
                    case Step.Run r -> guest.run(line, r.argv(), p, stepTimeout);
                    case Step.Copy c -> guest.copy(line, p.copy());
                    default -> throw new IllegalStateException();
                }
                from = guest.saveLayer(p.key(), templates, layers);
                ran++;
                builds.progress(b.id(), cached, ran, null);
                out.append(
                        b.id(),
                        "info",
                        line,
                        "step done in " + ms(t0) + " ms, saved as layer "
                                + p.key().substring(0, 12));
            }
            line = null;
            cancel.check();
            String user = recipe.user().orElse(null);
            String workdir = recipe.workdir().orElse(null);
            String sbx = guest.boot(from, recipe.env(), user, workdir);
            builds.progress(b.id(), cached, ran, sbx);
            guest.workdir(workdir, user == null ? "root" : user);
            if (recipe.start().isPresent()) {
                guest.start(recipe.start().get(), recipe.env(), workdir, user);
                guest.awaitReady(recipe.ready(), recipe.env(), user);
            }
            cancel.check();
            var saved =
                    guest.saveTemplate(templateService, templates, new TemplateService.Origin(b.id(), user, workdir));
            prune(b);
            builds.finish(b.id(), Build.READY, null, null, saved);
            out.append(
                    b.id(),
                    "end",
                    null,
                    "template " + b.name() + " ready (" + cached + " steps cached, " + ran + " run)");
        } catch (Cancel.Cancelled e) {
            // The sandbox goes first: a build that reads as ended has nothing left running.
            guest.close();
            builds.finish(b.id(), Build.CANCELLED, line, "cancelled", null);
            out.append(b.id(), "end", line, "cancelled");
        } catch (BuildException | ApiException | HostAgentException e) {
            guest.close();
            fail(b, line, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("build {} failed", b.id(), e);
            guest.close();
            fail(b, line, "internal error: " + e);
        } finally {
            guest.close();
        }
    }

    static BuildStore.Fingerprint fingerprint(Build b, String baseIdentity) {
        return new BuildStore.Fingerprint(
                BuildPlan.sha256(b.recipe()), b.contextSha256(), baseIdentity, b.vcpus(), b.memoryMb(), b.diskMb());
    }

    private void fail(Build b, Integer line, String message) {
        String why = line == null ? message : "line " + line + ": " + message;
        if (builds.finish(b.id(), Build.FAILED, line, why, null)) {
            out.append(b.id(), "error", line, why);
            out.append(b.id(), "end", line, "failed");
        }
    }

    /** Drops the layers only earlier builds of this template used and no sandbox runs from. */
    private void prune(Build b) {
        for (var layer : layers.unusedAfter(b.teamId(), b.name(), b.id())) {
            if (templates.dependents(layer.hostName()) > 0) continue;
            try {
                sandboxes.agent().deleteTemplate(layer.hostName());
                templates.delete(layer.id());
            } catch (RuntimeException e) {
                log.warn("build {}: layer {} not pruned: {}", b.id(), layer.name(), e.getMessage());
            }
        }
    }

    static String header(BuildPlan.Planned p, BuildPlan plan) {
        return "step " + (p.index() + 1) + "/" + plan.steps().size() + ": " + describe(p.step());
    }

    static String describe(Step s) {
        return switch (s) {
            case Step.Run r -> "RUN " + shellText(r.argv());
            case Step.Copy c -> "COPY " + String.join(" ", c.sources()) + " " + c.dest();
            case Step.Env e -> "ENV " + String.join(" ", e.vars().keySet());
            case Step.Workdir w -> "WORKDIR " + w.path();
            case Step.User u -> "USER " + u.name();
        };
    }

    private static String shellText(List<String> argv) {
        boolean shell =
                argv.size() == 3 && argv.get(0).equals("/bin/sh") && argv.get(1).equals("-c");
        return shell ? argv.get(2) : String.join(" ", argv);
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    static ProcessRequest request(List<String> argv, Map<String, String> env, String cwd, String user) {
        return new ProcessRequest(argv.getFirst(), argv.subList(1, argv.size()), env, cwd, user, null, false, null);
    }
}
