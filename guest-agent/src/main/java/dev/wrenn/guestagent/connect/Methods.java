package dev.wrenn.guestagent.connect;

import java.io.IOException;
import java.util.Map;

/** The two RPC shapes the agent serves. */
public final class Methods {
    private Methods() {}

    @FunctionalInterface
    public interface Unary {
        Map<String, Object> call(Call call) throws IOException;
    }

    @FunctionalInterface
    public interface ServerStream {
        void stream(Call call, StreamSink sink) throws IOException, InterruptedException;
    }
}
