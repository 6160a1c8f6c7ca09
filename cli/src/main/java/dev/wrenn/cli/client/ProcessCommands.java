package dev.wrenn.cli.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wrenn ps ID} and {@code wrenn kill ID PID}: a sandbox's live processes. */
public final class ProcessCommands {
    private ProcessCommands() {}

    @Command(name = "ps", mixinStandardHelpOptions = true, description = "List the live processes of a sandbox.")
    public static final class Ps implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            var list = api.client().getJson("/v1/sandboxes/" + enc(id) + "/processes");
            if (api.json) {
                System.out.println(list);
                return 0;
            }
            System.out.printf("%-8s %-12s %s%n", "PID", "TAG", "COMMAND");
            for (var p : list) {
                var cmd = new StringBuilder(p.path("cmd").asString());
                p.path("args").forEach(a -> cmd.append(' ').append(a.asString()));
                System.out.printf(
                        "%-8d %-12s %s%n",
                        p.path("pid").asLong(),
                        p.path("tag").isNull() ? "-" : p.path("tag").asString(),
                        cmd);
            }
            return 0;
        }
    }

    @Command(name = "kill", mixinStandardHelpOptions = true, description = "Send a signal to a process of a sandbox.")
    public static final class Kill implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Option(
                names = {"-s", "--signal"},
                defaultValue = "SIGTERM",
                description = "SIGTERM (default), SIGKILL, SIGINT, SIGHUP, ...")
        String signal;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Parameters(index = "1", paramLabel = "PID")
        long pid;

        @Override
        public Integer call() {
            api.client()
                    .postJson("/v1/sandboxes/" + enc(id) + "/processes/" + pid + "/signal", Map.of("signal", signal));
            return 0;
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
