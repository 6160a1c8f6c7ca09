package dev.wrenn.controlplane.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client on a bare socket, so a test can send bytes no well-behaved client would: invalid UTF-8 in the
 * target, a Content-Length the body never reaches, half a request. Every exchange has a deadline; running past it is
 * a finding, not a hang.
 */
final class RawHttp {
    /** How long any single hostile request may take, end to end, before the server counts as hung. */
    static final Duration DEADLINE = Duration.ofSeconds(10);

    private final int port;

    RawHttp(int port) {
        this.port = port;
    }

    /** What came back: the status (-1 when the server closed without answering), headers in lower case, body. */
    record Answer(int status, Map<String, String> headers, byte[] body, long millis, boolean timedOut) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String brief() {
            String t = text();
            return (timedOut ? "TIMEOUT " : "") + status + " in " + millis + " ms: "
                    + (t.length() > 300 ? t.substring(0, 300) + "..." : t);
        }
    }

    /** A whole request: the target's bytes are sent as given (they may be invalid UTF-8). */
    Answer send(String method, byte[] target, Map<String, String> headers, byte[] body) {
        var head = new ByteArrayOutputStream();
        head.writeBytes((method + " ").getBytes(StandardCharsets.ISO_8859_1));
        head.writeBytes(target);
        head.writeBytes(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".getBytes(StandardCharsets.ISO_8859_1));
        boolean hasLength = false;
        for (var h : headers.entrySet()) {
            hasLength |= h.getKey().equalsIgnoreCase("Content-Length");
            head.writeBytes((h.getKey() + ": " + h.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        if (!hasLength && body != null) {
            head.writeBytes(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        head.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) head.writeBytes(body);
        return exchange(head.toByteArray(), false);
    }

    Answer send(String method, String target, Map<String, String> headers, byte[] body) {
        return send(method, target.getBytes(StandardCharsets.UTF_8), headers, body);
    }

    /**
     * Sends these bytes, then either half-closes (the server sees the end of the request stream) or keeps the
     * connection open without writing more (a client that stalls), and reads whatever comes back by the deadline.
     */
    Answer exchange(byte[] bytes, boolean keepOpen) {
        long start = System.nanoTime();
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout((int) DEADLINE.toMillis());
            OutputStream out = socket.getOutputStream();
            try {
                out.write(bytes);
                out.flush();
                if (!keepOpen) socket.shutdownOutput();
            } catch (IOException e) {
                // The server may answer and close before it has read everything (a body too large): read its answer.
            }
            return read(socket.getInputStream(), start);
        } catch (IOException e) {
            return new Answer(-1, Map.of(), e.toString().getBytes(StandardCharsets.UTF_8), elapsed(start), false);
        }
    }

    private static Answer read(InputStream in, long start) throws IOException {
        var all = new ByteArrayOutputStream();
        boolean timedOut = false;
        byte[] buf = new byte[8192];
        try {
            long deadline = start + DEADLINE.toNanos();
            for (int n; (n = in.read(buf)) > 0; ) {
                all.write(buf, 0, n);
                if (System.nanoTime() > deadline) {
                    timedOut = true;
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            timedOut = true;
        } catch (IOException e) {
            // A reset after the answer was written still leaves the answer to judge.
        }
        return parse(all.toByteArray(), elapsed(start), timedOut);
    }

    static Answer parse(byte[] raw, long millis, boolean timedOut) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.") || end < 0) return new Answer(-1, Map.of(), raw, millis, timedOut);
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        var headers = new LinkedHashMap<String, String>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) body = dechunk(body);
        return new Answer(status, headers, body, millis, timedOut);
    }

    private static byte[] dechunk(byte[] body) {
        var out = new ByteArrayOutputStream();
        int i = 0;
        while (i < body.length) {
            int lineEnd = indexOf(body, i);
            if (lineEnd < 0) break;
            String size = new String(body, i, lineEnd - i, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int n;
            try {
                n = Integer.parseInt(size, 16);
            } catch (NumberFormatException e) {
                break;
            }
            if (n == 0) break;
            int from = lineEnd + 2;
            out.write(body, from, Math.min(n, body.length - from));
            i = from + n + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) if (b[i] == '\r' && b[i + 1] == '\n') return i;
        return -1;
    }

    private static long elapsed(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
