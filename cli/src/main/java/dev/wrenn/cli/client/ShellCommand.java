package dev.wrenn.cli.client;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code wrenn sandbox shell ID}: an interactive shell in the sandbox over the terminal socket. The
 * local terminal is put in raw mode (restored on exit) so every key reaches the sandbox; a resize of
 * the local window (SIGWINCH) resizes the remote terminal. Exits with the shell's exit code.
 */
@Command(name = "shell", mixinStandardHelpOptions = true, description = "Open an interactive shell in a sandbox.")
final class ShellCommand implements Callable<Integer> {
    @Mixin
    ApiOptions api;

    @Option(names = "--user", description = "root (default) or user.")
    String user;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() throws Exception {
        var client = api.client();
        boolean tty = System.console() != null && new File("/dev/tty").canRead();
        int[] size = tty ? LocalTerminal.size() : new int[] {24, 80};
        String query =
                "?cols=" + size[1] + "&rows=" + size[0] + (user == null ? "" : "&user=" + ProcessCommands.enc(user));
        URI uri = URI.create(client.base().replaceFirst("^http", "ws") + "/v1/sandboxes/" + ProcessCommands.enc(id)
                + "/terminal" + query);
        var exit = new CompletableFuture<Integer>();
        WebSocket ws = client.http()
                .newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .header("X-API-Key", client.apiKey())
                .buildAsync(uri, new Screen(exit))
                .exceptionally(e -> {
                    exit.completeExceptionally(new CliException("cannot open a terminal in " + id + ": "
                            + (e.getCause() == null ? e : e.getCause()).getMessage()));
                    return null;
                })
                .join();
        if (ws == null) return exit.join();
        String saved = tty ? LocalTerminal.raw() : null;
        try {
            if (tty)
                LocalTerminal.onResize(() -> {
                    int[] s = LocalTerminal.size();
                    ws.sendText("{\"type\":\"resize\",\"cols\":" + s[1] + ",\"rows\":" + s[0] + "}", true);
                });
            Thread keys = Thread.ofPlatform().daemon().start(() -> {
                byte[] buf = new byte[4096];
                try {
                    int n;
                    while ((n = System.in.read(buf)) > 0)
                        ws.sendBinary(ByteBuffer.wrap(buf.clone(), 0, n), true).join();
                } catch (IOException | RuntimeException e) {
                    // the socket or stdin ended
                }
            });
            int code = exit.join();
            keys.interrupt();
            return code;
        } finally {
            if (saved != null) LocalTerminal.restore(saved);
        }
    }

    /** Draws what the remote terminal sends; the exit message ends the session. */
    private static final class Screen implements WebSocket.Listener {
        private final CompletableFuture<Integer> exit;
        private final StringBuilder text = new StringBuilder();

        Screen(CompletableFuture<Integer> exit) {
            this.exit = exit;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            System.out.write(b, 0, b.length);
            System.out.flush();
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                JsonNode m = ApiClient.JSON.readTree(text.toString());
                text.setLength(0);
                switch (m.path("type").asString("")) {
                    case "exit" -> exit.complete(m.path("exit_code").asInt(0));
                    case "error" ->
                        System.err.println("\r\nwrenn: " + m.path("data").asString());
                    default -> {}
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            exit.complete(status == 1000 ? 0 : 1);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            exit.completeExceptionally(new CliException("terminal connection failed: " + error.getMessage()));
        }
    }

    /** The local terminal through stty on /dev/tty: its size, raw mode and back, window changes. */
    static final class LocalTerminal {
        private LocalTerminal() {}

        static String stty(String... args) {
            var command = new java.util.ArrayList<String>(List.of("stty"));
            command.addAll(List.of(args));
            try {
                Process p = new ProcessBuilder(command)
                        .redirectInput(new File("/dev/tty"))
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                p.waitFor();
                return out;
            } catch (IOException e) {
                throw new CliException("stty failed: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "";
            }
        }

        /** {rows, cols}; 24x80 when the terminal does not say. */
        static int[] size() {
            String[] parts = stty("size").split("\\s+");
            try {
                int rows = Integer.parseInt(parts[0]);
                int cols = Integer.parseInt(parts[1]);
                if (rows > 0 && cols > 0) return new int[] {rows, cols};
            } catch (RuntimeException notASize) {
                // fall through
            }
            return new int[] {24, 80};
        }

        /** Raw mode, no local echo; returns the settings to restore. */
        static String raw() {
            String saved = stty("-g");
            stty("raw", "-echo");
            return saved;
        }

        static void restore(String saved) {
            stty(saved);
        }

        @SuppressWarnings("removal")
        static void onResize(Runnable r) {
            sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), s -> r.run());
        }
    }
}
