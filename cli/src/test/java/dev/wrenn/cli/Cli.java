package dev.wrenn.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Runs the real command tree in-process with captured output, and walks it. */
final class Cli {
    private Cli() {}

    record Result(int exitCode, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    /** A command of the tree and the words that invoke it (an alias is a path of its own). */
    record Node(List<String> path, CommandLine command) {
        String name() {
            return command.getCommandSpec().qualifiedName();
        }

        boolean isGroup() {
            return !command.getSubcommands().isEmpty();
        }

        String[] argsWith(String... more) {
            var args = new ArrayList<>(path);
            args.addAll(List.of(more));
            return args.toArray(String[]::new);
        }

        @Override
        public String toString() {
            return path.isEmpty() ? "wrenn" : "wrenn " + String.join(" ", path);
        }
    }

    static Result run(String... args) {
        var cli = Wrenn.commandLine();
        var out = new StringWriter();
        var err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Every command reachable from the root, the root first. */
    static List<Node> walk() {
        var nodes = new ArrayList<Node>();
        walk(List.of(), Wrenn.commandLine(), nodes);
        return nodes;
    }

    private static void walk(List<String> path, CommandLine command, List<Node> into) {
        into.add(new Node(path, command));
        for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
            var next = new ArrayList<>(path);
            next.add(sub.getKey());
            walk(List.copyOf(next), sub.getValue(), into);
        }
    }
}
