package dev.wrenn.sdk.terminal;

import dev.wrenn.sdk.EventStream;
import dev.wrenn.sdk.StreamException;
import dev.wrenn.sdk.http.Json;
import dev.wrenn.sdk.http.Query;
import dev.wrenn.sdk.http.Socket;
import dev.wrenn.sdk.http.Transport;
import java.nio.charset.StandardCharsets;

/**
 * An interactive {@code bash -l} on a pseudo-terminal ({@code TERM=xterm-256color}) in a sandbox: keystrokes in
 * ({@link #write}), the screen's bytes out (a callback, or iterate the {@link TerminalEvent}s), {@link #resize},
 * {@link #waitForExit()}. Closing it hangs up: the shell gets SIGHUP, then SIGKILL, so no terminal outlives it.
 */
public final class Terminal extends EventStream<TerminalEvent> {
    private final long pid;
    private volatile Integer exitCode;

    private Terminal(Socket socket, TerminalOptions options) {
        super(socket);
        this.pid = awaitOpening("start").path("pid").asLong();
        if (options.onOutput() != null) {
            pump(e -> {
                if (e instanceof TerminalEvent.Output o) options.onOutput().accept(o.data());
            });
        }
    }

    /** Opens a terminal; use {@code Sandbox#openTerminal} rather than this. Returns once the shell runs. */
    public static Terminal open(Transport transport, String sandboxId, TerminalOptions options) {
        var q = Query.path("/v1/sandboxes")
                .segment(sandboxId)
                .then("/terminal")
                .param("cols", options.cols())
                .param("rows", options.rows())
                .param("cwd", options.cwd())
                .param("user", options.user() == null ? null : options.user().wire());
        return new Terminal(transport.socket(q), options);
    }

    /** The shell's pid in the sandbox. */
    public long pid() {
        return pid;
    }

    /** Types {@code keys} (any bytes: control characters, escape sequences). */
    public void write(byte[] keys) {
        socket().sendBinary(keys);
    }

    /** Types {@code text} as UTF-8, e.g. {@code "ls -la\n"}. */
    public void write(String text) {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Gives the terminal a new size (the shell gets SIGWINCH). */
    public void resize(int cols, int rows) {
        checkSize(cols, rows);
        socket().sendJson(Json.object().put("type", "resize").put("cols", cols).put("rows", rows));
    }

    static void checkSize(int cols, int rows) {
        if (cols < 1 || rows < 1 || cols > 1000 || rows > 1000) {
            throw new IllegalArgumentException("a terminal needs 1 to 1000 columns and rows, not " + cols + "x" + rows);
        }
    }

    /** Waits for the shell to exit (after {@code exit}, or a signal) and returns its code. */
    public int waitForExit() {
        awaitEnd();
        Integer code = exitCode;
        if (code == null) throw new StreamException("the terminal closed without the shell's exit", null);
        return code;
    }

    @Override
    protected TerminalEvent decode(Socket.Message message) {
        if (message instanceof Socket.Message.Binary b) return new TerminalEvent.Output(b.data());
        if (message instanceof Socket.Message.Text t
                && t.json().path("type").asString("").equals("exit")) {
            int code = t.json().path("exit_code").asInt();
            exitCode = code;
            return new TerminalEvent.Exited(code);
        }
        return null;
    }

    @Override
    protected boolean isLast(TerminalEvent event) {
        return event instanceof TerminalEvent.Exited;
    }
}
