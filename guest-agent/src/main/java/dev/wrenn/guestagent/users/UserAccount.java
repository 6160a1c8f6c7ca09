package dev.wrenn.guestagent.users;

import java.nio.file.Path;

/** One line of /etc/passwd that the agent runs processes and owns files as. */
public record UserAccount(String name, int uid, int gid, Path home, String shell) {}
