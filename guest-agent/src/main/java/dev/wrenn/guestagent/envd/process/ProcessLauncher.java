package dev.wrenn.guestagent.envd.process;

import dev.wrenn.guestagent.connect.ConnectError;
import dev.wrenn.guestagent.envd.EnvdSettings;
import dev.wrenn.guestagent.envd.UserPaths;
import dev.wrenn.guestagent.sys.Pty;
import dev.wrenn.guestagent.users.UserAccount;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds and starts the command of a StartRequest: {@code setsid} (with {@code --ctty} for a PTY) makes it a
 * session and process-group leader, {@code setpriv} switches to the requested user when that is not the agent's
 * own; both exec, so the pid the JVM sees is the command's. The environment is built from scratch as envd
 * builds it: PATH, HOME, USER, LOGNAME, then /init's variables, then the request's.
 */
final class ProcessLauncher {
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final int SELF_UID = selfUid();

    private final EnvdSettings settings;

    ProcessLauncher(EnvdSettings settings) {
        this.settings = settings;
    }

    record Request(String cmd, List<String> args, Map<String, String> envs, String cwd, int[] ptySize) {}

    /** The started process, with the PTY master it talks through when one was asked for. */
    record Launched(Process process, Pty pty) {}

    Launched launch(Request r, UserAccount user) {
        if (r.cmd().isEmpty()) throw ConnectError.invalidArgument("process.cmd is required");
        Path cwd = UserPaths.resolve(r.cwd(), user, settings.defaultWorkdir());
        if (!Files.isDirectory(cwd)) throw ConnectError.invalidArgument("cwd '" + cwd + "' does not exist");

        var env = new LinkedHashMap<String, String>();
        String path = System.getenv("PATH");
        env.put("PATH", path == null || path.isEmpty() ? DEFAULT_PATH : path);
        env.put("HOME", user.home().toString());
        env.put("USER", user.name());
        env.put("LOGNAME", user.name());
        env.putAll(settings.envVars());
        env.putAll(r.envs());
        if (r.ptySize() != null) env.putIfAbsent("TERM", "xterm-256color");

        var command = new ArrayList<String>();
        command.add(tool("setsid"));
        if (r.ptySize() != null) command.add("--ctty");
        if (user.uid() != SELF_UID) {
            command.addAll(
                    List.of(tool("setpriv"), "--reuid=" + user.uid(), "--regid=" + user.gid(), "--init-groups", "--"));
        }
        command.add(r.cmd());
        command.addAll(r.args());

        var pb = new ProcessBuilder(command).directory(cwd.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Pty pty = null;
        try {
            if (r.ptySize() != null) {
                pty = Pty.open(r.ptySize()[0], r.ptySize()[1]);
                File slave = new File(pty.slavePath());
                pb.redirectInput(slave)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(slave))
                        .redirectError(ProcessBuilder.Redirect.appendTo(slave));
            }
            return new Launched(pb.start(), pty);
        } catch (IOException e) {
            if (pty != null) pty.closeUnused();
            throw ConnectError.invalidArgument("error starting process '" + r.cmd() + "': " + e.getMessage());
        }
    }

    private static String tool(String name) {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p.toString();
        }
        throw ConnectError.internal(name + " (util-linux) is not installed");
    }

    private static int selfUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }
}
