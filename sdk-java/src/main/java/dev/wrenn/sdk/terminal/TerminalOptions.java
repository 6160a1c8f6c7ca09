package dev.wrenn.sdk.terminal;

import dev.wrenn.sdk.User;
import java.util.function.Consumer;

/**
 * How to open a terminal: its size (80x24 by default, 1 to 1000 each way), working directory, user, and the
 * callback that receives the screen's bytes (without one, iterate the {@link Terminal} for them).
 */
public record TerminalOptions(int cols, int rows, String cwd, User user, Consumer<byte[]> onOutput) {
    public TerminalOptions {
        Terminal.checkSize(cols, rows);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int cols = 80;
        private int rows = 24;
        private String cwd;
        private User user;
        private Consumer<byte[]> onOutput;

        private Builder() {}

        public Builder size(int cols, int rows) {
            this.cols = cols;
            this.rows = rows;
            return this;
        }

        public Builder cwd(String cwd) {
            this.cwd = cwd;
            return this;
        }

        public Builder user(User user) {
            this.user = user;
            return this;
        }

        /** Receives the terminal's output as it comes, on the terminal's own virtual thread, in order. */
        public Builder onOutput(Consumer<byte[]> onOutput) {
            this.onOutput = onOutput;
            return this;
        }

        public TerminalOptions build() {
            return new TerminalOptions(cols, rows, cwd, user, onOutput);
        }
    }
}
