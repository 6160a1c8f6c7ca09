package dev.wrenn.controlplane.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.ApiResponse;
import dev.wrenn.controlplane.testing.TestServer;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** Twenty creates at once: each one comes up, or is refused with a clear error; nothing half-made stays. */
class SandboxCapacityIT {
    @Test
    void twentyConcurrentCreatesAllComeUpOrAreClearlyRefused() throws Exception {
        try (var server = TestServer.withSandboxes(Map.of())) {
            var anon = server.client();
            ApiClient api = Accounts.newTeam(anon);
            var tasks = new ArrayList<Callable<ApiResponse>>();
            for (int i = 0; i < 20; i++) tasks.add(() -> api.post("/v1/sandboxes", "{\"memory_mb\":256}"));
            var up = new ArrayList<String>();
            int refused = 0;
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (var f : pool.invokeAll(tasks)) {
                    var r = f.get();
                    if (r.status() == 201) {
                        up.add(r.json().get("id").asString());
                    } else {
                        assertThat(r.status()).as(r.toString()).isEqualTo(503);
                        assertThat(r.errorCode()).isEqualTo("insufficient_capacity");
                        assertThat(r.json().path("error").path("message").asString())
                                .isNotBlank();
                        refused++;
                    }
                }
            }
            assertThat(up.size() + refused).isEqualTo(20);
            assertThat(up).isNotEmpty();
            for (String id : up) {
                var r = api.post("/v1/sandboxes/" + id + "/exec", "{\"cmd\":\"echo up\"}");
                assertThat(r.json().get("stdout").asString()).isEqualTo("up\n");
            }
            // Refused creates left rows in error, never running ones.
            var list = api.get("/v1/sandboxes").json();
            long running = 0;
            for (var s : list) if (s.get("status").asString().equals("running")) running++;
            assertThat(running).isEqualTo(up.size());
            for (String id : up)
                assertThat(api.delete("/v1/sandboxes/" + id).status()).isEqualTo(204);
            System.out.printf("20 concurrent creates: %d up, %d refused%n", up.size(), refused);
        }
    }
}
