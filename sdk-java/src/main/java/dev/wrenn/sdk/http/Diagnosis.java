package dev.wrenn.sdk.http;

import dev.wrenn.sdk.StreamException;
import dev.wrenn.sdk.WrennException;

/**
 * A stream refused after its upgrade (an error message and a close) says why in prose only; the same question
 * asked of a REST route gets the typed answer. Asked only once a stream has failed, so it costs nothing otherwise.
 */
public final class Diagnosis {
    private Diagnosis() {}

    /**
     * The REST route's error for what {@code failed} was about, with {@code failed} attached; {@code failed} itself
     * when the route finds nothing wrong.
     */
    public static WrennException of(StreamException failed, Runnable restCheck) {
        try {
            restCheck.run();
        } catch (WrennException typed) {
            typed.addSuppressed(failed);
            return typed;
        }
        return failed;
    }
}
