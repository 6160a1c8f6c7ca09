package dev.wrenn.controlplane.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wrenn.controlplane.db.Database;
import dev.wrenn.controlplane.testing.TestPostgres;
import java.nio.file.Files;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The compare-and-set updates every lifecycle step relies on, against real PostgreSQL: an update
 * whose expected status no longer holds changes nothing and says so.
 */
class SandboxStoreIT {
    private static final String TEAM = "team-store-it";
    private static Database database;
    private static SandboxStore store;
    private static int next;

    @BeforeAll
    static void open() throws Exception {
        database =
                Database.open(Optional.of(TestPostgres.newDatabaseUrl()), Files.createTempDirectory("wrenn-store-it"));
        database.jdbi().useHandle(h -> h.execute("INSERT INTO teams (id, name) VALUES (?, 'store test')", TEAM));
        store = new SandboxStore(database.jdbi());
    }

    @AfterAll
    static void close() {
        database.close();
    }

    private static String pending() {
        String id = "sb-store-" + next++;
        store.insertPending(id, TEAM, "minimal", "minimal", 1, 256, 0, "127.0.0.1:1");
        return id;
    }

    private static SandboxStore.Row row(String id) {
        return store.get(TEAM, id).orElseThrow();
    }

    @Test
    void aTransitionFromAStatusTheRowIsNotInChangesNothing() {
        String id = pending();
        assertThat(store.transition(id, SandboxStatus.RUNNING, SandboxStatus.PAUSED, StatusReason.PAUSED))
                .isFalse();
        assertThat(row(id).status()).isEqualTo(SandboxStatus.PENDING);
        assertThat(store.markRunning(id, SandboxStatus.PAUSED, "10.0.0.2", "10.214.0.1", 0))
                .isFalse();
        assertThat(row(id).status()).isEqualTo(SandboxStatus.PENDING);

        assertThat(store.markRunning(id, SandboxStatus.PENDING, "10.0.0.2", "10.214.0.1", 0))
                .isTrue();
        assertThat(store.transition(id, SandboxStatus.RUNNING, SandboxStatus.PAUSED, StatusReason.PAUSED))
                .isTrue();
        assertThat(row(id).status()).isEqualTo(SandboxStatus.PAUSED);
        assertThat(row(id).reason()).isEqualTo("paused");
        // The second of two racing pauses finds the row already moved.
        assertThat(store.transition(id, SandboxStatus.RUNNING, SandboxStatus.PAUSED, StatusReason.PAUSED))
                .isFalse();
    }

    @Test
    void aTransitionTheStateMachineForbidsIsRefusedBeforeTheDatabase() {
        String id = pending();
        assertThatThrownBy(() ->
                        store.transition(id, SandboxStatus.STOPPED, SandboxStatus.RUNNING, StatusReason.DESTROYED))
                .isInstanceOf(IllegalStateException.class);
        assertThat(row(id).status()).isEqualTo(SandboxStatus.PENDING);
    }

    @Test
    void markStoppedStopsFromEveryStateButStopped() {
        String fromPending = pending();
        String fromRunning = pending();
        store.markRunning(fromRunning, SandboxStatus.PENDING, "10.0.0.2", "10.214.0.1", 0);
        String fromPaused = pending();
        store.markRunning(fromPaused, SandboxStatus.PENDING, "10.0.0.2", "10.214.0.1", 0);
        store.transition(fromPaused, SandboxStatus.RUNNING, SandboxStatus.PAUSED, StatusReason.PAUSED);
        String fromError = pending();
        store.transition(fromError, SandboxStatus.PENDING, SandboxStatus.ERROR, StatusReason.CREATE_FAILED, "boom");
        assertThat(row(fromError).reason()).isEqualTo("create_failed: boom");

        for (String id : new String[] {fromPending, fromRunning, fromPaused, fromError}) {
            assertThat(store.markStopped(id, StatusReason.DESTROYED, null))
                    .as(id)
                    .isTrue();
            assertThat(row(id).status()).isEqualTo(SandboxStatus.STOPPED);
            assertThat(row(id).reason()).isEqualTo("destroyed");
            assertThat(store.markStopped(id, StatusReason.SAVED_AS_TEMPLATE, "t"))
                    .as("a stopped row stays as it was")
                    .isFalse();
            assertThat(row(id).reason()).isEqualTo("destroyed");
        }
    }
}
