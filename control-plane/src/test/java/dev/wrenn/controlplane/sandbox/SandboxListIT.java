package dev.wrenn.controlplane.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.db.Database;
import dev.wrenn.controlplane.testing.TestPostgres;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lists (filters, order, cursor pages) and the time-to-live updates, on rows in real PostgreSQL:
 * each test works in a team of its own, so what it lists is exactly what it inserted.
 */
class SandboxListIT {
    private static Database database;
    private static SandboxStore store;
    private static int next;

    @BeforeAll
    static void open() throws Exception {
        database =
                Database.open(Optional.of(TestPostgres.newDatabaseUrl()), Files.createTempDirectory("wrenn-list-it"));
        store = new SandboxStore(database.jdbi());
    }

    @AfterAll
    static void close() {
        database.close();
    }

    private static String team() {
        String team = "team-list-" + next++;
        database.jdbi().useHandle(h -> h.execute("INSERT INTO teams (id, name) VALUES (?, 'list test')", team));
        return team;
    }

    private static String insert(String team, String template, Map<String, String> metadata, int ttlSec) {
        String id = String.format("sb-list-%04d", next++);
        store.insertPending(new SandboxStore.NewRow(
                id, team, template, template, 1, 256, 0, "h", metadata, ttlSec, OnTimeout.KILL, false, true, true));
        return id;
    }

    private static void setCreated(String id, String instant) {
        database.jdbi()
                .useHandle(
                        h -> h.execute("UPDATE sandboxes SET created_at = ?::timestamptz WHERE id = ?", instant, id));
    }

    private static SandboxFilter filter(int limit, Cursor after) {
        return new SandboxFilter(List.of(), Optional.empty(), Map.of(), Optional.empty(), false, limit, after);
    }

    private static List<String> ids(SandboxFilter.Page page) {
        return page.rows().stream().map(SandboxStore.Row::id).toList();
    }

    @Test
    void pagesAreNewestFirstWithTiesBrokenByIdAndUnmovedByInserts() {
        String team = team();
        var inserted = new ArrayList<String>();
        for (int i = 0; i < 7; i++) inserted.add(insert(team, "minimal", Map.of(), 0));
        // Three rows created in the same microsecond: the id orders them, so pages still never overlap.
        for (int i = 0; i < 7; i++)
            setCreated(inserted.get(i), i < 3 ? "2026-01-01T00:00:00Z" : "2026-01-0" + (i) + "T00:00:00Z");
        var ties = new ArrayList<>(inserted.subList(0, 3));
        ties.sort(java.util.Comparator.reverseOrder());
        var expected = new ArrayList<>(List.of(inserted.get(6), inserted.get(5), inserted.get(4), inserted.get(3)));
        expected.addAll(ties);

        var first = store.page(team, filter(3, null));
        assertThat(ids(first)).containsExactlyElementsOf(expected.subList(0, 3));
        assertThat(first.next()).isNotNull();
        // Sandboxes created between two pages are newer than the cursor: they shift nothing.
        insert(team, "minimal", Map.of(), 0);
        var second = store.page(team, filter(3, Cursor.decode(first.next().encode(), "cursor")));
        assertThat(ids(second)).containsExactlyElementsOf(expected.subList(3, 6));
        var last = store.page(team, filter(3, second.next()));
        assertThat(ids(last)).containsExactly(expected.get(6));
        assertThat(last.next()).isNull();

        // A page exactly as long as what is left is the last one.
        assertThat(store.page(team, filter(8, null)).next()).isNull();
        assertThat(store.page(team, filter(7, null)).next()).isNotNull();
        // Oldest first walks the same rows backwards.
        var asc = new SandboxFilter(List.of(), Optional.empty(), Map.of(), Optional.empty(), true, 4, null);
        var ascFirst = store.page(team, asc);
        assertThat(ids(ascFirst)).containsExactlyElementsOf(expected.reversed().subList(0, 4));
        var ascNext =
                new SandboxFilter(List.of(), Optional.empty(), Map.of(), Optional.empty(), true, 4, ascFirst.next());
        assertThat(ids(store.page(team, ascNext)).subList(0, 3))
                .containsExactlyElementsOf(expected.reversed().subList(4, 7));
    }

    @Test
    void filtersCombineAndStayWithinTheTeam() {
        String team = team();
        String a = insert(team, "minimal", Map.of("app", "web", "env", "prod"), 0);
        String b = insert(team, "minimal", Map.of("app", "web", "env", "dev"), 0);
        String c = insert(team, "snap-1", Map.of("app", "web", "env", "prod"), 0);
        String other = insert(team(), "minimal", Map.of("app", "web", "env", "prod"), 0);
        store.markRunning(a, SandboxStatus.PENDING, "10.0.0.2", "10.0.0.1", 0);
        store.markRunning(c, SandboxStatus.PENDING, "10.0.0.3", "10.0.0.1", 0);

        assertThat(list(team, List.of(), null, Map.of("app", "web"))).containsExactlyInAnyOrder(a, b, c);
        assertThat(list(team, List.of(), null, Map.of("app", "web", "env", "prod")))
                .containsExactlyInAnyOrder(a, c);
        assertThat(list(team, List.of(), null, Map.of("app", "web", "env", "none")))
                .isEmpty();
        assertThat(list(team, List.of(), "minimal", Map.of("env", "prod"))).containsExactly(a);
        assertThat(list(team, List.of(SandboxStatus.RUNNING), null, Map.of())).containsExactlyInAnyOrder(a, c);
        assertThat(list(team, List.of(SandboxStatus.PENDING, SandboxStatus.PAUSED), null, Map.of()))
                .containsExactly(b);
        assertThat(list(team, List.of(), null, Map.of())).doesNotContain(other);
        // A value that merely looks like JSON is matched as the string it is.
        assertThat(list(team, List.of(), null, Map.of("app", "{\"x\":1}"))).isEmpty();

        var after = new SandboxFilter(
                List.of(), Optional.empty(), Map.of(), Optional.of(Instant.now().plusSeconds(60)), false, 0, null);
        assertThat(ids(store.page(team, after))).isEmpty();
    }

    private static List<String> list(
            String team, List<SandboxStatus> statuses, String template, Map<String, String> metadata) {
        return ids(store.page(
                team,
                new SandboxFilter(
                        statuses, Optional.ofNullable(template), metadata, Optional.empty(), false, 0, null)));
    }

    @Test
    void theTimeToLiveStartsWhenTheSandboxRunsAndMovesAsAsked() {
        String team = team();
        String id = insert(team, "minimal", Map.of(), 60);
        assertThat(row(team, id).view().endAt()).isNull(); // still pending: no end yet
        store.markRunning(id, SandboxStatus.PENDING, "10.0.0.2", "10.0.0.1", 0);
        var started = row(team, id).view();
        assertThat(started.endAt())
                .isBetween(
                        started.startedAt().plusSeconds(59), started.startedAt().plusSeconds(61));

        assertThat(store.extendEnd(id, 10)).isTrue(); // never sooner
        assertThat(row(team, id).view().endAt()).isEqualTo(started.endAt());
        assertThat(store.extendEnd(id, 600)).isTrue();
        assertThat(row(team, id).view().endAt()).isAfter(started.endAt().plusSeconds(500));
        assertThat(store.setEnd(id, 5)).isTrue(); // sooner on request
        assertThat(row(team, id).view().endAt()).isBefore(started.endAt());
        assertThat(store.expired()).extracting(SandboxStore.Row::id).doesNotContain(id);

        assertThat(store.endNow(id)).isTrue();
        assertThat(store.expired()).extracting(SandboxStore.Row::id).contains(id);
        assertThat(store.setTtl(id, 0)).isTrue();
        assertThat(row(team, id).view().endAt()).isNull();
        assertThat(row(team, id).view().ttlSec()).isZero();
        assertThat(store.extendEnd(id, 600)).isFalse(); // a sandbox without a time-to-live keeps none
        assertThat(row(team, id).view().endAt()).isNull();

        assertThat(store.setTtl(id, 120)).isTrue();
        store.transition(id, SandboxStatus.RUNNING, SandboxStatus.PAUSED, StatusReason.PAUSED);
        store.markRunning(id, SandboxStatus.PAUSED, "10.0.0.2", "10.0.0.1", 0); // a resume: a fresh end
        var resumed = row(team, id).view();
        assertThat(resumed.endAt())
                .isBetween(
                        resumed.startedAt().plusSeconds(119),
                        resumed.startedAt().plusSeconds(121));

        store.markStopped(id, StatusReason.DESTROYED, null);
        assertThat(store.setTtl(id, 5)).isFalse();
        assertThat(store.endNow(id)).isFalse();
        assertThat(store.expired()).extracting(SandboxStore.Row::id).doesNotContain(id);
    }

    private static SandboxStore.Row row(String team, String id) {
        return store.get(team, id).orElseThrow();
    }
}
