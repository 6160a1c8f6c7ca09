-- Built-in templates (docs/templates.md, "Built-in templates"): recipes shipped with the server (such as
-- code-interpreter-v1), built at start by the server itself and offered to every team. Their builds, layers and
-- templates belong to this team, which has no members, so no account can change or delete them; a team's own
-- template of the same name comes first for that team.
INSERT INTO teams (id, name) VALUES ('team_builtin', 'Wrenn built-in templates') ON CONFLICT DO NOTHING;
