-- Each sandbox's egress policy as the API returns it ({"allow_internet_access", "allow_out", "deny_out"}),
-- NULL for the default (internet on, no lists), which every older row has. The host agent enforces it and
-- keeps its own copy beside the sandbox's disk; this one answers GET without asking the host.
ALTER TABLE sandboxes ADD COLUMN network jsonb;
