package dev.wrenn.sdk;

/** The guest account a command, process, terminal or file operation acts as. */
public enum User {
    /** The default. */
    ROOT,
    /** uid 1000, home {@code /home/user}. */
    USER;

    /** As the API spells it. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
