package dev.wrenn.controlplane.build;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a recipe: a subset of the Dockerfile format (docs/templates.md says which, and why that format).
 * Every refusal is a {@link RecipeException} naming the line; nothing is guessed.
 */
public final class RecipeParser {
    static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    static final Pattern USER_NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    static final Pattern TEMPLATE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final int MAX_BYTES = 64 * 1024;
    static final int MAX_STEPS = 200;
    private static final Duration READY_INTERVAL = Duration.ofSeconds(1);
    private static final Duration READY_ATTEMPT = Duration.ofSeconds(10);
    private static final Duration READY_DEADLINE = Duration.ofMinutes(2);
    private static final Map<String, String> UNSUPPORTED = Map.of(
            "ADD", "use COPY (URLs and archives are not fetched; download them in a RUN)",
            "ARG", "use ENV",
            "ENTRYPOINT", "use CMD for the start command",
            "VOLUME", "a sandbox's disk is already writable",
            "SHELL", "RUN's shell form is /bin/sh -c; use the JSON form [\"bash\", \"-c\", \"...\"] for another",
            "ONBUILD", "recipes are not inherited",
            "STOPSIGNAL", "sandboxes stop with their VM",
            "MAINTAINER", "use LABEL");

    private String from;
    private final List<Step> steps = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final List<Integer> ports = new ArrayList<>();
    private String workdir = "/";
    private List<String> start;
    private Readiness command;
    private boolean noHealthcheck;

    private RecipeParser() {}

    public static Recipe parse(String text) {
        if (text.length() > MAX_BYTES) throw new RecipeException("larger than " + MAX_BYTES / 1024 + " KiB");
        var p = new RecipeParser();
        for (var l : LogicalLine.of(text)) p.instruction(l.number(), l.text());
        return p.recipe();
    }

    private void instruction(int line, String text) {
        int sp = indexOfSpace(text);
        String word = text.substring(0, sp).toUpperCase(java.util.Locale.ROOT);
        String rest = text.substring(sp).strip();
        if (from == null && !word.equals("FROM"))
            throw new RecipeException(line, "the first instruction must be FROM <template>, not " + word);
        if (rest.isEmpty()) throw new RecipeException(line, word + " needs arguments");
        if (steps.size() >= MAX_STEPS) throw new RecipeException(line, "more than " + MAX_STEPS + " steps");
        switch (word) {
            case "FROM" -> from(line, rest);
            case "RUN" -> steps.add(new Step.Run(line, command(rest)));
            case "COPY" -> copy(line, rest);
            case "ENV" -> envStep(line, rest);
            case "WORKDIR" -> workdir(line, rest);
            case "USER" -> user(line, rest);
            case "CMD" -> start = command(rest);
            case "EXPOSE" -> expose(line, rest);
            case "HEALTHCHECK" -> healthcheck(line, rest);
            case "LABEL" -> label(line, rest);
            default -> {
                String hint = UNSUPPORTED.get(word);
                throw new RecipeException(
                        line, hint == null ? "unknown instruction " + word : word + " is not supported: " + hint);
            }
        }
    }

    private void from(int line, String rest) {
        if (from != null) throw new RecipeException(line, "only one FROM (multi-stage recipes are not supported)");
        var w = Words.split(line, rest, null);
        if (w.size() != 1) throw new RecipeException(line, "FROM takes one template name (no AS, no --platform)");
        if (!TEMPLATE_NAME.matcher(w.getFirst()).matches())
            throw new RecipeException(line, "'" + w.getFirst() + "' is not a template name");
        from = w.getFirst();
    }

    private static List<String> command(String rest) {
        return Words.jsonArray(rest).orElseGet(() -> List.of("/bin/sh", "-c", rest));
    }

    private void copy(int line, String rest) {
        var words = Words.jsonArray(rest).orElseGet(() -> Words.split(line, rest, env));
        String chown = null;
        var args = new ArrayList<String>();
        for (String w : words) {
            if (w.startsWith("--chown=") && args.isEmpty()) chown = chown(line, w.substring(8));
            else if (w.startsWith("--") && args.isEmpty())
                throw new RecipeException(line, "COPY " + w + " is not supported (only --chown)");
            else args.add(w);
        }
        if (args.size() < 2) throw new RecipeException(line, "COPY needs a source and a destination");
        var sources = new ArrayList<String>();
        for (String s : args.subList(0, args.size() - 1)) sources.add(BuildContext.checkedPath(line, s));
        String dest = args.getLast();
        boolean dir = dest.endsWith("/") || sources.size() > 1;
        String abs = absolute(dest);
        steps.add(new Step.Copy(line, sources, dir && !abs.equals("/") ? abs + "/" : abs, chown));
    }

    private static String chown(int line, String v) {
        var parts = v.split(":", -1);
        for (String p : parts)
            if (parts.length > 2 || !(USER_NAME.matcher(p).matches() || p.matches("\\d{1,9}")))
                throw new RecipeException(line, "--chown='" + v + "' must be user or user:group");
        return v;
    }

    private void envStep(int line, String rest) {
        var vars = new LinkedHashMap<String, String>();
        var words = Words.split(line, rest, env);
        if (!words.getFirst().contains("=")) {
            // ENV key value: the value is the rest of the line, as written.
            String key = words.getFirst();
            String value = rest.substring(rest.indexOf(key) + key.length()).strip();
            vars.put(key, String.join(" ", Words.split(line, value, env)));
        } else {
            for (String w : words) {
                int eq = w.indexOf('=');
                if (eq <= 0) throw new RecipeException(line, "ENV '" + w + "' is not NAME=value");
                vars.put(w.substring(0, eq), w.substring(eq + 1));
            }
        }
        for (String k : vars.keySet())
            if (!ENV_NAME.matcher(k).matches()) throw new RecipeException(line, "'" + k + "' is not a variable name");
        env.putAll(vars);
        steps.add(new Step.Env(line, vars));
    }

    private void workdir(int line, String rest) {
        var w = Words.split(line, rest, env);
        if (w.size() != 1) throw new RecipeException(line, "WORKDIR takes one path");
        workdir = absolute(w.getFirst());
        steps.add(new Step.Workdir(line, workdir));
    }

    private String absolute(String path) {
        return Path.of(workdir).resolve(path).normalize().toString();
    }

    private void user(int line, String rest) {
        var w = Words.split(line, rest, env);
        if (w.size() != 1 || !USER_NAME.matcher(w.getFirst()).matches())
            throw new RecipeException(line, "USER takes one account name (no group, no uid)");
        steps.add(new Step.User(line, w.getFirst()));
    }

    private void expose(int line, String rest) {
        for (String w : Words.split(line, rest, env)) {
            String p = w.endsWith("/tcp") ? w.substring(0, w.length() - 4) : w;
            if (!p.matches("\\d{1,5}") || Integer.parseInt(p) < 1 || Integer.parseInt(p) > 65535)
                throw new RecipeException(line, "EXPOSE '" + w + "': a TCP port 1-65535 (UDP is not checked)");
            ports.add(Integer.parseInt(p));
        }
    }

    private void healthcheck(int line, String rest) {
        if (rest.equalsIgnoreCase("NONE")) {
            noHealthcheck = true;
            command = null;
            return;
        }
        Duration interval = READY_INTERVAL, attempt = READY_ATTEMPT, deadline = READY_DEADLINE;
        String r = rest;
        while (r.startsWith("--")) {
            int sp = indexOfSpace(r);
            String opt = r.substring(0, sp);
            r = r.substring(sp).strip();
            int eq = opt.indexOf('=');
            if (eq < 0) throw new RecipeException(line, "HEALTHCHECK " + opt + " needs =value");
            String name = opt.substring(0, eq), value = opt.substring(eq + 1);
            switch (name) {
                case "--interval" -> interval = Words.duration(line, name, value);
                case "--timeout" -> attempt = Words.duration(line, name, value);
                case "--start-period" -> deadline = Words.duration(line, name, value);
                case "--retries" -> {} // the deadline bounds the tries instead
                default -> throw new RecipeException(line, "HEALTHCHECK " + name + " is not supported");
            }
        }
        if (!r.regionMatches(true, 0, "CMD ", 0, 4))
            throw new RecipeException(line, "HEALTHCHECK [options] CMD <command>, or HEALTHCHECK NONE");
        command = new Readiness.Command(command(r.substring(4).strip()), interval, attempt, deadline);
        noHealthcheck = false;
    }

    private void label(int line, String rest) {
        for (String w : Words.split(line, rest, env)) {
            int eq = w.indexOf('=');
            if (eq <= 0) throw new RecipeException(line, "LABEL '" + w + "' is not key=value");
            labels.put(w.substring(0, eq), w.substring(eq + 1));
        }
    }

    private int resource(String label) {
        String v = labels.get(label);
        if (v == null) return 0;
        if (!v.matches("\\d{1,7}") || Integer.parseInt(v) < 1)
            throw new RecipeException("LABEL " + label + "='" + v + "' must be a positive integer");
        return Integer.parseInt(v);
    }

    private Recipe recipe() {
        if (from == null) throw new RecipeException("empty: a recipe starts with FROM <template>");
        Optional<Readiness> ready = Optional.ofNullable(command);
        if (ready.isEmpty() && !noHealthcheck && !ports.isEmpty())
            ready = Optional.of(new Readiness.Ports(ports, READY_INTERVAL, READY_DEADLINE));
        if (ready.isPresent() && start == null)
            throw new RecipeException("a readiness check (HEALTHCHECK or EXPOSE) needs a start command (CMD)");
        return new Recipe(
                from,
                steps,
                Optional.ofNullable(start),
                ready,
                resource("wrenn.vcpus"),
                resource("wrenn.memory_mb"),
                resource("wrenn.disk_mb"),
                labels);
    }

    private static int indexOfSpace(String s) {
        for (int i = 0; i < s.length(); i++) if (Character.isWhitespace(s.charAt(i))) return i;
        return s.length();
    }

    /** An instruction with its continuation lines joined, numbered by its first line. */
    record LogicalLine(int number, String text) {
        static List<LogicalLine> of(String text) {
            var out = new ArrayList<LogicalLine>();
            var cur = new StringBuilder();
            int start = 0;
            String[] lines = text.split("\r?\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String l = lines[i];
                if (l.strip().startsWith("#")) continue; // comments, also between continuation lines
                if (cur.isEmpty()) {
                    if (l.isBlank()) continue;
                    start = i + 1;
                }
                String s = l.stripTrailing();
                if (s.endsWith("\\")) {
                    cur.append(s, 0, s.length() - 1).append(' ');
                    continue;
                }
                cur.append(s);
                out.add(new LogicalLine(start, cur.toString().strip()));
                cur.setLength(0);
            }
            if (!cur.isEmpty()) out.add(new LogicalLine(start, cur.toString().strip()));
            return out;
        }
    }
}
