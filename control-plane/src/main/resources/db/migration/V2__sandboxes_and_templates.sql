-- Team-scoped sandboxes and templates. Base templates (built images) have no team.
CREATE TABLE templates (
    id         TEXT PRIMARY KEY,
    team_id    TEXT        REFERENCES teams (id) ON DELETE CASCADE,
    name       TEXT        NOT NULL,
    type       TEXT        NOT NULL CHECK (type IN ('base', 'snapshot')),
    vcpus      INTEGER,
    memory_mb  INTEGER,
    size_bytes BIGINT      NOT NULL DEFAULT 0,
    host_id    TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((type = 'base') = (team_id IS NULL))
);
CREATE UNIQUE INDEX templates_base_name ON templates (name) WHERE team_id IS NULL;
CREATE UNIQUE INDEX templates_team_name ON templates (team_id, name) WHERE team_id IS NOT NULL;

CREATE TABLE sandboxes (
    id             TEXT PRIMARY KEY,
    team_id        TEXT        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    template       TEXT        NOT NULL,
    status         TEXT        NOT NULL CHECK (status IN ('pending', 'running', 'paused', 'stopped', 'error')),
    status_reason  TEXT,
    vcpus          INTEGER     NOT NULL CHECK (vcpus > 0),
    memory_mb      INTEGER     NOT NULL CHECK (memory_mb > 0),
    timeout_sec    INTEGER     NOT NULL DEFAULT 0 CHECK (timeout_sec >= 0),
    host_id        TEXT,
    guest_ip       TEXT,
    host_ip        TEXT,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at     TIMESTAMPTZ,
    last_active_at TIMESTAMPTZ,
    last_updated   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX sandboxes_team ON sandboxes (team_id, created_at DESC);
CREATE INDEX sandboxes_status ON sandboxes (status);
