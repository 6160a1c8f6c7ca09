package dev.wrenn.controlplane.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.PythonScripts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Python SDK's unit tests (sdk-python/tests/unit), which need no server: its WebSocket client against a
 * scripted server on loopback, its HTTP transport against the standard library's server, errors, URLs, and
 * that docs/sdk-python.md shows only the examples' code. Run with Debian's /usr/bin/python3.
 */
class PythonSdkTest {
    @Test
    void theUnitTestsPass() {
        var run = PythonScripts.locate()
                .run(
                        "sdk-python unit",
                        List.of("-m", "unittest", "discover", "-s", "tests/unit", "-t", "."),
                        Map.of(),
                        Duration.ofMinutes(5));
        assertThat(run.passed()).as(run.describe()).isTrue();
    }
}
