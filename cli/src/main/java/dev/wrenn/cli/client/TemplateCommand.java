package dev.wrenn.cli.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wrenn template ...}: snapshot templates through the public API ({@code /v1/snapshots}). */
@Command(
        name = "template",
        mixinStandardHelpOptions = true,
        description = "Build templates from recipes, save running sandboxes as templates, list and remove them.",
        subcommands = {
            TemplateBuild.class,
            TemplateCommand.Create.class,
            TemplateCommand.ListCmd.class,
            TemplateCommand.Remove.class
        })
public final class TemplateCommand {
    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = {
                "Save a running sandbox as a snapshot template (the sandbox is paused, kept, then"
                        + " removed); prints the name.",
                "New sandboxes from it start from that frozen state: wrenn sandbox create --template NAME"
            })
    static final class Create implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Parameters(paramLabel = "SANDBOX_ID")
        String sandboxId;

        @Option(names = "--name", description = "Template name (generated when omitted).")
        String name;

        @Option(names = "--overwrite", description = "Replace an existing template of that name.")
        boolean overwrite;

        @Override
        public Integer call() {
            var body = new LinkedHashMap<String, Object>();
            body.put("sandbox_id", sandboxId);
            if (name != null) body.put("name", name);
            long t0 = System.nanoTime();
            var t = api.client().postJson("/v1/snapshots" + (overwrite ? "?overwrite=true" : ""), body);
            if (api.json) {
                SandboxCommand.out().println(t);
            } else {
                SandboxCommand.out().println(t.path("name").asString());
                System.err.printf(
                        "template %s: %d vCPU, %d MB, %.1f MB on disk (%.1f s)%n",
                        t.path("name").asString(),
                        t.path("vcpus").asInt(),
                        t.path("memory_mb").asInt(),
                        t.path("size_bytes").asLong() / 1e6,
                        (System.nanoTime() - t0) / 1e9);
            }
            return 0;
        }
    }

    @Command(
            name = "list",
            aliases = "ls",
            mixinStandardHelpOptions = true,
            description = "List base images and snapshot templates.")
    static final class ListCmd implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Option(names = "--type", description = "base or snapshot (default: both).")
        String type;

        @Override
        public Integer call() {
            var list = api.client()
                    .getJson("/v1/snapshots"
                            + (type == null ? "" : "?type=" + URLEncoder.encode(type, StandardCharsets.UTF_8)));
            if (api.json) {
                SandboxCommand.out().println(list);
                return 0;
            }
            SandboxCommand.out()
                    .printf("%-32s %-9s %-6s %-8s %10s  %s%n", "NAME", "TYPE", "VCPUS", "MEMORY", "SIZE", "CREATED");
            for (var t : list) {
                SandboxCommand.out()
                        .printf(
                                "%-32s %-9s %-6s %-8s %8.1f MB  %s%n",
                                t.path("name").asString(),
                                t.path("type").asString(),
                                t.path("vcpus").isNull() ? "-" : t.path("vcpus").asString(),
                                t.path("memory_mb").isNull()
                                        ? "-"
                                        : t.path("memory_mb").asString() + " MB",
                                t.path("size_bytes").asLong() / 1e6,
                                t.path("created_at").asString(""));
            }
            return 0;
        }
    }

    @Command(
            name = "rm",
            aliases = "delete",
            mixinStandardHelpOptions = true,
            description = "Delete snapshot templates.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Parameters(arity = "1..*", paramLabel = "NAME")
        List<String> names;

        @Override
        public Integer call() {
            var client = api.client();
            for (String n : names) {
                client.delete("/v1/snapshots/" + URLEncoder.encode(n, StandardCharsets.UTF_8));
                if (!api.json) System.err.println("removed " + n);
            }
            return 0;
        }
    }
}
