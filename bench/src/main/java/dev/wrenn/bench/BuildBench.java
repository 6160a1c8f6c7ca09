package dev.wrenn.bench;

import java.net.URI;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Template builds from recipes through the API, each beside its floor measured in the same run: the
 * same work done by hand through the API (create a sandbox, exec the step, save it as a template).
 * A cold build (no cache) of a two-step recipe beside the hand-made template of the same two steps;
 * a rebuild served from cached layers beside one clone-and-save; a rebuild whose last step changed;
 * and a sandbox of the built template to its first exec beside a sandbox of the base image.
 *
 * <p>Usage: {@code bench/run.sh build [runs=3]}; needs root and the guest image.
 */
public final class BuildBench {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final String STEP1 = "mkdir -p /srv/app && seq 1 20000 > /srv/app/numbers";
    static final String STEP2 = "sort -rn /srv/app/numbers | head -1 > /srv/app/max";

    public static void main(String[] args) {
        int runs = 3;
        try {
            if (args.length > 1) throw new IllegalArgumentException("too many arguments");
            if (args.length == 1) runs = Integer.parseInt(args[0]);
            if (runs < 1) throw new IllegalArgumentException("runs must be at least 1");
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\nusage: bench/run.sh build [runs=3]");
            System.exit(2);
        }
        try (var stack = new LocalStack("wbb-", "10.223.0.0/16")) {
            new BuildBench(stack.api(), new ApiSandboxes(stack.api())).measure(runs);
        } catch (Throwable t) {
            System.err.println("build bench failed:");
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private final ApiSandboxes api;
    private final RecipeBuilds builds;

    private BuildBench(URI base, ApiSandboxes api) {
        this.api = api;
        this.builds = new RecipeBuilds(base, api);
    }

    static String recipe(String last) {
        return "FROM minimal\nRUN " + STEP1 + "\nRUN " + last + "\n";
    }

    void measure(int runs) throws Exception {
        var cold = new Stats("cold build, 2 RUN steps (no cache)", "ms");
        var byHand = new Stats("floor: the same by hand (create, 2 execs, save as template)", "ms");
        var cached = new Stats("rebuild, every step cached", "ms");
        var cloneSave = new Stats("floor: one clone of a template saved again", "ms");
        var changed = new Stats("rebuild, the last step changed", "ms");
        var fromBuilt = new Stats("create from the built template -> first exec", "ms");
        var fromBase = new Stats("floor: create from the base image -> first exec", "ms");
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            build("bb-app", recipe(STEP2), true);
            cold.add(ms(t0));

            t0 = System.nanoTime();
            String id = api.create(null);
            exec(id, STEP1);
            exec(id, STEP2);
            api.snapshot(id, "bb-hand");
            byHand.add(ms(t0));

            t0 = System.nanoTime();
            JsonNode again = build("bb-app", recipe(STEP2), false);
            cached.add(ms(t0));
            if (again.path("steps_run").asInt() != 0) throw new IllegalStateException("not cached: " + again);

            t0 = System.nanoTime();
            id = api.create("bb-hand");
            api.snapshot(id, "bb-hand2");
            cloneSave.add(ms(t0));
            api.deleteTemplate("bb-hand2");
            api.deleteTemplate("bb-hand");

            t0 = System.nanoTime();
            JsonNode other = build("bb-app", recipe(STEP2 + " && echo run " + r), false);
            changed.add(ms(t0));
            if (other.path("steps_cached").asInt() != 1) throw new IllegalStateException("not 1 cached: " + other);

            t0 = System.nanoTime();
            id = api.create("bb-app");
            exec(id, "cat /srv/app/max");
            fromBuilt.add(ms(t0));
            api.destroy(id);
            fromBase.add(api.createToFirstExec(null));
        }
        Stats.table(
                "Template builds from recipes through the API (" + runs + " runs; the floors are measured in the"
                        + " same run)",
                List.of(cold, byHand, cached, cloneSave, changed, fromBuilt, fromBase));
    }

    private JsonNode build(String name, String recipe, boolean noCache) throws Exception {
        return builds.build(name, recipe, noCache);
    }

    private void exec(String id, String cmd) throws Exception {
        JsonNode r = api.call("/v1/sandboxes/" + id + "/exec", JSON.writeValueAsString(Map.of("cmd", cmd)), 200);
        if (r.path("exit_code").asInt(-1) != 0) throw new IllegalStateException(cmd + " gave " + r);
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }
}
