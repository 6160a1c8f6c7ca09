-- Templates built from recipes (docs/templates.md). A build runs a recipe's steps in sandboxes and saves
-- the result as a snapshot template; after each RUN or COPY step the sandbox is saved as a layer, a
-- template of type 'layer' named 'layer:<cache key>' (':' is never in a user's template name), which
-- later builds of the same team start from when their steps up to there are the same. Layers are never
-- listed to users.
ALTER TABLE templates DROP CONSTRAINT templates_type_check;
ALTER TABLE templates ADD CONSTRAINT templates_type_check CHECK (type IN ('base', 'snapshot', 'layer'));

CREATE TABLE template_builds (
    id               TEXT        PRIMARY KEY,
    team_id          TEXT        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name             TEXT        NOT NULL,
    status           TEXT        NOT NULL CHECK (status IN ('queued', 'building', 'ready', 'failed', 'cancelled')),
    recipe           TEXT        NOT NULL,
    recipe_sha256    TEXT        NOT NULL,
    -- the template the recipe starts FROM, and what that was when the build ran (an image's manifest
    -- hash, or the host name of a snapshot template): the root of every cache key
    base             TEXT        NOT NULL,
    base_identity    TEXT,
    context          BYTEA,
    context_sha256   TEXT        NOT NULL,
    vcpus            INTEGER     NOT NULL CHECK (vcpus > 0),
    memory_mb        INTEGER     NOT NULL CHECK (memory_mb > 0),
    disk_mb          INTEGER     NOT NULL CHECK (disk_mb >= 0),
    no_cache         BOOLEAN     NOT NULL DEFAULT false,
    steps_total      INTEGER     NOT NULL DEFAULT 0,
    steps_cached     INTEGER     NOT NULL DEFAULT 0,
    steps_run        INTEGER     NOT NULL DEFAULT 0,
    failed_step      INTEGER,
    error            TEXT,
    template_id      TEXT,
    sandbox_id       TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at       TIMESTAMPTZ,
    finished_at      TIMESTAMPTZ
);
CREATE INDEX template_builds_team ON template_builds (team_id, created_at DESC);

-- What a build printed, in order: its steps, their output, and its end. Followers read from a seq on.
CREATE TABLE template_build_logs (
    build_id TEXT        NOT NULL REFERENCES template_builds (id) ON DELETE CASCADE,
    seq      INTEGER     NOT NULL,
    at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    kind     TEXT        NOT NULL CHECK (kind IN ('step', 'stdout', 'stderr', 'info', 'error', 'end')),
    step     INTEGER,
    text     TEXT        NOT NULL,
    PRIMARY KEY (build_id, seq)
);

-- A built template remembers its build (recipe, base, times) and what its sandboxes default to.
ALTER TABLE templates ADD COLUMN build_id TEXT REFERENCES template_builds (id) ON DELETE SET NULL;
ALTER TABLE templates ADD COLUMN default_user TEXT;
ALTER TABLE templates ADD COLUMN default_workdir TEXT;
-- layers: the build that last used them, so that a template's rebuild can drop the layers it no longer uses
ALTER TABLE templates ADD COLUMN used_by_build TEXT;
