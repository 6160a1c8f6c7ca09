package dev.wrenn.controlplane.sandbox;

/** The account commands run as when they name none, and where they start. */
public enum GuestUser {
    /** {@code /v1}'s default, as it always was: root, and each user starting in their own home. */
    ROOT("root", null),
    /** E2B's convention: the unprivileged {@code user} in its home. */
    USER("user", "/home/user");

    private final String name;
    private final String home;

    GuestUser(String name, String home) {
        this.name = name;
        this.home = home;
    }

    public String account() {
        return name;
    }

    /** Where commands naming no directory start, whoever runs them; null: each user's own home. */
    public String workdir() {
        return home;
    }
}
