-- Snapshot templates live on a host under a host-side name (unique per host, unlike the
-- team-scoped name people see); sandboxes remember which host template they were started from,
-- so a template still in use is never deleted under them.
ALTER TABLE templates ADD COLUMN host_name TEXT;
UPDATE templates SET host_name = name WHERE type = 'base';
ALTER TABLE sandboxes ADD COLUMN host_template TEXT;
UPDATE sandboxes SET host_template = template WHERE host_template IS NULL;
CREATE INDEX sandboxes_host_template ON sandboxes (host_template) WHERE status IN ('pending', 'running', 'paused');
