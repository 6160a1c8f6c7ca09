package dev.wrenn.guestagent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.wrenn.guestagent.envd.EnvdRouter;
import dev.wrenn.guestagent.envd.api.HttpErrors;
import java.io.IOException;

/**
 * Hands every request to envd and notes when it came: the restore-path warm-up waits for a quiet moment
 * ({@link GuestAgent#warmRestorePathWhenIdle}).
 */
final class Router implements HttpHandler {
    private final EnvdRouter envd;

    /** When the last request arrived (System.nanoTime()). */
    private volatile long lastRequestNanos = System.nanoTime();

    Router(EnvdRouter envd) {
        this.envd = envd;
    }

    /** Nanoseconds since the last request arrived. */
    long idleNanos() {
        return System.nanoTime() - lastRequestNanos;
    }

    @Override
    public void handle(HttpExchange ex) {
        lastRequestNanos = System.nanoTime();
        try (ex) {
            try {
                envd.handle(ex);
            } catch (RuntimeException e) {
                // a bug still gets an answer rather than a connection closed without one
                HttpErrors.send(ex, 500, e.toString());
            }
        } catch (IOException e) {
            // the response could not be written (client gone, or headers already sent); nothing to answer
        }
    }
}
