package dev.wrenn.guestagent.sys;

import java.io.Closeable;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Starts a command with exactly one exec, through glibc's posix_spawn (a clone that shares the agent's memory
 * until the child's execve). ProcessBuilder execs jspawnhelper first and util-linux setsid one more time;
 * under QEMU TCG every exec costs ~30 ms. What setsid did, glibc does in the child before the file actions
 * (POSIX_SPAWN_SETSID: pid == pgid == sid), and a terminal opened by that session leader without O_NOCTTY
 * becomes its controlling terminal, which is what {@code setsid --ctty} did.
 *
 * <p>The child starts with no signal blocked and every signal at its default: the JVM blocks some in its
 * threads, and a SIG_IGN (SIGPIPE, say) would survive the exec. It gets the pipes or the terminal on 0, 1 and
 * 2 and no other descriptor of the agent (closefrom(3) in the child, whatever their close-on-exec flag).
 */
public final class Spawn {
    private static final int POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final int POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final int POSIX_SPAWN_SETSID = 0x80;
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    // glibc's posix_spawnattr_t is 336 bytes and posix_spawn_file_actions_t 80 on 64-bit Linux; the init calls
    // fill them in, so some room to spare costs nothing
    private static final long ATTR_BYTES = 512;
    private static final long ACTIONS_BYTES = 256;
    private static final long SIGSET_BYTES = 128;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final AddressLayout PTR = ValueLayout.ADDRESS;
    // All bound with errno captured, though only pipe2 sets it: functions of one shape then share one linked
    // stub, and every new shape costs ~15 ms to link here, far more under TCG (see GuestAgent's warm-up).
    private static final MethodHandle PIPE2 = Native.bind("pipe2", FunctionDescriptor.of(INT, PTR, INT));
    private static final MethodHandle SPAWN = bind("posix_spawn", PTR, PTR, PTR, PTR, PTR, PTR);
    private static final MethodHandle ATTR_INIT = bind("posix_spawnattr_init", PTR);
    private static final MethodHandle ATTR_DESTROY = bind("posix_spawnattr_destroy", PTR);
    // the flags are a short: an int that holds the value is that short, extended, in either ABI
    private static final MethodHandle ATTR_FLAGS = bind("posix_spawnattr_setflags", PTR, INT);
    private static final MethodHandle ATTR_SIGMASK = bind("posix_spawnattr_setsigmask", PTR, PTR);
    private static final MethodHandle ATTR_SIGDEFAULT = bind("posix_spawnattr_setsigdefault", PTR, PTR);
    private static final MethodHandle FA_INIT = bind("posix_spawn_file_actions_init", PTR);
    private static final MethodHandle FA_DESTROY = bind("posix_spawn_file_actions_destroy", PTR);
    private static final MethodHandle FA_DUP2 = bind("posix_spawn_file_actions_adddup2", PTR, INT, INT);
    private static final MethodHandle FA_OPEN = bind("posix_spawn_file_actions_addopen", PTR, INT, PTR, INT, INT);
    private static final MethodHandle FA_CHDIR = bind("posix_spawn_file_actions_addchdir_np", PTR, PTR);
    private static final MethodHandle FA_CLOSEFROM = bind("posix_spawn_file_actions_addclosefrom_np", PTR, INT);

    /**
     * A command: {@code argv[0]} is looked up as execvp would (see {@link ExecPath}) and passed as given;
     * {@code env} is the child's whole environment; with {@code terminal} (a PTY slave's path) the child's
     * 0/1/2 are that terminal, else three pipes to the returned process's streams.
     */
    public record Request(List<String> argv, Map<String, String> env, Path cwd, String terminal) {}

    private Spawn() {}

    /** These return an error number instead of setting errno. */
    private static MethodHandle bind(String name, MemoryLayout... args) {
        return Native.bind(name, FunctionDescriptor.of(INT, args));
    }

    /**
     * Starts the command. The call and the wait for the child's exit run on one platform thread
     * ({@link Blocking}): posix_spawn blocks its caller until the child's execve, and a virtual thread blocked
     * in a native call would hold its carrier (of one or two) for that whole exec.
     */
    public static SpawnedProcess start(Request r) throws IOException {
        String file = check(r);
        var started = new CompletableFuture<SpawnedProcess>();
        Blocking.THREADS.execute(() -> {
            SpawnedProcess p;
            try {
                p = spawn(r, file);
            } catch (Throwable t) {
                started.completeExceptionally(t);
                return;
            }
            started.complete(p);
            p.awaitExit();
        });
        try {
            return started.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException("posix_spawn failed", e.getCause());
        }
    }

    /**
     * Starts {@code true} once, streams and all, so that the first command does not pay for linking the
     * downcalls and the classes of this path: ~150 ms on an idle x86 host without an AOT cache (ProcessBuilder's
     * first start: ~35 ms), several times that under TCG.
     */
    public static void warm() {
        try {
            var p = start(new Request(List.of("true"), Map.of("PATH", ExecPath.DEFAULT_PATH), Path.of("/"), null));
            p.getInputStream().readAllBytes();
            p.getErrorStream().readAllBytes();
            p.waitFor();
        } catch (IOException e) {
            // only a warm-up
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Refuses what C strings cannot carry, as ProcessBuilder does; returns the file to execute. */
    private static String check(Request r) throws SpawnException {
        if (r.argv().isEmpty()) throw new SpawnException(SpawnException.EINVAL, "no command");
        for (String s : r.argv()) {
            if (s.indexOf('\0') >= 0) throw new SpawnException(SpawnException.EINVAL, "invalid null character");
        }
        for (var e : r.env().entrySet()) {
            if (e.getKey().indexOf('=') >= 0
                    || e.getKey().indexOf('\0') >= 0
                    || e.getValue().indexOf('\0') >= 0) {
                throw new SpawnException(SpawnException.EINVAL, "invalid environment variable: " + e.getKey());
            }
        }
        if (r.cwd().toString().indexOf('\0') >= 0
                || r.terminal() != null && r.terminal().indexOf('\0') >= 0) {
            throw new SpawnException(SpawnException.EINVAL, "invalid null character");
        }
        return ExecPath.resolve(r.argv().getFirst(), r.env().get("PATH"), r.cwd());
    }

    private static SpawnedProcess spawn(Request r, String file) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            if (r.terminal() != null) {
                int pid = call(r, file, a, null);
                return SpawnedProcess.onTerminal(pid);
            }
            int[] fds = new int[6]; // stdin r/w, stdout r/w, stderr r/w
            Arrays.fill(fds, -1);
            FileOutputStream stdin = null;
            FileInputStream stdout = null;
            FileInputStream stderr = null;
            try {
                for (int i = 0; i < 3; i++) pipe(a, fds, 2 * i);
                // The JDK can only stream a descriptor it opened itself: reopen the agent's ends through /proc
                // (a new open file of the same pipe) and close the originals, before the child exists.
                stdin = new FileOutputStream(proc(fds[1]));
                stdout = new FileInputStream(proc(fds[2]));
                stderr = new FileInputStream(proc(fds[4]));
                for (int i : new int[] {1, 2, 4}) {
                    Native.close(fds[i]);
                    fds[i] = -1;
                }
                int pid = call(r, file, a, new int[] {fds[0], fds[3], fds[5]});
                return SpawnedProcess.onPipes(pid, stdin, stdout, stderr);
            } catch (Throwable t) {
                closeAll(stdin, stdout, stderr);
                throw t;
            } finally {
                for (int fd : fds) if (fd >= 0) Native.close(fd);
            }
        }
    }

    private static String proc(int fd) {
        return "/proc/self/fd/" + fd;
    }

    /** posix_spawn with the attributes and file actions; {@code stdio} null means the terminal. */
    private static int call(Request r, String file, Arena a, int[] stdio) throws Throwable {
        MemorySegment st = Native.captureState(a);
        MemorySegment attr = a.allocate(ATTR_BYTES, 8);
        MemorySegment actions = a.allocate(ACTIONS_BYTES, 8);
        ok((int) ATTR_INIT.invokeExact(st, attr));
        try {
            ok((int) FA_INIT.invokeExact(st, actions));
            try {
                attributes(attr, st, a);
                if (stdio == null) {
                    // no O_NOCTTY: the session leader's first terminal becomes its controlling one
                    ok((int) FA_OPEN.invokeExact(st, actions, 0, a.allocateFrom(r.terminal()), O_RDWR, 0));
                    ok((int) FA_DUP2.invokeExact(st, actions, 0, 1));
                    ok((int) FA_DUP2.invokeExact(st, actions, 0, 2));
                } else {
                    for (int fd = 0; fd < 3; fd++) ok((int) FA_DUP2.invokeExact(st, actions, stdio[fd], fd));
                }
                ok((int)
                        FA_CHDIR.invokeExact(st, actions, a.allocateFrom(r.cwd().toString())));
                ok((int) FA_CLOSEFROM.invokeExact(st, actions, 3));
                MemorySegment pid = a.allocate(INT);
                int rc = (int) SPAWN.invokeExact(
                        st, pid, a.allocateFrom(file), actions, attr, strings(a, r.argv()), strings(a, env(r.env())));
                ok(rc);
                return pid.get(INT, 0);
            } finally {
                int ignored = (int) FA_DESTROY.invokeExact(st, actions);
            }
        } finally {
            int ignored = (int) ATTR_DESTROY.invokeExact(st, attr);
        }
    }

    private static void attributes(MemorySegment attr, MemorySegment st, Arena a) throws Throwable {
        ok((int) ATTR_FLAGS.invokeExact(st, attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF));
        ok((int) ATTR_SIGMASK.invokeExact(st, attr, a.allocate(SIGSET_BYTES, 8))); // zeroed: nothing blocked
        // Signals 1..64 are the first 64 bits. The bits are set by hand: sigaddset refuses glibc's internal
        // 32 and 33, which its child would otherwise leave ignored across the exec (ProcessBuilder's children
        // show SigIgn 0x180000000); the child reads the set as it is and resets all 64.
        MemorySegment all = a.allocate(SIGSET_BYTES, 8);
        all.set(ValueLayout.JAVA_LONG, 0, -1L);
        ok((int) ATTR_SIGDEFAULT.invokeExact(st, attr, all));
    }

    private static void pipe(Arena a, int[] fds, int at) throws Throwable {
        MemorySegment pair = a.allocate(INT, 2);
        MemorySegment st = Native.captureState(a);
        if ((int) PIPE2.invokeExact(st, pair, O_CLOEXEC) < 0) throw new SpawnException(Native.errno(st));
        fds[at] = pair.getAtIndex(INT, 0);
        fds[at + 1] = pair.getAtIndex(INT, 1);
    }

    private static String[] env(Map<String, String> env) {
        return env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    private static MemorySegment strings(Arena a, List<String> list) {
        return strings(a, list.toArray(String[]::new));
    }

    /** A NULL-terminated array of C strings. */
    private static MemorySegment strings(Arena a, String[] values) {
        MemorySegment array = a.allocate(PTR, values.length + 1L);
        for (int i = 0; i < values.length; i++) array.setAtIndex(PTR, i, a.allocateFrom(values[i]));
        array.setAtIndex(PTR, values.length, MemorySegment.NULL);
        return array;
    }

    private static void ok(int rc) throws SpawnException {
        if (rc != 0) throw new SpawnException(rc);
    }

    private static void closeAll(Closeable... streams) {
        for (var c : streams) {
            if (c == null) continue;
            try {
                c.close();
            } catch (IOException e) {
                // the descriptor is gone either way
            }
        }
    }
}
