package dev.wrenn.settings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of this process: its environment over a {@code .env} file, the file named by
 * {@code WRENN_ENV_FILE} or else {@code .env} in the working directory when there is one. A variable set in the
 * environment always wins over the file, so a deployment can override one line without editing it. Read once,
 * at the first use; a malformed or missing named file fails that first use, naming the file and line.
 */
public final class Settings {
    /** Names the file to read instead of {@code ./.env}. */
    public static final String FILE_VARIABLE = "WRENN_ENV_FILE";

    private static volatile Settings current;

    private final Map<String, String> values;
    private final Path file;

    private Settings(Map<String, String> values, Path file) {
        this.values = Map.copyOf(values);
        this.file = file;
    }

    /** This process's settings. */
    public static Settings current() {
        var s = current;
        if (s == null) {
            synchronized (Settings.class) {
                if (current == null) current = load(System.getenv(), Path.of("").toAbsolutePath());
                s = current;
            }
        }
        return s;
    }

    /** The settings {@code env} and the {@code .env} it names (or {@code dir/.env}) make. */
    public static Settings load(Map<String, String> env, Path dir) {
        String named = env.get(FILE_VARIABLE);
        Path file = named != null && !named.isBlank() ? Path.of(named) : dir.resolve(".env");
        if (named != null && !named.isBlank() && !Files.isRegularFile(file)) {
            throw new SettingsException(FILE_VARIABLE + " names " + file + ", which is not a readable file");
        }
        if (!Files.isRegularFile(file)) return new Settings(env, null);
        Map<String, String> fromFile;
        try {
            fromFile = DotEnv.parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new SettingsException("reading " + file + ": " + e.getMessage());
        }
        var merged = new HashMap<>(fromFile);
        merged.putAll(env);
        return new Settings(merged, file);
    }

    /** A setting's value, or null when neither the environment nor the file sets it. */
    public String get(String name) {
        return values.get(name);
    }

    public Optional<String> find(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** Every setting, as a map of names to values (the environment over the file). */
    public Map<String, String> all() {
        return values;
    }

    /** The file read, if one was. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** Shorthand for {@code current().get(name)}. */
    public static String env(String name) {
        return current().get(name);
    }
}
