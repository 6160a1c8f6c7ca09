package dev.wrenn.codeinterpreter.jupyter;

import java.io.IOException;

/** A message that is malformed or wrongly signed: dropped, while the connection it came on stays up. */
public final class BadMessageException extends IOException {
    public BadMessageException(String message) {
        super(message);
    }
}
