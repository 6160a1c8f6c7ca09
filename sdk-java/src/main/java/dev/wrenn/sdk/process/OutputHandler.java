package dev.wrenn.sdk.process;

import java.util.function.Consumer;

/**
 * Callbacks for a process's output as it is produced, as text. A multi-byte character split across chunks is
 * handed over whole, once its last byte has arrived. Called on one thread, in order.
 */
public interface OutputHandler {
    default void onStdout(String text) {}

    default void onStderr(String text) {}

    static OutputHandler of(Consumer<String> onStdout, Consumer<String> onStderr) {
        return new OutputHandler() {
            @Override
            public void onStdout(String text) {
                onStdout.accept(text);
            }

            @Override
            public void onStderr(String text) {
                onStderr.accept(text);
            }
        };
    }
}
