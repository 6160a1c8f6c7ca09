package dev.wrenn.controlplane.build;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed recipe: the template it starts {@code from}, its steps in order, the command a template's
 * sandboxes start with already running ({@code start}, empty: none) and its readiness check, and the
 * build's resources from {@code LABEL wrenn.vcpus|memory_mb|disk_mb} (0: not given).
 */
public record Recipe(
        String from,
        List<Step> steps,
        Optional<List<String>> start,
        Optional<Readiness> ready,
        int vcpus,
        int memoryMb,
        int diskMb,
        Map<String, String> labels) {
    public Recipe {
        steps = List.copyOf(steps);
        labels = Map.copyOf(labels);
    }

    /** The account the template's sandboxes default to: the last {@code USER}, or empty. */
    public Optional<String> user() {
        return steps.stream()
                .filter(s -> s instanceof Step.User)
                .map(s -> ((Step.User) s).name())
                .reduce((a, b) -> b);
    }

    /** The working directory they default to: the last {@code WORKDIR}, or empty. */
    public Optional<String> workdir() {
        return steps.stream()
                .filter(s -> s instanceof Step.Workdir)
                .map(s -> ((Step.Workdir) s).path())
                .reduce((a, b) -> b);
    }

    /** Every {@code ENV}, later ones overriding earlier. */
    public Map<String, String> env() {
        var env = new java.util.LinkedHashMap<String, String>();
        for (var s : steps) if (s instanceof Step.Env e) env.putAll(e.vars());
        return env;
    }
}
