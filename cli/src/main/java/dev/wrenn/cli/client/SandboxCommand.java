package dev.wrenn.cli.client;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code wrenn sandbox ...}: sandboxes through the public API. */
@Command(
        name = "sandbox",
        mixinStandardHelpOptions = true,
        description = "Create, list, inspect, run commands and shells in, pause, resume and remove sandboxes.",
        subcommands = {
            SandboxCommand.Create.class,
            SandboxCommand.ListCmd.class,
            SandboxCommand.Get.class,
            SandboxCommand.Exec.class,
            ShellCommand.class,
            SandboxCommand.Pause.class,
            SandboxCommand.Resume.class,
            SandboxCommand.Ping.class,
            SandboxCommand.Remove.class
        })
public final class SandboxCommand {
    static PrintStream out() {
        return System.out;
    }

    static void printSandbox(JsonNode s) {
        out().printf(
                        "%-20s %-8s %-10s %d vCPU  %5d MB  %s%n",
                        s.path("id").asString(),
                        s.path("status").asString(),
                        s.path("template").asString(),
                        s.path("vcpus").asInt(),
                        s.path("memory_mb").asInt(),
                        s.path("created_at").asString(""));
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Start a new sandbox; prints its id.")
    static final class Create implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Option(names = "--template", defaultValue = "minimal", description = "Template (default: ${DEFAULT-VALUE}).")
        String template;

        @Option(names = "--vcpus", defaultValue = "1")
        int vcpus;

        @Option(names = "--memory", defaultValue = "512", description = "Memory in MB (default: ${DEFAULT-VALUE}).")
        int memoryMb;

        @Option(
                names = "--timeout",
                defaultValue = "0",
                description = "Auto-pause after this many idle seconds; 0: never.")
        int timeoutSec;

        @Override
        public Integer call() {
            var body = new LinkedHashMap<String, Object>();
            body.put("template", template);
            body.put("vcpus", vcpus);
            body.put("memory_mb", memoryMb);
            body.put("timeout_sec", timeoutSec);
            long t0 = System.nanoTime();
            var s = api.client().postJson("/v1/sandboxes", body);
            if (api.json) {
                out().println(s);
            } else {
                out().println(s.path("id").asString());
                System.err.printf(
                        "sandbox %s is %s (%.1f s)%n",
                        s.path("id").asString(), s.path("status").asString(), (System.nanoTime() - t0) / 1e9);
            }
            return 0;
        }
    }

    @Command(
            name = "list",
            aliases = "ls",
            mixinStandardHelpOptions = true,
            description = "List your team's sandboxes.")
    static final class ListCmd implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Override
        public Integer call() {
            var list = api.client().getJson("/v1/sandboxes");
            if (api.json) {
                out().println(list);
                return 0;
            }
            out().printf("%-20s %-8s %-10s %s%n", "ID", "STATUS", "TEMPLATE", "SIZE / CREATED");
            for (var s : list) printSandbox(s);
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one sandbox.")
    static final class Get implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            var s = api.client().getJson("/v1/sandboxes/" + id);
            if (api.json) {
                out().println(s);
                return 0;
            }
            for (var name : List.of(
                    "id",
                    "status",
                    "template",
                    "vcpus",
                    "memory_mb",
                    "timeout_sec",
                    "guest_ip",
                    "host_ip",
                    "created_at",
                    "started_at",
                    "last_active_at",
                    "last_updated")) {
                out().printf(
                                "%-15s %s%n",
                                name, s.path(name).isNull() ? "-" : s.path(name).asString(""));
            }
            return 0;
        }
    }

    @Command(
            name = "exec",
            mixinStandardHelpOptions = true,
            description = {
                "Run a command in a sandbox and print its output; exits with the command's exit code.",
                "One argument is a shell command line; more are a program and its arguments:",
                "  wrenn sandbox exec ID 'ls /tmp | wc -l'",
                "  wrenn sandbox exec ID -- python3 -c 'print(6*7)'"
            })
    static final class Exec implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Option(names = "--timeout", defaultValue = "30", description = "Seconds before the command is killed.")
        int timeoutSec;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND")
        List<String> command;

        @Override
        public Integer call() {
            var body = new LinkedHashMap<String, Object>();
            body.put("cmd", command.getFirst());
            if (command.size() > 1) body.put("args", command.subList(1, command.size()));
            body.put("timeout_sec", timeoutSec);
            var r = api.client().postJson("/v1/sandboxes/" + id + "/exec", body);
            if (api.json) {
                out().println(r);
                return 0;
            }
            boolean b64 = "base64".equals(r.path("encoding").asString());
            write(System.out, r.path("stdout").asString(""), b64);
            write(System.err, r.path("stderr").asString(""), b64);
            if (r.path("timed_out").asBoolean(false)) {
                System.err.println("wrenn: command timed out after " + timeoutSec + " s and was killed");
                return 124;
            }
            return r.path("exit_code").asInt();
        }

        private static void write(PrintStream stream, String data, boolean base64) {
            byte[] bytes = base64 ? Base64.getDecoder().decode(data) : data.getBytes(StandardCharsets.UTF_8);
            stream.write(bytes, 0, bytes.length);
            stream.flush();
        }
    }

    /** A command over one or more sandbox ids. */
    abstract static class OnEach implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Parameters(arity = "1..*", paramLabel = "ID")
        List<String> ids;

        abstract void run(ApiClient client, String id);

        @Override
        public Integer call() {
            var client = api.client();
            for (String id : ids) run(client, id);
            return 0;
        }

        /** POSTs {@code /v1/sandboxes/{id}/<action>} and reports the new status and the time it took. */
        void lifecycle(ApiClient client, String id, String action) {
            long t0 = System.nanoTime();
            var s = client.postJson("/v1/sandboxes/" + id + "/" + action, java.util.Map.of());
            if (api.json) {
                out().println(s);
            } else {
                System.err.printf(
                        "sandbox %s is %s (%.2f s)%n", id, s.path("status").asString(), (System.nanoTime() - t0) / 1e9);
            }
        }
    }

    @Command(
            name = "pause",
            mixinStandardHelpOptions = true,
            description = "Pause sandboxes: memory, device state and disk are saved and the VM is released.")
    static final class Pause extends OnEach {
        @Override
        void run(ApiClient client, String id) {
            lifecycle(client, id, "pause");
        }
    }

    @Command(
            name = "resume",
            mixinStandardHelpOptions = true,
            description = "Resume paused sandboxes where they left off.")
    static final class Resume extends OnEach {
        @Override
        void run(ApiClient client, String id) {
            lifecycle(client, id, "resume");
        }
    }

    @Command(
            name = "ping",
            mixinStandardHelpOptions = true,
            description = "Mark sandboxes active (holds off auto-pause).")
    static final class Ping extends OnEach {
        @Override
        void run(ApiClient client, String id) {
            client.send(
                    client.request("/v1/sandboxes/" + id + "/ping")
                            .POST(java.net.http.HttpRequest.BodyPublishers.noBody()),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        }
    }

    @Command(name = "rm", aliases = "delete", mixinStandardHelpOptions = true, description = "Destroy sandboxes.")
    static final class Remove extends OnEach {
        @Override
        void run(ApiClient client, String id) {
            client.delete("/v1/sandboxes/" + id);
            if (!api.json) System.err.println("removed " + id);
        }
    }
}
