package dev.wrenn.guestagent.process;

import com.sun.net.httpserver.HttpExchange;
import dev.wrenn.guestagent.http.Exchanges;
import dev.wrenn.guestagent.http.Json;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code POST /exec}: run to completion, answer with collected output. */
public final class ExecHandler {
    /** Per stream; the guest heap is small and /process exists for large output. */
    static final int MAX_CAPTURE = 4 * 1024 * 1024;

    static final long DEFAULT_TIMEOUT_MS = 60_000;
    /**
     * After the command exits, background children may still hold its pipes open; wait this long
     * for end-of-file, then answer with what arrived. Their output is drained and dropped.
     */
    static final long PIPE_GRACE_MS = 1_000;

    private final Spawner spawner;

    public ExecHandler(Spawner spawner) {
        this.spawner = spawner;
    }

    public void handle(HttpExchange ex) throws IOException {
        CommandSpec spec = CommandSpec.from(Exchanges.readJsonObject(ex), DEFAULT_TIMEOUT_MS);
        long start = System.nanoTime();
        Process process = spawner.spawn(spec);
        process.getOutputStream().close();
        var out = new BoundedBuffer(MAX_CAPTURE);
        var err = new BoundedBuffer(MAX_CAPTURE);
        Thread outReader = Thread.ofVirtual()
                .name("exec-stdout-" + process.pid())
                .start(() -> drain(process.getInputStream(), out));
        Thread errReader = Thread.ofVirtual()
                .name("exec-stderr-" + process.pid())
                .start(() -> drain(process.getErrorStream(), err));

        boolean timedOut = false;
        try {
            if (spec.timeoutMs() > 0) {
                if (!process.waitFor(spec.timeoutMs(), TimeUnit.MILLISECONDS)) {
                    timedOut = true;
                    Signals.killTree(process);
                    process.waitFor();
                }
            } else {
                process.waitFor();
            }
            long graceEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PIPE_GRACE_MS);
            outReader.join(java.time.Duration.ofNanos(Math.max(1, graceEnd - System.nanoTime())));
            errReader.join(java.time.Duration.ofNanos(Math.max(1, graceEnd - System.nanoTime())));
        } catch (InterruptedException e) {
            Signals.killTree(process);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        Bytes stdout = out.snapshot();
        Bytes stderr = err.snapshot();
        boolean utf8 = isUtf8(stdout) && isUtf8(stderr);
        var tail = new LinkedHashMap<String, Object>();
        tail.put("exit_code", timedOut ? -1 : process.exitValue());
        tail.put("duration_ms", durationMs);
        tail.put("encoding", utf8 ? "utf-8" : "base64");
        tail.put("timed_out", timedOut);
        tail.put("truncated", out.truncated() || err.truncated());
        sendResult(ex, stdout, stderr, utf8, tail);
    }

    /**
     * Writes the answer straight from the capture buffers: up to 2 x 4 MiB of output must not turn
     * into several String/base64/JSON copies on a 96 MiB heap. UTF-8 bytes are copied as they are
     * (multi-byte sequences need no JSON escaping); only ASCII controls, quote and backslash are escaped.
     */
    private static void sendResult(HttpExchange ex, Bytes stdout, Bytes stderr, boolean utf8, Map<String, Object> tail)
            throws IOException {
        String tailJson = Json.write(tail);
        byte[] open = "{\"stdout\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] middle = "\",\"stderr\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] close = ("\"," + tailJson.substring(1)).getBytes(StandardCharsets.UTF_8);
        long length =
                open.length + middle.length + close.length + encodedLength(stdout, utf8) + encodedLength(stderr, utf8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, length);
        try (var body = new BufferedOutputStream(ex.getResponseBody(), 64 * 1024)) {
            body.write(open);
            writeEncoded(body, stdout, utf8);
            body.write(middle);
            writeEncoded(body, stderr, utf8);
            body.write(close);
        }
    }

    private static long encodedLength(Bytes b, boolean utf8) {
        if (!utf8) return 4L * ((b.length() + 2) / 3);
        long n = 0;
        for (int i = 0; i < b.length(); i++) n += escapedLength(b.array()[i]);
        return n;
    }

    private static int escapedLength(byte c) {
        if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') return 2;
        if (c >= 0 && c < 0x20) return 6;
        return 1;
    }

    private static void writeEncoded(OutputStream out, Bytes b, boolean utf8) throws IOException {
        if (!utf8) {
            // The wrapping encoder must be closed to flush its padding; do not close the response.
            var encoder = Base64.getEncoder().wrap(new FilterOutputStream(out) {
                @Override
                public void write(byte[] buf, int off, int len) throws IOException {
                    out.write(buf, off, len);
                }

                @Override
                public void close() {}
            });
            encoder.write(b.array(), 0, b.length());
            encoder.close();
            return;
        }
        byte[] a = b.array();
        for (int i = 0; i < b.length(); i++) {
            byte c = a[i];
            switch (c) {
                case '"' -> out.write(ESC_QUOTE);
                case '\\' -> out.write(ESC_BACKSLASH);
                case '\n' -> out.write(ESC_N);
                case '\r' -> out.write(ESC_R);
                case '\t' -> out.write(ESC_T);
                case '\b' -> out.write(ESC_B);
                case '\f' -> out.write(ESC_F);
                default -> {
                    if (c >= 0 && c < 0x20) {
                        out.write(String.format("\\u%04x", (int) c).getBytes(StandardCharsets.US_ASCII));
                    } else {
                        out.write(c);
                    }
                }
            }
        }
    }

    private static final byte[] ESC_QUOTE = {'\\', '"'};
    private static final byte[] ESC_BACKSLASH = {'\\', '\\'};
    private static final byte[] ESC_N = {'\\', 'n'};
    private static final byte[] ESC_R = {'\\', 'r'};
    private static final byte[] ESC_T = {'\\', 't'};
    private static final byte[] ESC_B = {'\\', 'b'};
    private static final byte[] ESC_F = {'\\', 'f'};

    private static void drain(InputStream in, BoundedBuffer into) {
        byte[] buf = new byte[16 * 1024];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) into.write(buf, n);
        } catch (IOException ignored) {
            // the pipe went away with the process
        }
    }

    static boolean isUtf8(Bytes b) {
        return isUtf8(ByteBuffer.wrap(b.array(), 0, b.length()));
    }

    /** Validates in 8 KiB steps instead of decoding the whole capture into a second buffer. */
    static boolean isUtf8(ByteBuffer bytes) {
        var decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer chars = CharBuffer.allocate(8192);
        while (true) {
            CoderResult r = decoder.decode(bytes, chars, true);
            if (r.isError()) return false;
            if (r.isUnderflow()) break;
            chars.clear();
        }
        chars.clear();
        return !decoder.flush(chars).isError();
    }

    /** A view of the first {@code length} bytes of {@code array}; bytes below length never change. */
    record Bytes(byte[] array, int length) {}

    /** Keeps the first {@code cap} bytes; readers may still append after a snapshot was taken. */
    static final class BoundedBuffer {
        private final Growable bytes = new Growable();
        private final int cap;
        private boolean truncated;

        BoundedBuffer(int cap) {
            this.cap = cap;
        }

        synchronized void write(byte[] b, int len) {
            int room = cap - bytes.size();
            if (room < len) truncated = true;
            if (room > 0) bytes.write(b, 0, Math.min(room, len));
        }

        /** No copy: appends only ever write above the current count, or into a new array. */
        synchronized Bytes snapshot() {
            return new Bytes(bytes.array(), bytes.size());
        }

        synchronized boolean truncated() {
            return truncated;
        }
    }

    private static final class Growable extends ByteArrayOutputStream {
        byte[] array() {
            return buf;
        }
    }
}
