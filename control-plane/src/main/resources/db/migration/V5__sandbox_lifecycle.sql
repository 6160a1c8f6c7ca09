-- Lifecycle beyond the seed: metadata, an absolute time-to-live and what ends it, auto-resume on
-- traffic, guest access settings, and sampled metrics.
--
-- metadata: string -> string, bounded by the API (at most 64 keys, keys <= 256 and values <= 1024
--   characters); only its shape is checked here.
-- ttl_sec: the time-to-live a start or resume gives the sandbox (0: none); end_at: when the running
--   sandbox ends (NULL: never), moved by setTimeout and connect; on_timeout: what happens then.
-- secure: guest traffic must carry the sandbox's access token (derived from the server secret,
--   never stored); public_traffic: false when guest ports need the traffic token too.
ALTER TABLE sandboxes
    ADD COLUMN metadata       JSONB   NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object'),
    ADD COLUMN ttl_sec        INTEGER NOT NULL DEFAULT 0 CHECK (ttl_sec >= 0),
    ADD COLUMN end_at         TIMESTAMPTZ,
    ADD COLUMN on_timeout     TEXT    NOT NULL DEFAULT 'kill' CHECK (on_timeout IN ('kill', 'pause')),
    ADD COLUMN auto_resume    BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN secure         BOOLEAN NOT NULL DEFAULT true,
    ADD COLUMN public_traffic BOOLEAN NOT NULL DEFAULT true;

-- Lists are newest first with a cursor over (created_at, id).
DROP INDEX sandboxes_team;
CREATE INDEX sandboxes_team_created ON sandboxes (team_id, created_at DESC, id DESC);
-- Metadata filters are containment (metadata @> '{"k":"v"}').
CREATE INDEX sandboxes_metadata ON sandboxes USING gin (metadata jsonb_path_ops);
-- The expiry duty's scan.
CREATE INDEX sandboxes_expiring ON sandboxes (end_at) WHERE status = 'running' AND end_at IS NOT NULL;

-- Samples of each running sandbox, kept for WRENN_METRICS_RETENTION_SEC.
CREATE TABLE sandbox_metrics (
    sandbox_id   TEXT             NOT NULL REFERENCES sandboxes (id) ON DELETE CASCADE,
    sampled_at   TIMESTAMPTZ      NOT NULL,
    cpu_count    INTEGER          NOT NULL,
    cpu_used_pct DOUBLE PRECISION NOT NULL,
    mem_used     BIGINT           NOT NULL,
    mem_total    BIGINT           NOT NULL,
    mem_cache    BIGINT           NOT NULL,
    disk_used    BIGINT           NOT NULL,
    disk_total   BIGINT           NOT NULL,
    PRIMARY KEY (sandbox_id, sampled_at)
);
CREATE INDEX sandbox_metrics_age ON sandbox_metrics (sampled_at);
