package dev.wrenn.guestagent.users;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Looks users up in a passwd file. The file is read on every lookup: it is small, and an account added inside
 * the sandbox (useradd) must be usable at once. The path is injectable so tests can name existing system
 * accounts under test-only names.
 */
public final class Passwd {
    private final Path file;

    public Passwd(Path file) {
        this.file = file;
    }

    public static Passwd system() {
        return new Passwd(Path.of("/etc/passwd"));
    }

    public Optional<UserAccount> byName(String name) {
        if (name == null || name.isEmpty() || name.indexOf(':') >= 0) return Optional.empty();
        try {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.split(":", -1);
                if (f.length < 7 || !f[0].equals(name)) continue;
                try {
                    return Optional.of(new UserAccount(
                            f[0],
                            Integer.parseInt(f[2]),
                            Integer.parseInt(f[3]),
                            Path.of(f[5].isEmpty() ? "/" : f[5]),
                            f[6]));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
