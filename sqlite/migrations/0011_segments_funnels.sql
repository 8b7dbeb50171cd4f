-- Segments and funnels (issue 10). Saved segments and funnels are JSON
-- definitions (trailguide.Filter, trailguide.Funnel) validated by the
-- callers; names are unique per project.
CREATE TABLE segments (
	project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	id         TEXT NOT NULL,
	name       TEXT NOT NULL,
	filter     TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (project_id, id),
	UNIQUE (project_id, name)
);

CREATE TABLE funnels (
	project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	id         TEXT NOT NULL,
	name       TEXT NOT NULL,
	definition TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (project_id, id),
	UNIQUE (project_id, name)
);

-- First touch (the visitor's earliest session) and new vs returning.
CREATE INDEX sessions_visitor_started ON sessions (project_id, visitor_id, started_at, id);
