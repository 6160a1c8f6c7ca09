package dev.wrenn.codeinterpreter.jupyter;

import java.io.IOException;

/** A kernel that did not become ready; the message carries the kernel's own last words. */
public final class KernelStartException extends IOException {
    public KernelStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
