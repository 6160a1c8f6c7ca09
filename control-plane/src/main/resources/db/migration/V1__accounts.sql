-- Accounts: users, teams, membership, API keys, OAuth links.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT        NOT NULL,
    password_hash TEXT,                       -- NULL for users who only sign in through OAuth
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE teams (
    id         TEXT PRIMARY KEY,
    name       TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE users_teams (
    user_id    TEXT        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    team_id    TEXT        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    role       TEXT        NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    is_default BOOLEAN     NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, team_id)
);
-- At most one default team per user.
CREATE UNIQUE INDEX users_teams_one_default ON users_teams (user_id) WHERE is_default;
CREATE INDEX users_teams_team ON users_teams (team_id);

CREATE TABLE team_api_keys (
    id         TEXT PRIMARY KEY,
    team_id    TEXT        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name       TEXT        NOT NULL,
    key_hash   TEXT        NOT NULL UNIQUE,   -- hex SHA-256 of the plaintext key
    key_prefix TEXT        NOT NULL,          -- shown to people, e.g. "wrn_ab12cd34..."
    created_by TEXT        REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used  TIMESTAMPTZ
);
CREATE INDEX team_api_keys_team ON team_api_keys (team_id);

CREATE TABLE oauth_providers (
    provider    TEXT        NOT NULL,
    provider_id TEXT        NOT NULL,          -- the user's id at the provider
    user_id     TEXT        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email       TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, provider_id)
);
CREATE INDEX oauth_providers_user ON oauth_providers (user_id);
