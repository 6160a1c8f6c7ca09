package dev.wrenn.controlplane.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code disk_mb} on {@code POST /v1/sandboxes}, on real microVMs: the size asked is the guest's disk,
 * read back in the API across pause and resume; the host's default applies when none is asked; sizes
 * the host cannot give are 400s in the envelope and leave no live sandbox behind.
 */
class SandboxDiskBudgetIT {
    static TestServer server;
    static ApiClient api;

    @BeforeAll
    static void start() {
        server = TestServer.withSandboxes(Map.of());
        api = Accounts.newTeam(server.client());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Sectors of the guest's root disk, in MiB. */
    static long guestDiskMb(String id) {
        var r = api.post(
                "/v1/sandboxes/" + id + "/exec",
                ApiClient.JSON.writeValueAsString(Map.of("cmd", "cat /sys/block/vda/size")));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return Long.parseLong(r.json().get("stdout").asString().strip()) / 2048;
    }

    @Test
    void theAskedSizeIsTheGuestsDiskAndIsKeptAcrossPauseAndResume() {
        var r = api.post("/v1/sandboxes", "{\"disk_mb\": 1024}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        String id = r.json().get("id").asString();
        try {
            assertThat(r.json().get("disk_mb").asInt()).isEqualTo(1024);
            assertThat(guestDiskMb(id)).isEqualTo(1024);
            assertThat(api.get("/v1/sandboxes/" + id).json().get("disk_mb").asInt())
                    .isEqualTo(1024);
            assertThat(api.post("/v1/sandboxes/" + id + "/pause", "").status()).isEqualTo(200);
            var resumed = api.post("/v1/sandboxes/" + id + "/resume", "");
            assertThat(resumed.status()).as(resumed.toString()).isEqualTo(200);
            assertThat(resumed.json().get("disk_mb").asInt()).isEqualTo(1024);
            assertThat(guestDiskMb(id)).isEqualTo(1024);
        } finally {
            api.delete("/v1/sandboxes/" + id);
        }
    }

    @Test
    void withoutASizeTheHostsDefaultIsRecordedAndIsWhatTheGuestHas() {
        var r = api.post("/v1/sandboxes", "{}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        String id = r.json().get("id").asString();
        try {
            int recorded = r.json().get("disk_mb").asInt();
            assertThat(recorded).isPositive();
            assertThat(guestDiskMb(id)).isEqualTo(recorded);
        } finally {
            api.delete("/v1/sandboxes/" + id);
        }
    }

    /** Sandboxes of the team that hold (or are about to hold) a VM. */
    static long live() {
        var statuses = api.get("/v1/sandboxes").json().findValuesAsString("status");
        return statuses.stream()
                .filter(s -> s.equals("running") || s.equals("pending"))
                .count();
    }

    @Test
    void sizesTheHostCannotGiveAreRefusedAndLeaveNoSandbox() {
        long before = live();
        for (String body : new String[] {
            "{\"disk_mb\": 0}",
            "{\"disk_mb\": -5}",
            "{\"disk_mb\": \"big\"}",
            "{\"disk_mb\": 1.5}",
            "{\"disk_mb\": 99999999}"
        }) {
            var r = api.post("/v1/sandboxes", body);
            assertThat(r.status()).as(body + " -> " + r).isEqualTo(400);
            assertThat(r.json().get("error").get("code").asString()).as(body).isEqualTo("invalid_request");
            assertThat(r.json().get("error").get("message").asString()).as(body).contains("disk_mb");
        }
        // Past the host's maximum the host agent refuses, before anything is made.
        assertThat(api.post("/v1/sandboxes", "{\"disk_mb\": 99999999}")
                        .json()
                        .get("error")
                        .get("message")
                        .asString())
                .contains("maximum");
        // A refusal by the host is recorded as an errored row (as every failed create); none stays live.
        assertThat(live()).isEqualTo(before);
    }
}
