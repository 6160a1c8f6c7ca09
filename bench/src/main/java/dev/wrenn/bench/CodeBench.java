package dev.wrenn.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The code interpreter template (templates/code-interpreter-v1) through the API, each figure beside a floor
 * measured in the same run: its recipe built cold beside one cold boot of the base image (what any build
 * pays at least once); rebuilt with nothing changed (it is up to date, nothing runs) beside a clone of a
 * template saved again; a sandbox of it to its first cell's result beside the same sandbox to its
 * first exec; and a cell's round trip beside an exec's.
 *
 * <p>Usage: {@code bench/run.sh code [runs=3]}; needs root and the guest image.
 */
public final class CodeBench {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String NAME = "cb-interpreter";

    public static void main(String[] args) {
        int runs = 3;
        try {
            if (args.length > 1) throw new IllegalArgumentException("too many arguments");
            if (args.length == 1) runs = Integer.parseInt(args[0]);
            if (runs < 1) throw new IllegalArgumentException("runs must be at least 1");
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\nusage: bench/run.sh code [runs=3]");
            System.exit(2);
        }
        try (var stack = new LocalStack("wcb-", "10.222.0.0/16")) {
            String recipe = Files.readString(Path.of("templates/code-interpreter-v1/Dockerfile"));
            new CodeBench(stack.api(), new ApiSandboxes(stack.api()), recipe).measure(runs);
        } catch (Throwable t) {
            System.err.println("code bench failed:");
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private final ApiSandboxes api;
    private final RecipeBuilds builds;
    private final String recipe;

    private CodeBench(URI base, ApiSandboxes api, String recipe) {
        this.api = api;
        this.builds = new RecipeBuilds(base, api);
        this.recipe = recipe;
    }

    void measure(int runs) throws Exception {
        var cold = new Stats("cold build of code-interpreter-v1 (no cache)", "ms");
        var boot = new Stats("floor: create from the base image -> first exec", "ms");
        var cached = new Stats("rebuild, nothing changed (up to date)", "ms");
        var cloneSave = new Stats("floor: one clone of a template saved again", "ms");
        var firstCell = new Stats("create from it -> first cell's result", "ms");
        var firstExec = new Stats("floor: create from it -> first exec", "ms");
        var cell = new Stats("cell `1 + 1` round trip", "ms");
        var exec = new Stats("floor: exec `true` round trip", "ms");
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            build(true);
            cold.add(ms(t0));

            boot.add(api.createToFirstExec(null));

            t0 = System.nanoTime();
            JsonNode again = build(false);
            cached.add(ms(t0));
            if (again.path("steps_run").asInt() != 0) throw new IllegalStateException("not cached: " + again);

            t0 = System.nanoTime();
            String id = api.create(NAME);
            api.snapshot(id, "cb-copy");
            cloneSave.add(ms(t0));
            api.deleteTemplate("cb-copy");

            t0 = System.nanoTime();
            id = api.create(NAME);
            run(id, "1 + 1");
            firstCell.add(ms(t0));
            for (int i = 0; i < 5; i++) {
                t0 = System.nanoTime();
                run(id, "1 + 1");
                cell.add(ms(t0));
                t0 = System.nanoTime();
                api.execTrue(id);
                exec.add(ms(t0));
            }
            api.destroy(id);

            firstExec.add(api.createToFirstExec(NAME));
        }
        Stats.table(
                "The code interpreter template through the API (" + runs + " runs; the floors are measured in the"
                        + " same run)",
                List.of(cold, boot, cached, cloneSave, firstCell, firstExec, cell, exec));
    }

    private void run(String id, String code) throws Exception {
        JsonNode r = api.call("/v1/sandboxes/" + id + "/code", JSON.writeValueAsString(Map.of("code", code)), 200);
        if (!r.path("error").isNull()
                || !r.path("results").path(0).path("text").asString().equals("2"))
            throw new IllegalStateException(code + " gave " + r);
    }

    private JsonNode build(boolean noCache) throws Exception {
        return builds.build(NAME, recipe, noCache);
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }
}
