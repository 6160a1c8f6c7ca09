package dev.wrenn.controlplane.build;

import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.template.TemplateStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
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
    private static final Duration POLL = Duration.ofSeconds(2);
    private static final Duration RETRY = Duration.ofSeconds(15);

    private final BuildService builds;
    private final Path dir;
    private final Thread thread;

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

    /** The directory as a tar, the same bytes for the same files (sorted, no times, no owners). */
    static byte[] context(Path recipeDir) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var tar = new TarArchiveOutputStream(bytes);
                Stream<Path> files = Files.walk(recipeDir)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                var entry =
                        new TarArchiveEntry(recipeDir.relativize(f).toString().replace('\\', '/'));
                entry.setSize(Files.size(f));
                entry.setMode(Files.isExecutable(f) ? 0755 : 0644);
                entry.setModTime(0);
                tar.putArchiveEntry(entry);
                Files.copy(f, tar);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private void run() {
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
                        context(recipeDir),
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
        while (sleep(POLL)) {
            var b = builds.get(TemplateStore.BUILTIN_TEAM, buildId);
            if (!b.finished()) continue;
            if (b.status().equals(Build.READY)) log.info("built-in template {}: ready ({})", name, buildId);
            else log.warn("built-in template {}: build {} {}: {}", name, buildId, b.status(), b.error());
            return true;
        }
        return false;
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
