package dev.wrenn.guestagent.envd.process;

import dev.wrenn.guestagent.connect.ConnectError;
import dev.wrenn.guestagent.envd.EnvdSettings;
import dev.wrenn.guestagent.envd.UserPaths;
import dev.wrenn.guestagent.sys.Pty;
import dev.wrenn.guestagent.sys.Spawn;
import dev.wrenn.guestagent.sys.SpawnException;
import dev.wrenn.guestagent.users.UserAccount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds and starts the command of a StartRequest with {@link Spawn}: one exec, in a session of its own (pid ==
 * pgid), a PTY as its controlling terminal. {@code setpriv} switches to the requested user when that is not
 * the agent's own; it execs, so the pid is the command's. The environment is built from scratch as envd
 * builds it: PATH, HOME, USER, LOGNAME, then /init's variables, then the request's.
 */
final class ProcessLauncher {
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final int SELF_UID = selfUid();
    // errors of the exec itself: the working directory, which could fail the same ways, is checked before
    private static final Set<Integer> CANNOT_EXECUTE = Set.of(
            SpawnException.ENOENT,
            SpawnException.EACCES,
            SpawnException.ENOEXEC,
            SpawnException.EPERM,
            SpawnException.ENOTDIR);

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

        var argv = new ArrayList<String>();
        if (user.uid() != SELF_UID) {
            argv.addAll(
                    List.of(tool("setpriv"), "--reuid=" + user.uid(), "--regid=" + user.gid(), "--init-groups", "--"));
        }
        argv.add(r.cmd());
        argv.addAll(r.args());

        Pty pty = null;
        try {
            if (r.ptySize() != null) pty = Pty.open(r.ptySize()[0], r.ptySize()[1]);
            var spawn = new Spawn.Request(argv, env, cwd, pty == null ? null : pty.slavePath());
            return new Launched(start(spawn), pty);
        } catch (IOException e) {
            if (pty != null) pty.closeUnused();
            throw ConnectError.invalidArgument("error starting process '" + r.cmd() + "': " + e.getMessage());
        }
    }

    /**
     * A command that cannot be executed is handed to {@code /bin/sh -c 'exec "$@"'}, in the error path only. That
     * keeps what setsid's execvp gave and the protocol promises: a file without a {@code #!} line runs as a
     * shell script (posix_spawn, unlike execvp, refuses it with ENOEXEC), and a command that is missing or may
     * not be executed ends with the shell's 127 or 126 and its message on stderr, as under envd's shell wrapper.
     * As another user, setpriv's own execvp does all that already.
     */
    private static Process start(Spawn.Request r) throws IOException {
        try {
            return Spawn.start(r);
        } catch (SpawnException e) {
            if (!CANNOT_EXECUTE.contains(e.errno())) throw e;
            var viaShell = new ArrayList<>(List.of("/bin/sh", "-c", "exec \"$@\"", "sh"));
            viaShell.addAll(r.argv());
            return Spawn.start(new Spawn.Request(viaShell, r.env(), r.cwd(), r.terminal()));
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
