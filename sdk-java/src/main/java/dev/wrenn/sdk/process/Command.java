package dev.wrenn.sdk.process;

import dev.wrenn.sdk.User;
import dev.wrenn.sdk.http.Json;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command to run in a sandbox: a shell command line ({@link #shell}, run by {@code /bin/sh -c}, so pipes and
 * {@code $VARS} work) or a program and its arguments ({@link #program}, run directly, nothing expanded). The
 * options apply where they make sense: {@code timeout} to {@link Commands#run}, {@code tag} and {@code stdin} to
 * {@link Processes#start}; the others everywhere.
 *
 * @param args null for a shell command line
 * @param timeout null for the server's default (30 s for a run; a stream or a process has none)
 */
public record Command(
        String cmd,
        List<String> args,
        Map<String, String> env,
        String cwd,
        User user,
        Duration timeout,
        String tag,
        boolean stdin) {
    public Command {
        if (cmd == null || cmd.isBlank()) throw new IllegalArgumentException("a command must not be empty");
        args = args == null ? null : List.copyOf(args);
        env = env == null ? Map.of() : Map.copyOf(env);
    }

    /** A shell command line such as {@code "ls /tmp | wc -l"}. */
    public static Builder shell(String commandLine) {
        return new Builder(commandLine, null);
    }

    /** A program and its arguments, passed as they are (no shell). */
    public static Builder program(String program, String... args) {
        return new Builder(program, List.of(args));
    }

    /** Whether this is a shell command line. */
    public boolean isShell() {
        return args == null;
    }

    /** The fields every route that runs a command shares (ExecRequest, ProcessStartRequest, a stream's start). */
    Json.Fields json() {
        return Json.object()
                .put("cmd", cmd)
                .put("args", args)
                .putNonEmpty("env", env)
                .put("cwd", cwd)
                .put("user", user == null ? null : user.wire());
    }

    public static final class Builder {
        private final String cmd;
        private final List<String> args;
        private final Map<String, String> env = new LinkedHashMap<>();
        private String cwd;
        private User user;
        private Duration timeout;
        private String tag;
        private boolean stdin;

        private Builder(String cmd, List<String> args) {
            this.cmd = cmd;
            this.args = args;
        }

        /** A variable added to the command's environment. */
        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Builder env(Map<String, String> all) {
            env.putAll(all);
            return this;
        }

        /** The working directory; relative to the user's home, which is the default. */
        public Builder cwd(String cwd) {
            this.cwd = cwd;
            return this;
        }

        /** Who it runs as: {@link User#ROOT} (the default) or {@link User#USER}. */
        public Builder user(User user) {
            this.user = user;
            return this;
        }

        /** For {@link Commands#run}: past it the command's whole process group is killed (1 s to 3600 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** For {@link Processes#start}: a name to find the process by. */
        public Builder tag(String tag) {
            this.tag = tag;
            return this;
        }

        /** For {@link Processes#start}: keep stdin open for writing; otherwise the process reads end-of-file. */
        public Builder stdin(boolean open) {
            this.stdin = open;
            return this;
        }

        public Command build() {
            return new Command(cmd, args, env, cwd, user, timeout, tag, stdin);
        }
    }
}
