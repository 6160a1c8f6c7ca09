package dev.wrenn.controlplane.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wrenn.controlplane.db.Database;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.testing.TestPostgres;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The team cap in the create transaction, against real PostgreSQL: concurrent creates never pass it. */
class TeamQuotaIT {
    @Test
    void concurrentCreatesNeverTakeMoreThanTheCapAndAStoppedOneFreesItsPlace() throws Exception {
        try (var database = Database.open(
                Optional.of(TestPostgres.newDatabaseUrl()), Files.createTempDirectory("wrenn-quota-it"))) {
            database.jdbi().useHandle(h -> {
                h.execute("INSERT INTO teams (id, name) VALUES ('t-a', 'a')");
                h.execute("INSERT INTO teams (id, name) VALUES ('t-b', 'b')");
            });
            var store = new SandboxStore(database.jdbi(), 3);
            var start = new CountDownLatch(1);
            var results = new ArrayList<Future<Boolean>>();
            try (var pool = Executors.newFixedThreadPool(8)) {
                for (int i = 0; i < 8; i++) {
                    String id = "sb-q-" + i;
                    results.add(pool.submit(() -> {
                        start.await();
                        try {
                            store.insertPending(id, "t-a", "minimal", "minimal", 1, 256, 0, "127.0.0.1:1");
                            return true;
                        } catch (ApiException e) {
                            assertThat(e.code()).isEqualTo("quota_exceeded");
                            return false;
                        }
                    }));
                }
                start.countDown();
                int ok = 0;
                for (var f : results) ok += f.get() ? 1 : 0;
                assertThat(ok).isEqualTo(3);
            }
            // Another team is not affected.
            store.insertPending("sb-other", "t-b", "minimal", "minimal", 1, 256, 0, "127.0.0.1:1");
            String live = database.jdbi()
                    .withHandle(h -> h.createQuery("SELECT id FROM sandboxes WHERE team_id = 't-a' LIMIT 1")
                            .mapTo(String.class)
                            .one());
            assertThatThrownBy(() -> store.insertPending("sb-q-x", "t-a", "minimal", "minimal", 1, 256, 0, "h"))
                    .isInstanceOf(ApiException.class);
            store.markStopped(live, StatusReason.DESTROYED, null);
            store.insertPending("sb-q-y", "t-a", "minimal", "minimal", 1, 256, 0, "127.0.0.1:1");
        }
    }
}
