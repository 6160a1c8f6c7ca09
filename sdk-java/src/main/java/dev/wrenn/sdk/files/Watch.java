package dev.wrenn.sdk.files;

import dev.wrenn.sdk.EventStream;
import dev.wrenn.sdk.http.Socket;
import java.util.function.Consumer;

/**
 * A watch on a sandbox directory: one {@link WatchEvent} per change, iterated or handed to a callback, from the
 * moment the watch was made (it is in place when {@code watch} returns) until it is closed. Closing it removes
 * the watcher in the sandbox.
 */
public final class Watch extends EventStream<WatchEvent> {
    Watch(Socket socket, Consumer<WatchEvent> onEvent) {
        super(socket);
        awaitOpening("start");
        if (onEvent != null) pump(onEvent);
    }

    @Override
    protected WatchEvent decode(Socket.Message message) {
        if (!(message instanceof Socket.Message.Text t)) return null;
        String type = t.json().path("type").asString("");
        if (type.equals("start")) return null;
        return new WatchEvent(WatchEvent.Type.of(type), t.json().path("name").asString(""));
    }

    @Override
    protected boolean isLast(WatchEvent event) {
        return false;
    }
}
