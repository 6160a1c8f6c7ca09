-- The size of each sandbox's writable disk, as the host agent made it (its default when the create
-- named none). NULL for sandboxes made before sizes were recorded.
ALTER TABLE sandboxes ADD COLUMN disk_mb integer CHECK (disk_mb IS NULL OR disk_mb > 0);
