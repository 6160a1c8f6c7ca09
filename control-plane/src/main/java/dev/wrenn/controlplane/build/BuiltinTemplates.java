package dev.wrenn.controlplane.build;

import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.template.TemplateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's own recipes ({@code WRENN_BUILTIN_TEMPLATES}: a directory whose every subdirectory holding a
 * {@code Dockerfile} is one template, named by the subdirectory), built at start into templates every team
 * can use. Cached by content: a recipe, context, base image and resources that made the current template
 * build nothing; a change of any of them (a new guest image, say) builds it again, from its cached layers.
 * The builds run in the background, one template after the other, so the API serves at once.
 */
public final class BuiltinTemplates implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BuiltinTemplates.class);
    /** How long a host agent that cannot answer yet is given before the next try. */
    private static final Duration RETRY = Duration.ofSeconds(15);

    private final BuildService builds;
    private final Path dir;
    private final Thread thread;
    private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);

    private BuiltinTemplates(BuildService builds, Path dir) {
        this.builds = builds;
        this.dir = dir;
        this.thread = Thread.ofPlatform().name("builtin-templates").daemon().unstarted(this::run);
    }

    /** Starts building what {@code dir} holds and is not built yet. */
    public static BuiltinTemplates start(BuildService builds, Path dir) {
        var b = new BuiltinTemplates(builds, dir);
        b.thread.start();
        return b;
    }

    /** The recipes in {@code dir}: its subdirectories that hold a Dockerfile, by name. */
    static List<Path> recipes(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(d -> Files.isRegularFile(d.resolve("Dockerfile")))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the built-in templates in " + dir, e);
        }
    }

    /** Waits until every recipe was found up to date, or built (or failed); false when the time ran out first. */
    public boolean awaitDone(Duration timeout) throws InterruptedException {
        return done.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            buildAll();
        } finally {
            done.countDown();
        }
    }

    private void buildAll() {
        List<Path> recipes;
        try {
            recipes = recipes(dir);
        } catch (UncheckedIOException e) {
            log.warn("no built-in templates: {}", e.getMessage());
            return;
        }
        for (Path recipe : recipes) {
            if (!ensure(recipe)) return;
        }
    }

    /** Builds one recipe if it needs it, retrying while the host agent cannot answer; false once closed. */
    private boolean ensure(Path recipeDir) {
        String name = recipeDir.getFileName().toString();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                var request = new BuildService.Request(
                        name,
                        Files.readString(recipeDir.resolve("Dockerfile"), StandardCharsets.UTF_8),
                        ContextArchive.of(recipeDir),
                        null,
                        null,
                        null,
                        false);
                var build = builds.ensureBuiltin(request);
                if (build.isEmpty()) {
                    log.info("built-in template {}: up to date", name);
                    return true;
                }
                log.info(
                        "built-in template {}: building ({})", name, build.get().id());
                return await(name, build.get().id());
            } catch (ApiException e) {
                // A bad recipe or one whose template has live sandboxes stays as it is until the next start.
                log.warn("built-in template {} not built: {}", name, e.getMessage());
                return true;
            } catch (BuildException e) {
                log.info("built-in template {}: {}; trying again in {} s", name, e.getMessage(), RETRY.toSeconds());
            } catch (IOException e) {
                log.warn("built-in template {} not built: {}", name, e.toString());
                return true;
            }
            if (!sleep(RETRY)) return false;
        }
        return false;
    }

    private boolean await(String name, String buildId) {
        try {
            builds.awaitEnded(buildId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        var b = builds.get(TemplateStore.BUILTIN_TEAM, buildId);
        if (b.status().equals(Build.READY)) log.info("built-in template {}: ready ({})", name, buildId);
        else log.warn("built-in template {}: build {} {}: {}", name, buildId, b.status(), b.error());
        return true;
    }

    private static boolean sleep(Duration d) {
        try {
            Thread.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
