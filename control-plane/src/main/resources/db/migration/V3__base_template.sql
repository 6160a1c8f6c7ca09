-- The contract's default template: the guest image built by `./wrenn image build`.
INSERT INTO templates (id, team_id, name, type, vcpus, memory_mb, size_bytes)
VALUES ('tpl_base_minimal', NULL, 'minimal', 'base', NULL, NULL, 0)
ON CONFLICT DO NOTHING;
