package dev.wrenn.guestagent.sys;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the file that execvp in the child would run. posix_spawn (unlike posix_spawnp) takes a path, and the
 * lookup must use the child's PATH and working directory, not the agent's: the child's environment is built
 * from scratch and may name other directories.
 */
final class ExecPath {
    /** glibc's execvp default when PATH is not set at all. */
    static final String DEFAULT_PATH = "/bin:/usr/bin";

    private ExecPath() {}

    /**
     * The file to execute for {@code name}: a name with a '/' as it is (relative to {@code cwd} in the child),
     * else the first executable regular file in {@code path}, an empty entry meaning {@code cwd}. Like
     * execvp, a match that may not be executed is skipped but turns the final "not found" into EACCES.
     */
    static String resolve(String name, String path, Path cwd) throws SpawnException {
        if (name.isEmpty()) throw new SpawnException(SpawnException.ENOENT);
        if (name.indexOf('/') >= 0) return name;
        boolean denied = false;
        for (String dir : (path == null ? DEFAULT_PATH : path).split(":", -1)) {
            Path file = cwd.resolve(dir).resolve(name);
            if (Files.isRegularFile(file) && Files.isExecutable(file)) return file.toString();
            denied |= Files.exists(file);
        }
        throw new SpawnException(denied ? SpawnException.EACCES : SpawnException.ENOENT);
    }
}
