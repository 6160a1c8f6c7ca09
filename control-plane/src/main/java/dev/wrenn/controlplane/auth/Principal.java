package dev.wrenn.controlplane.auth;

/** Who is calling: every request that passed authentication acts for exactly one team. */
public sealed interface Principal {
    String teamId();

    /** A person with a session token: the api-keys routes, and every route an API key opens, for their team. */
    record User(String userId, String teamId, String email) implements Principal {}

    /** A program holding one of the team's API keys (the sandbox, template, file and process routes). */
    record ApiKey(String keyId, String teamId) implements Principal {}
}
