package dev.wrenn.sdk.examples;

import dev.wrenn.sdk.Wrenn;
import java.time.Duration;

/** The client, built explicitly (the quick start reads the environment). */
final class ClientExamples {
    private ClientExamples() {}

    static Wrenn builder(String apiKey, String serverUrl) {
        // docs:begin client
        Wrenn wrenn = Wrenn.builder()
                .apiKey(apiKey) // wrn_...
                .baseUrl(serverUrl) // e.g. https://wrenn.example.com
                .requestTimeout(Duration.ofSeconds(30))
                .build();
        // docs:end client
        return wrenn;
    }
}
