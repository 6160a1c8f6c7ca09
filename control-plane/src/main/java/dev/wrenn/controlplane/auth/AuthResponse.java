package dev.wrenn.controlplane.auth;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What signup, login and the OAuth callback hand out: a session token and who it is for. */
public record AuthResponse(
        String token,
        @JsonProperty("user_id") String userId,
        @JsonProperty("team_id") String teamId,
        String email) {}
