package dev.wrenn.hostagent.guest.connect;

import dev.wrenn.hostagent.guest.GuestAgentException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import tools.jackson.databind.JsonNode;

/** The messages of one server stream, read as they arrive; closing it ends the call. */
public final class ConnectStream implements AutoCloseable {
    private final InputStream raw;
    private final InputStream in;
    private boolean ended;

    ConnectStream(InputStream raw) {
        this.raw = raw;
        this.in = new BufferedInputStream(raw, 64 << 10);
    }

    /**
     * The next message; null once the server ended the stream well. Throws the error the server ended
     * it with, and an IOException if the stream broke off without an end-of-stream message (the guest
     * went away: that must not look like a clean end).
     */
    public JsonNode next() throws IOException {
        if (ended) return null;
        Envelope e = Envelope.read(in);
        if (e == null) {
            ended = true;
            throw new IOException("Connect stream ended without an end-of-stream message");
        }
        if (e.endOfStream()) {
            ended = true;
            GuestAgentException error = ConnectClient.endOfStreamError(e.data());
            if (error != null) throw error;
            return null;
        }
        return ConnectClient.JSON.readTree(e.data());
    }

    @Override
    public void close() throws IOException {
        ended = true;
        raw.close();
    }
}
