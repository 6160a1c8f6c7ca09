package dev.wrenn.controlplane.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.hostile.RouteCatalog.Surface;
import dev.wrenn.controlplane.testing.ApiClient;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Symlinks and special files made inside the guest (absolute links to /etc/shadow and /proc/1/root, a {@code ../}
 * chain, a loop, /dev/zero, a FIFO, a 4 000-byte path) passed to every file and file-system route. The guest is the
 * user's own machine: following a link inside it is a well-defined success. What must never happen: a hang (a device
 * or FIFO is refused before it is opened), a 5xx, or a file of the host touched.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileFilesIT {
    static final String DIR = "/tmp/hf";
    static final String DEEP = DIR + "/d" + ("/" + "a".repeat(199)).repeat(19);
    static final List<String> HOST_FILES = List.of("/etc/shadow", "/etc/passwd", "/etc/hosts", "/root/.bashrc");

    static HostileFixture fx;
    static Map<String, String> hostBefore;

    @BeforeAll
    static void start() {
        fx = new HostileFixture();
        fx.takeBaseline();
        hostBefore = hostState();
        String setup =
                "set -e; mkdir -p " + DIR + "; cd " + DIR + "; ln -s /etc/shadow shadow; ln -s /proc/1/root root1;"
                        + " ln -s ../../../../../../../etc/passwd up; ln -s loop2 loop1; ln -s loop1 loop2;"
                        + " ln -s /dev/zero zero; mkfifo fifo; ln -s fifo fifolink; ln -s /nowhere dangling;"
                        + " mkdir -p '" + DEEP + "'; echo deep > '" + DEEP + "/f'; echo ok";
        assertThat(guest(setup)).isEqualTo("ok\n");
    }

    @AfterAll
    static void stop() {
        if (fx != null) fx.close();
    }

    static List<String> targets() {
        return List.of(
                DIR + "/shadow",
                DIR + "/root1",
                DIR + "/root1/etc/passwd",
                DIR + "/up",
                DIR + "/loop1",
                DIR + "/loop1/x",
                DIR + "/zero",
                DIR + "/fifo",
                DIR + "/fifolink",
                DIR + "/dangling",
                DEEP,
                DEEP + "/f",
                DEEP + "/" + "b".repeat(120),
                "/dev/zero",
                "/proc/self/fd/0",
                "/proc/1/root/etc/passwd");
    }

    @Test
    @Order(1)
    void readsAreBoundedAndFollowLinksOnlyInsideTheGuest() {
        var failures = new ArrayList<String>();
        for (String p : targets()) {
            String body = "{\"path\":" + ApiClient.JSON.writeValueAsString(p) + "}";
            for (String route : List.of("files/read", "files/stream/read")) {
                judge(failures, route, p, post(route, body));
            }
            String q = "?path=" + URLEncoder.encode(p, StandardCharsets.UTF_8);
            judge(failures, "fs/stat", p, fx.raw.send("GET", base() + "/fs/stat" + q, fx.auth(), null));
            judge(failures, "fs/list", p, fx.raw.send("GET", base() + "/fs/list" + q + "&depth=3", fx.auth(), null));
            try (var ws = RawWs.open(fx.server.baseUri().getPort(), base() + "/fs/watch" + q, fx.auth())) {
                if (ws.status == 101) {
                    ws.soTimeout(2_000);
                    ws.read();
                } else if (ws.status < 400 || ws.status >= 500) {
                    failures.add("fs/watch " + p + ": upgrade " + ws.status);
                }
            } catch (IOException e) {
                failures.add("fs/watch " + p + ": " + e);
            }
        }
        assertThat(failures).isEmpty();
        for (String p : List.of(DIR + "/zero", DIR + "/fifo", DIR + "/fifolink", "/dev/zero", DIR + "/loop1")) {
            var r = post("files/read", "{\"path\":\"" + p + "\"}");
            assertThat(r.status()).as(p + ": " + r.brief()).isEqualTo(400);
        }
        var up = post("files/read", "{\"path\":\"" + DIR + "/up\"}");
        assertThat(up.status()).as(up.brief()).isEqualTo(200);
        assertThat(up.text()).as("the guest's own /etc/passwd").contains("root:");
        var deep = post("files/read", "{\"path\":\"" + DEEP + "/f\"}");
        assertThat(deep.text()).isEqualTo("deep\n");
    }

    /**
     * Writes go through links to files made for it: writing through a link to the guest's /etc/passwd would work
     * (the guest is the user's) and leave a guest without users, which every later call then reports.
     */
    static List<String> writeTargets() {
        return List.of(
                DIR + "/victim-link",
                DIR + "/root1" + DIR + "/victim",
                DIR + "/upvictim",
                DIR + "/loop1",
                DIR + "/loop1/x",
                DIR + "/zero",
                DIR + "/fifo",
                DIR + "/fifolink",
                DIR + "/dangling",
                DEEP,
                DEEP + "/f",
                DEEP + "/" + "b".repeat(120),
                "/proc/self/fd/0");
    }

    @Test
    @Order(2)
    void writesMkdirsMovesAndRemovesStayInTheGuest() {
        assertThat(guest("set -e; cd " + DIR + "; echo v > victim; ln -s " + DIR + "/victim victim-link;"
                        + " ln -s ../../../../../.." + DIR + "/victim upvictim; echo ok"))
                .isEqualTo("ok\n");
        var failures = new ArrayList<String>();
        for (String p : writeTargets()) {
            var body = Multiparts.good(p, ("hostile-files " + p).getBytes(StandardCharsets.UTF_8));
            for (String route : List.of("files/write", "files/stream/write")) {
                judge(
                        failures,
                        route,
                        p,
                        fx.raw.send("POST", base() + "/" + route, Multiparts.headers(body, fx.auth()), body.bytes()));
            }
            String json = ApiClient.JSON.writeValueAsString(p);
            judge(failures, "fs/mkdir", p, postJson("fs/mkdir", "{\"path\":" + json + "}"));
            judge(
                    failures,
                    "fs/move",
                    p,
                    postJson("fs/move", "{\"source\":" + json + ",\"destination\":\"" + DIR + "/moved\"}"));
            judge(
                    failures,
                    "fs/move back",
                    p,
                    postJson("fs/move", "{\"source\":\"" + DIR + "/moved\",\"destination\":" + json + "}"));
        }
        for (String p : writeTargets()) {
            if (p.startsWith(DIR)) {
                String json = ApiClient.JSON.writeValueAsString(p);
                judge(failures, "fs/remove", p, postJson("fs/remove", "{\"path\":" + json + "}"));
            }
        }
        judge(failures, "fs/remove", DIR, postJson("fs/remove", "{\"path\":\"" + DIR + "\"}"));
        assertThat(failures).isEmpty();
        assertThat(hostState())
                .as("host files after the guest's links were written through")
                .isEqualTo(hostBefore);
    }

    @Test
    @Order(3)
    void afterwardsEverythingWorksAndNothingLeaked() throws InterruptedException {
        assertThat(guest("test -e /etc/passwd && echo ok")).isEqualTo("ok\n");
        fx.stillWorksAndNothingLeaked();
        assertThat(hostState()).isEqualTo(hostBefore);
    }

    private static void judge(List<String> failures, String route, String path, RawHttp.Answer answer) {
        Oracle.judge(Surface.WRENN, answer, false)
                .ifPresent(p -> failures.add(
                        route + " " + HostileInputIT.abbreviate(path) + ": " + p + " -> " + answer.brief()));
    }

    private static String base() {
        return "/v1/sandboxes/" + fx.sandbox;
    }

    private static RawHttp.Answer post(String route, String json) {
        return postJson(route, json);
    }

    private static RawHttp.Answer postJson(String route, String json) {
        var h = new LinkedHashMap<>(fx.auth());
        h.put("Content-Type", "application/json");
        return fx.raw.send("POST", base() + "/" + route, h, json.getBytes(StandardCharsets.UTF_8));
    }

    private static String guest(String cmd) {
        var r = fx.api.post(base() + "/exec", "{\"cmd\":" + ApiClient.JSON.writeValueAsString(cmd) + "}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("stdout").asString();
    }

    /** The host's own files a link in the guest names: size and modification time, or that they are absent. */
    private static Map<String, String> hostState() {
        var out = new LinkedHashMap<String, String>();
        for (String f : HOST_FILES) {
            Path p = Path.of(f);
            try {
                out.put(f, Files.size(p) + "@" + Files.getLastModifiedTime(p));
            } catch (IOException e) {
                out.put(f, "absent");
            }
        }
        out.put("control plane data", String.valueOf(count(fx.server.dataDir())));
        return out;
    }

    private static long count(Path dir) {
        try (var s = Files.walk(dir)) {
            return s.filter(p -> !p.toString().contains("/pg")).count();
        } catch (IOException e) {
            return -1;
        }
    }
}
