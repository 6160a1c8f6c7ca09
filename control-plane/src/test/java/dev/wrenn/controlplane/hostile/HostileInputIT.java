package dev.wrenn.controlplane.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.hostile.RouteCatalog.Operation;
import dev.wrenn.controlplane.hostile.RouteCatalog.Surface;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every route of both served contracts (/v1 and E2B's) gets seeded malformed and extreme input: hostile path and
 * query values, wrong JSON types, broken bodies, bad Content-Types and credentials. Each answer must pass the
 * {@link Oracle}; afterwards the server, agent and sandboxes still work and nothing leaked.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputIT {
    /** Routes that boot a VM or freeze one: only input invalid by construction goes there, and it must be refused. */
    private static final Set<String> CREATES =
            Set.of("POST /v1/sandboxes", "POST /v2/sandboxes", "POST /sandboxes", "POST /v1/snapshots");

    static HostileFixture fx;

    @BeforeAll
    static void start() {
        fx = new HostileFixture();
        fx.takeBaseline();
    }

    @AfterAll
    static void stop() {
        if (fx != null) fx.close();
    }

    @TestFactory
    @Order(1)
    Stream<DynamicTest> everyV1Route() {
        return routes(Surface.WRENN, "/openapi.yaml");
    }

    @TestFactory
    @Order(2)
    Stream<DynamicTest> everyE2bRoute() {
        return routes(Surface.E2B, "/e2b/openapi.yaml");
    }

    @Test
    @Order(3)
    void hostileCredentialsAndHeaders() {
        var gen = new HostileGen(Seed.forRoute("credentials"));
        var failures = new ArrayList<String>();
        List<Map<String, String>> headers = List.of(
                Map.of("X-API-Key", ""),
                Map.of("X-API-Key", "wrn_" + "A".repeat(4000)),
                Map.of("X-API-Key", "wrn_\u00ff\u00fe"),
                Map.of("Authorization", "Bearer "),
                Map.of("Authorization", "Bearer a.b.c"),
                Map.of("Authorization", "Bearer " + "x".repeat(6000)),
                Map.of("Authorization", "Basic Zm9vOmJhcg=="),
                Map.of("Authorization", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."),
                Map.of("X-Long", "v".repeat(20_000)),
                Map.of("Content-Length", "-1"),
                Map.of("Content-Length", "99999999999999999999"),
                Map.of("Transfer-Encoding", "chunked, identity"));
        for (var h : headers) {
            for (String target : List.of("/v1/sandboxes", "/sandboxes", "/v1/api-keys")) {
                var surface = target.startsWith("/v1") ? Surface.WRENN : Surface.E2B;
                var answer = fx.raw.send("GET", target, h, null);
                Oracle.judge(surface, answer, false)
                        .ifPresent(p -> failures.add("GET " + target + " headers " + abbreviate(h.toString()) + ": " + p
                                + " -> " + answer.brief()));
            }
        }
        for (int i = 0; i < Seed.TRIES; i++) {
            byte[] target = HostileGen.concat("/v1/".getBytes(StandardCharsets.ISO_8859_1), gen.segment());
            var answer = fx.raw.send(
                    gen.pick(List.of("GET", "POST", "PUT", "PATCH", "OPTIONS", "BREW")), target, fx.auth(), null);
            Oracle.judge(Surface.WRENN, answer, false)
                    .ifPresent(p -> failures.add("target " + abbreviate(new String(target, StandardCharsets.ISO_8859_1))
                            + ": " + p + " -> " + answer.brief()));
        }
        assertThat(failures).as("seed " + Seed.VALUE).isEmpty();
    }

    @Test
    @Order(4)
    void afterwardsEverythingWorksAndNothingLeaked() throws InterruptedException {
        fx.stillWorksAndNothingLeaked();
    }

    private static Stream<DynamicTest> routes(Surface surface, String document) {
        var served = fx.raw.send("GET", document, Map.of(), null);
        assertThat(served.status()).isEqualTo(200);
        var ops = RouteCatalog.parse(surface, served.body());
        assertThat(ops).isNotEmpty();
        return ops.stream().map(op -> DynamicTest.dynamicTest(op.name(), () -> attack(op)));
    }

    private static void attack(Operation op) {
        var gen = new HostileGen(Seed.forRoute(op.name()));
        var failures = new ArrayList<String>();
        for (int i = 0; i < Seed.TRIES; i++) {
            var input = HostileRequests.of(gen, op, fx.sandbox, fx.auth(), CREATES.contains(op.name()));
            var answer = fx.raw.send(op.method(), input.target(), input.headers(), input.body());
            Oracle.judge(op.surface(), answer, input.mustFail())
                    .ifPresent(
                            p -> failures.add(p + "\n  input: " + input.describe() + "\n  answer: " + answer.brief()));
            if (answer.status() >= 200 && answer.status() < 300 && CREATES.contains(op.name())) {
                HostileRequests.cleanUp(fx.api, answer);
            }
            if (failures.size() >= 3) break;
        }
        assertThat(failures)
                .as(op.name() + " (reproduce with -Dwrenn.hostile.seed=" + Seed.VALUE + ")")
                .isEmpty();
    }

    static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "...(" + s.length() + " chars)" : s;
    }

    static Map<String, String> copy(Map<String, String> m) {
        return new LinkedHashMap<>(m);
    }
}
