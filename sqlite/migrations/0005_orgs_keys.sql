-- Organisations, API keys (docs/SECURITY.md). Every project and user belongs
-- to one organisation; the data of installations older than organisations
-- goes into the default one.
CREATE TABLE orgs (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	created_at INTEGER NOT NULL
);

ALTER TABLE projects ADD COLUMN org_id TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN org_id TEXT NOT NULL DEFAULT '';

INSERT INTO orgs (id, name, created_at)
	SELECT 'default', 'Default', CAST(unixepoch('subsec') * 1000 AS INTEGER)
	WHERE EXISTS (SELECT 1 FROM projects) OR EXISTS (SELECT 1 FROM users);
UPDATE projects SET org_id = 'default' WHERE org_id = '';
UPDATE users SET org_id = 'default' WHERE org_id = '';

CREATE INDEX projects_org ON projects (org_id, created_at);
CREATE INDEX users_org ON users (org_id, created_at);

-- Secret API keys: only the SHA-256 of the key is stored. Revoking deletes.
CREATE TABLE api_keys (
	id           TEXT PRIMARY KEY,
	org_id       TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	name         TEXT NOT NULL,
	prefix       TEXT NOT NULL,
	scope        TEXT NOT NULL,
	hash         TEXT NOT NULL UNIQUE,
	created_by   TEXT NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL,
	last_used_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_org ON api_keys (org_id, created_at);
