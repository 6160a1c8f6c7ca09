package dev.wrenn.sdk.template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A template build: the template's {@code name}, its {@code recipe} (a Dockerfile subset, docs/templates.md) and,
 * for its {@code COPY}s, a build context: a directory (archived by the SDK) or a tar / tar.gz file. Resources
 * override the recipe's {@code LABEL wrenn.*}.
 *
 * <pre>{@code
 * BuildRequest.fromDirectory("myapp", Path.of("./myapp")).noCache(true).build()  // ./myapp/Dockerfile
 * BuildRequest.builder("tools").recipe("FROM minimal\nRUN apt-get update").build()
 * }</pre>
 */
public record BuildRequest(
        String name, String recipe, byte[] context, Integer vcpus, Integer memoryMb, Integer diskMb, boolean noCache) {
    public BuildRequest {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a build needs a template name");
        if (recipe == null || recipe.isBlank()) throw new IllegalArgumentException("a build needs a recipe");
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The recipe {@code dir/Dockerfile} with {@code dir} as its context, as {@code wrenn template build} does. */
    public static Builder fromDirectory(String name, Path dir) {
        return builder(name).recipe(dir.resolve("Dockerfile")).context(dir);
    }

    public static final class Builder {
        private final String name;
        private String recipe;
        private byte[] context;
        private Integer vcpus;
        private Integer memoryMb;
        private Integer diskMb;
        private boolean noCache;

        private Builder(String name) {
            this.name = name;
        }

        public Builder recipe(String text) {
            this.recipe = text;
            return this;
        }

        public Builder recipe(Path file) {
            try {
                this.recipe = Files.readString(file);
            } catch (IOException e) {
                throw new UncheckedIOException("reading the recipe " + file, e);
            }
            return this;
        }

        /** A directory (archived as a tar.gz) or a tar / tar.gz file, sent as it is. */
        public Builder context(Path dirOrArchive) {
            try {
                this.context = Files.isDirectory(dirOrArchive)
                        ? ContextArchive.of(dirOrArchive)
                        : Files.readAllBytes(dirOrArchive);
            } catch (IOException e) {
                throw new UncheckedIOException("reading the build context " + dirOrArchive, e);
            }
            return this;
        }

        /** A tar or tar.gz archive's bytes. */
        public Builder context(byte[] archive) {
            this.context = archive.clone();
            return this;
        }

        public Builder vcpus(int vcpus) {
            this.vcpus = vcpus;
            return this;
        }

        public Builder memoryMb(int memoryMb) {
            this.memoryMb = memoryMb;
            return this;
        }

        public Builder diskMb(int diskMb) {
            this.diskMb = diskMb;
            return this;
        }

        /** Runs every step, taking no cached layer. */
        public Builder noCache(boolean noCache) {
            this.noCache = noCache;
            return this;
        }

        public BuildRequest build() {
            return new BuildRequest(name, recipe, context, vcpus, memoryMb, diskMb, noCache);
        }
    }
}
