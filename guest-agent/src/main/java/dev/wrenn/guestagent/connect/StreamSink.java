package dev.wrenn.guestagent.connect;

import java.io.IOException;
import java.util.Map;

/** Where a server-streaming handler sends its messages; each is flushed at once. */
@FunctionalInterface
public interface StreamSink {
    /** @throws IOException when the client has gone away: the handler should stop. */
    void send(Map<String, Object> message) throws IOException;
}
