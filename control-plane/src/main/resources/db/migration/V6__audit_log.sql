-- The audit log: security-relevant actions, each recorded in the team it concerns.
--
-- actor_type/actor_id: who acted: a user ('user', their id), an API key ('api_key', the key's id, never
--   the key), or nobody known ('anonymous': a failed login, id NULL).
-- target_id: what the action was on (a user, key, sandbox or template), when it was on something.
-- client_address: the address the request came from, as the server saw it.
-- detail: a small object of facts about the action (never a secret).
CREATE TABLE audit_events (
    id             BIGSERIAL PRIMARY KEY,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    team_id        TEXT        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    actor_type     TEXT        NOT NULL CHECK (actor_type IN ('user', 'api_key', 'anonymous')),
    actor_id       TEXT,
    action         TEXT        NOT NULL,
    target_id      TEXT,
    client_address TEXT,
    detail         JSONB       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(detail) = 'object')
);
-- A team's events newest first, the cursor being the id.
CREATE INDEX audit_events_team ON audit_events (team_id, id DESC);
CREATE INDEX audit_events_team_action ON audit_events (team_id, action, id DESC);
