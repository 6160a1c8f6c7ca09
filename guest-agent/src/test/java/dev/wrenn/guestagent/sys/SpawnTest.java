package dev.wrenn.guestagent.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** posix_spawn through FFM: session, environment, descriptors, signals, terminal, errors and exit values. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SpawnTest {
    static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");

    @TempDir
    Path dir;

    final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        // a failed test must not leave children that hold pipes (or each other's) open
        synchronized (started) {
            started.forEach(Process::destroyForcibly);
        }
    }

    SpawnedProcess spawn(List<String> argv, Map<String, String> env, Path cwd, String terminal) throws IOException {
        var p = Spawn.start(new Spawn.Request(argv, env, cwd, terminal));
        synchronized (started) {
            started.add(p);
        }
        return p;
    }

    SpawnedProcess start(String... argv) throws IOException {
        return spawn(List.of(argv), ENV, dir, null);
    }

    static String out(Process p) throws IOException {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** The fields of /proc/PID/stat after the command name: state, ppid, pgrp, session, tty_nr, tpgid, ... */
    static String[] stat(String text) {
        return text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
    }

    @Test
    void childLeadsItsOwnSessionAndGroupAndDiesOfSigkillAs137() throws Exception {
        var p = start("sleep", "30");
        String[] f = stat(Files.readString(Path.of("/proc/" + p.pid() + "/stat")));
        assertThat(Long.parseLong(f[2])).as("pgrp").isEqualTo(p.pid());
        assertThat(Long.parseLong(f[3])).as("session").isEqualTo(p.pid());
        assertThat(f[4]).as("no controlling terminal").isEqualTo("0");

        assertThat(p.isAlive()).isTrue();
        assertThatThrownBy(p::exitValue).isInstanceOf(IllegalThreadStateException.class);
        assertThat(p.waitFor(50, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(p.toHandle().pid()).isEqualTo(p.pid());
        var exit = p.onExit();
        p.destroyForcibly();
        assertThat(p.waitFor()).isEqualTo(128 + 9);
        assertThat(exit.get(5, TimeUnit.SECONDS)).isSameAs(p);
        assertThat(p.isAlive()).isFalse();
        assertThat(p.exitValue()).isEqualTo(137);
        p.destroy(); // reaped: must not signal whoever has the pid now
    }

    @Test
    void destroyIsSigterm() throws Exception {
        var p = start("sleep", "30");
        assertThat(p.supportsNormalTermination()).isTrue();
        p.destroy();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(128 + 15);
    }

    @Test
    void environmentIsExactlyTheOneGiven() throws Exception {
        var env = new LinkedHashMap<>(ENV);
        env.put("A", "1");
        env.put("SPACED", "two words");
        env.put("EMPTY", "");
        var p = spawn(List.of("env"), env, dir, null);
        assertThat(out(p).lines()).containsExactlyInAnyOrder("PATH=/usr/bin:/bin", "A=1", "SPACED=two words", "EMPTY=");
        assertThat(p.waitFor()).isZero();
    }

    @Test
    void runsInTheGivenDirectoryAndLooksCommandsUpInTheChildsPath() throws Exception {
        assertThat(out(start("pwd"))).isEqualTo(dir.toRealPath() + "\n");

        Path bin = Files.createDirectory(dir.resolve("bin"));
        executable(bin.resolve("wrenn-hello"), "#!/bin/sh\necho hello \"$0\" \"$@\"\n");
        var env = Map.of("PATH", bin + ":/usr/bin:/bin");
        var p = spawn(List.of("wrenn-hello", "a b"), env, dir, null);
        // argv[0] stays the name as given, as execvp passes it
        assertThat(out(p)).isEqualTo("hello " + bin.resolve("wrenn-hello") + " a b\n");
        // relative to the child's working directory, and an empty PATH entry is that directory
        assertThat(out(spawn(List.of("./bin/wrenn-hello"), ENV, dir, null))).startsWith("hello ./bin/wrenn-hello");
        var relative = Map.of("PATH", "bin:/bin");
        assertThat(out(spawn(List.of("wrenn-hello"), relative, dir, null)))
                .startsWith("hello " + dir.resolve("bin/wrenn-hello"));
    }

    @Test
    void stdinGoesToStdoutAndStderrIsSeparate() throws Exception {
        var cat = start("cat");
        cat.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
        cat.getOutputStream().close();
        assertThat(out(cat)).isEqualTo("hello\n");
        assertThat(cat.waitFor()).isZero();

        var sh = start("/bin/sh", "-c", "echo out; echo err >&2; exit 3");
        assertThat(out(sh)).isEqualTo("out\n");
        assertThat(new String(sh.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("err\n");
        assertThat(sh.waitFor()).isEqualTo(3);
        assertThat(start("true").waitFor()).isZero();
    }

    @Test
    void missingOrNonExecutableCommandsAreErrors() throws Exception {
        assertFails(() -> start("no-such-command-anywhere"), SpawnException.ENOENT, "No such file or directory");
        assertFails(() -> start(dir + "/missing"), SpawnException.ENOENT, "No such file or directory");

        Path plain = Files.writeString(dir.resolve("plain"), "echo hi\n");
        assertFails(() -> start(plain.toString()), SpawnException.EACCES, "Permission denied");
        var env = Map.of("PATH", dir.toString());
        assertFails(() -> spawn(List.of("plain"), env, dir, null), SpawnException.EACCES, "Permission denied");
        // posix_spawn, unlike execvp, does not hand a file without #! to /bin/sh
        executable(plain, "echo hi\n");
        assertFails(() -> start(plain.toString()), SpawnException.ENOEXEC, "Exec format error");
        assertFails(() -> start("/bin/echo", "nul\0"), SpawnException.EINVAL, "invalid null character");
    }

    @Test
    void missingWorkingDirectoryIsAnError() {
        var missing = dir.resolve("gone");
        assertFails(
                () -> spawn(List.of("/bin/true"), ENV, missing, null),
                SpawnException.ENOENT,
                "No such file or directory");
    }

    interface Start {
        Process start() throws IOException;
    }

    static void assertFails(Start start, int errno, String message) {
        assertThatThrownBy(start::start)
                .isInstanceOfSatisfying(
                        SpawnException.class, e -> assertThat(e.errno()).isEqualTo(errno))
                .hasMessageContaining(message);
    }

    @Test
    void childSeesOnlyItsThreeDescriptors() throws Throwable {
        // The JDK opens its files close-on-exec; dup(2) makes one without, which only closefrom keeps away.
        var dup = Native.bind("dup", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        int inherited;
        try (var arena = Arena.ofConfined()) {
            inherited = (int) dup.invokeExact(Libc.captureState(arena), 2);
        }
        assertThat(inherited).isGreaterThan(2);
        try {
            // ls opens the directory it lists: that is the 3
            assertThat(out(start("ls", "/proc/self/fd")).lines()).containsExactly("0", "1", "2", "3");
        } finally {
            Libc.close(inherited);
        }
    }

    @Test
    void noDescriptorLeaksAfterManySpawns() throws Exception {
        start("true").waitFor();
        long before = openDescriptors();
        for (int i = 0; i < 200; i++) {
            var p = start("true");
            assertThat(p.waitFor()).isZero();
            if (i % 2 == 0) {
                // drained: each end closes at end of file
                assertThat(p.getInputStream().read()).isEqualTo(-1);
                assertThat(p.getErrorStream().readAllBytes()).isEmpty();
            } else {
                p.getInputStream().close();
                p.getErrorStream().close();
            }
        }
        // A leak grows the table by one or more descriptors a spawn; the JVM's own files (class path jars,
        // the surefire channel) may close meanwhile, so fewer is not a failure (CI saw 42 -> 38).
        assertThat(openDescriptors()).isLessThanOrEqualTo(before);
    }

    static long openDescriptors() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void signalsStartAtTheirDefaultsAndUnblocked() throws Exception {
        String status = out(start("grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"));
        // SIGPIPE (and glibc's 32 and 33, which its posix_spawn would leave ignored) included
        assertThat(status.lines()).containsExactly("SigBlk:\t0000000000000000", "SigIgn:\t0000000000000000");
    }

    @Test
    void terminalBecomesTheControllingTerminalOfTheChild() throws Exception {
        var pty = Pty.open(80, 24);
        var output = new ByteArrayOutputStream();
        Thread reader = pty.startReader("test-pty", chunk -> {
            synchronized (output) {
                output.writeBytes(chunk);
            }
        });
        String script = "tty; cat /proc/$$/stat; [ -t 0 ] && echo stdin-is-a-tty";
        var argv = List.of("/bin/sh", "-c", script);
        var p = spawn(argv, ENV, dir, pty.slavePath());
        assertThat(p.waitFor()).isZero();
        reader.join(10_000);
        String text;
        synchronized (output) {
            text = output.toString(StandardCharsets.UTF_8);
        }
        var lines = text.lines().toList();
        assertThat(lines.get(0)).isEqualTo(pty.slavePath());
        String[] f = stat(lines.get(1));
        assertThat(Long.parseLong(f[3])).as("session").isEqualTo(p.pid());
        assertThat(Long.parseLong(f[4])).as("tty_nr").isNotZero();
        assertThat(Long.parseLong(f[5])).as("foreground group").isEqualTo(p.pid());
        assertThat(lines.get(2)).isEqualTo("stdin-is-a-tty");
        // the agent talks through the master: the process's own streams are empty and closed
        assertThat(p.getInputStream().read()).isEqualTo(-1);
        assertThat(p.getErrorStream().read()).isEqualTo(-1);
        assertThatThrownBy(() -> p.getOutputStream().write(1)).isInstanceOf(IOException.class);
    }

    @Test
    void quietPipesDoNotHoldTheCarriersOfVirtualThreads() throws Exception {
        // more readers waiting in read(2) than there are carriers: a pinned carrier would stall the rest
        int n = Runtime.getRuntime().availableProcessors() * 2 + 2;
        var cats = new ArrayList<Process>();
        var readers = new ArrayList<Thread>();
        for (int i = 0; i < n; i++) {
            var cat = start("cat");
            cats.add(cat);
            readers.add(Thread.ofVirtual().start(() -> {
                try {
                    cat.getInputStream().readAllBytes();
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }));
        }
        var ran = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            try {
                // a spawn and a write from a virtual thread too
                var p = start("cat");
                p.getOutputStream().write('x');
                p.getOutputStream().close();
                if (out(p).equals("x")) ran.countDown();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(ran.await(20, TimeUnit.SECONDS)).isTrue();
        for (var cat : cats) cat.getOutputStream().close();
        for (var t : readers) t.join();
        for (var cat : cats) assertThat(cat.waitFor()).isZero();
    }

    static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
