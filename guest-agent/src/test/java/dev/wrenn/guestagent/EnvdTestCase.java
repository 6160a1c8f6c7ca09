package dev.wrenn.guestagent;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A test of the envd protocol: a fresh agent in-process per test, with a directory of its own. */
abstract class EnvdTestCase {
    @TempDir
    Path dir;

    EnvdHarness h;

    @BeforeEach
    void startAgent() throws Exception {
        h = new EnvdHarness(dir);
    }

    @AfterEach
    void stopAgent() {
        h.close();
    }
}
