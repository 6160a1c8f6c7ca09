package dev.wrenn.controlplane.build;

import java.util.List;
import java.util.Map;

/**
 * One step of a recipe, as written on its {@code line}. {@link Run} and {@link Copy} change the guest and
 * end in a cached layer; the others change only what later steps run with, and are part of their keys.
 */
public sealed interface Step {
    int line();

    /** The step as it enters the cache key: everything that changes its result, nothing else. */
    String canonical();

    /** A command: {@code argv} is {@code /bin/sh -c <text>} for the shell form. */
    record Run(int line, List<String> argv) implements Step {
        public Run {
            argv = List.copyOf(argv);
        }

        @Override
        public String canonical() {
            return "RUN " + Canonical.list(argv);
        }
    }

    /** Files or directories of the build context, copied to {@code dest} (a directory when it ends in '/'). */
    record Copy(int line, List<String> sources, String dest, String chown) implements Step {
        public Copy {
            sources = List.copyOf(sources);
        }

        @Override
        public String canonical() {
            return "COPY " + Canonical.list(sources) + " " + Canonical.list(List.of(dest, chown == null ? "" : chown));
        }
    }

    record Env(int line, Map<String, String> vars) implements Step {
        public Env {
            vars = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(vars));
        }

        @Override
        public String canonical() {
            var sb = new StringBuilder("ENV");
            vars.forEach((k, v) -> sb.append(' ').append(Canonical.list(List.of(k, v))));
            return sb.toString();
        }
    }

    /** The directory later steps, the start command and the template's sandboxes run in; created if missing. */
    record Workdir(int line, String path) implements Step {
        @Override
        public String canonical() {
            return "WORKDIR " + Canonical.list(List.of(path));
        }
    }

    /** The account later steps, the start command and the template's sandboxes run as. */
    record User(int line, String name) implements Step {
        @Override
        public String canonical() {
            return "USER " + Canonical.list(List.of(name));
        }
    }

    /** Unambiguous text for lists of strings: the key must not change with spacing or quoting style. */
    final class Canonical {
        private Canonical() {}

        static String list(List<String> items) {
            var sb = new StringBuilder("[");
            for (String s : items) {
                if (sb.length() > 1) sb.append(',');
                sb.append(s.length()).append(':').append(s);
            }
            return sb.append(']').toString();
        }
    }
}
