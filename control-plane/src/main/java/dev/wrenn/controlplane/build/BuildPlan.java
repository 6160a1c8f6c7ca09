package dev.wrenn.controlplane.build;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recipe's steps with what each runs with and its cache key. The first key hashes what the build
 * starts from ({@code identity}: a base image's manifest hash or a snapshot template's host name) and
 * its resources; every step's key hashes the key before it, the step as written and, for a COPY, the
 * files it copies. So a layer found under a step's key was made by exactly these steps from exactly
 * this start, and a changed step rebuilds from itself on.
 */
public record BuildPlan(String rootKey, List<Planned> steps) {
    static final String VERSION = "wrenn-build-v1";

    /**
     * One step: {@code env}, {@code user} and {@code workdir} are what it runs with (the recipe's
     * {@code ENV}, {@code USER} and {@code WORKDIR} before it); {@code copy} is the packed archive of a COPY.
     */
    public record Planned(
            int index,
            Step step,
            String key,
            Map<String, String> env,
            String user,
            String workdir,
            BuildContext.Packed copy) {
        /** RUN and COPY change the guest; their result is saved as a layer. */
        public boolean layered() {
            return step instanceof Step.Run || step instanceof Step.Copy;
        }
    }

    public BuildPlan {
        steps = List.copyOf(steps);
    }

    public static BuildPlan of(
            Recipe recipe, BuildContext context, String identity, int vcpus, int memoryMb, int diskMb) {
        String key = sha256(VERSION + "\n" + identity + "\n" + vcpus + "/" + memoryMb + "/" + diskMb);
        String root = key;
        var env = new LinkedHashMap<String, String>();
        String user = "root";
        String workdir = null;
        var out = new ArrayList<Planned>();
        int i = 0;
        for (Step s : recipe.steps()) {
            BuildContext.Packed packed = s instanceof Step.Copy c ? context.pack(c) : null;
            key = sha256(key + "\n" + s.canonical() + (packed == null ? "" : "\n" + packed.sha256()));
            out.add(new Planned(i++, s, key, Map.copyOf(env), user, workdir, packed));
            switch (s) {
                case Step.Env e -> env.putAll(e.vars());
                case Step.User u -> user = u.name();
                case Step.Workdir w -> workdir = w.path();
                default -> {}
            }
        }
        return new BuildPlan(root, out);
    }

    /** The key of the guest after the last step: what the final template is made from. */
    public String finalKey() {
        return steps.isEmpty() ? rootKey : steps.getLast().key();
    }

    static String sha256(String s) {
        return sha256(s.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] b) {
        return HexFormat.of().formatHex(BuildContext.sha256().digest(b));
    }
}
