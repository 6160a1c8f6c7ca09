package dev.wrenn.guestagent.envd.api;

import java.io.IOException;
import java.io.InputStream;

/**
 * A request body that knows whether it was cut short: the client went away, or the body ended before its
 * Content-Length. Such an upload is the client's fault (400), unlike a file that cannot be written.
 */
final class UploadBody extends BulkInputStream {
    private final InputStream in;
    private final long expected;
    private long received;
    private boolean cutShort;

    UploadBody(InputStream in, String contentLength) {
        this.in = in;
        this.expected = parseLength(contentLength);
    }

    private static long parseLength(String header) {
        if (header == null) return -1;
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    boolean cutShort() {
        return cutShort;
    }

    String shortfall() {
        return expected < 0
                ? "the request body broke off after " + received + " bytes"
                : "the request body ended after " + received + " of " + expected + " bytes";
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException e) {
            cutShort = true;
            throw e;
        }
        if (n > 0) received += n;
        if (n < 0 && expected >= 0 && received < expected) {
            cutShort = true;
            throw new IOException(shortfall());
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
