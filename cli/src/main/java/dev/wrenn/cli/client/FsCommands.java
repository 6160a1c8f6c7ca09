package dev.wrenn.cli.client;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code wrenn files ls|stat|mkdir|mv|rm}: the sandbox's file system. */
final class FsCommands {
    private FsCommands() {}

    /** The sandbox and the path most file-system commands act on. */
    static final class Target {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Parameters(index = "1", paramLabel = "PATH", description = "An absolute path.")
        String path;

        /** The route {@code rest} of this sandbox's file system. */
        String route(String rest) {
            return fs(id, rest);
        }

        String query() {
            return "?path=" + ProcessCommands.enc(path);
        }
    }

    private static String fs(String id, String rest) {
        return "/v1/sandboxes/" + ProcessCommands.enc(id) + "/fs/" + rest;
    }

    static void print(JsonNode e) {
        System.out.printf(
                "%s %-8s %-8s %10d %s %s%n",
                e.path("permissions").asString(),
                e.path("owner").asString(),
                e.path("group").asString(),
                e.path("size").asLong(),
                e.path("modified").asString("-"),
                e.path("path").asString()
                        + (e.path("symlink_target").isNull()
                                ? ""
                                : " -> " + e.path("symlink_target").asString()));
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List a directory of the sandbox.")
    static final class Ls implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Option(names = "--depth", defaultValue = "1", description = "Levels to list (default: ${DEFAULT-VALUE}).")
        int depth;

        @Mixin
        Target target;

        @Override
        public Integer call() {
            var list = api.client().getJson(target.route("list" + target.query() + "&depth=" + depth));
            if (api.json) System.out.println(list);
            else list.forEach(FsCommands::print);
            return 0;
        }
    }

    @Command(name = "stat", mixinStandardHelpOptions = true, description = "Show one path of the sandbox.")
    static final class Stat implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Mixin
        Target target;

        @Override
        public Integer call() {
            var e = api.client().getJson(target.route("stat" + target.query()));
            if (api.json) System.out.println(e);
            else print(e);
            return 0;
        }
    }

    @Command(name = "mkdir", mixinStandardHelpOptions = true, description = "Make a directory (and its parents).")
    static final class Mkdir implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Mixin
        Target target;

        @Override
        public Integer call() {
            api.client().postJson(target.route("mkdir"), Map.of("path", target.path));
            return 0;
        }
    }

    @Command(name = "mv", mixinStandardHelpOptions = true, description = "Move or rename a path.")
    static final class Mv implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Parameters(index = "1", paramLabel = "SOURCE")
        String source;

        @Parameters(index = "2", paramLabel = "DESTINATION")
        String destination;

        @Override
        public Integer call() {
            api.client().postJson(fs(id, "move"), Map.of("source", source, "destination", destination));
            return 0;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove a file or a directory tree.")
    static final class Rm implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Mixin
        Target target;

        @Override
        public Integer call() {
            api.client().postJson(target.route("remove"), Map.of("path", target.path));
            return 0;
        }
    }
}
