package dev.wrenn.guestagent.envd.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A streaming multipart/form-data reader: parts are read one after the other straight from the request body
 * through a fixed 64 KiB window, so an upload of any size costs the same memory.
 */
final class Multipart {
    private static final int MAX_HEADERS = 16 * 1024;

    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int end;
    private boolean eof;
    private boolean started;
    private boolean done;
    private PartBody current;

    /** A part: its lower-cased headers and its body, valid until the next call of {@link #next()}. */
    record Part(Map<String, String> headers, InputStream body) {
        String dispositionParam(String name) {
            String cd = headers.getOrDefault("content-disposition", "");
            for (String piece : cd.split(";")) {
                String p = piece.trim();
                if (p.regionMatches(true, 0, name + "=", 0, name.length() + 1)) {
                    String v = p.substring(name.length() + 1);
                    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")
                            ? v.substring(1, v.length() - 1).replace("\\\"", "\"")
                            : v;
                }
            }
            return null;
        }
    }

    Multipart(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        // The first boundary has no CRLF before it: pretend it had one.
        buf[0] = '\r';
        buf[1] = '\n';
        end = 2;
    }

    static String boundaryOf(String contentType) {
        for (String piece : contentType.split(";")) {
            String p = piece.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String b = p.substring(9);
                return b.startsWith("\"") && b.endsWith("\"") && b.length() >= 2 ? b.substring(1, b.length() - 1) : b;
            }
        }
        return null;
    }

    /** The next part, or null after the closing boundary. */
    Part next() throws IOException {
        if (done) return null;
        if (current != null) current.transferTo(OutputStreamNull.INSTANCE);
        else if (!started) new PartBody().transferTo(OutputStreamNull.INSTANCE); // the preamble
        started = true;
        pos += delimiter.length; // now right after the boundary
        if (!fill(2)) throw new IOException("multipart body ends inside a boundary");
        if (buf[pos] == '-' && buf[pos + 1] == '-') {
            done = true;
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        String line = readLine(); // the rest of the boundary line
        int total = 0;
        while (!(line = readLine()).isEmpty()) {
            total += line.length();
            if (total > MAX_HEADERS) throw new IOException("multipart part headers too large");
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
        }
        current = new PartBody();
        return new Part(headers, current);
    }

    private String readLine() throws IOException {
        var sb = new StringBuilder();
        while (true) {
            if (!fill(1)) throw new IOException("multipart body ends inside part headers");
            byte b = buf[pos++];
            if (b == '\n') break;
            if (b != '\r') sb.append((char) (b & 0xff));
            if (sb.length() > MAX_HEADERS) throw new IOException("multipart header line too long");
        }
        return sb.toString();
    }

    /** Makes at least {@code n} bytes available from {@code pos}; false if the input ends first. */
    private boolean fill(int n) throws IOException {
        while (end - pos < n) {
            if (eof) return false;
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, end - pos);
                end -= pos;
                pos = 0;
            }
            int r = in.read(buf, end, buf.length - end);
            if (r < 0) eof = true;
            else end += r;
        }
        return true;
    }

    private int indexOfDelimiter() {
        outer:
        for (int i = pos; i <= end - delimiter.length; i++) {
            for (int j = 0; j < delimiter.length; j++) if (buf[i + j] != delimiter[j]) continue outer;
            return i;
        }
        return -1;
    }

    /** Reads up to (not including) the next delimiter, leaving {@code pos} on it. */
    private final class PartBody extends BulkInputStream {
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            while (true) {
                fill(delimiter.length);
                int at = indexOfDelimiter();
                int avail = at >= 0 ? at - pos : end - pos - (eof ? 0 : delimiter.length - 1);
                if (at < 0 && eof) throw new IOException("multipart body ends without a closing boundary");
                if (at == pos) return -1;
                if (avail > 0) {
                    int n = Math.min(len, avail);
                    System.arraycopy(buf, pos, b, off, n);
                    pos += n;
                    return n;
                }
                if (!fill(end - pos + 1)) throw new IOException("multipart body ends without a closing boundary");
            }
        }
    }

    private static final class OutputStreamNull extends java.io.OutputStream {
        static final OutputStreamNull INSTANCE = new OutputStreamNull();

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    }
}
