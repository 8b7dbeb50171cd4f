-- Guides (issue 11), as SQLite's migration 0013 (held_out a boolean here).
-- A guide's authored form is JSON (trailguide.Guide, validated and
-- sanitised by the callers); every save is kept as a version. Assignments
-- are each visitor's first arm (holdout or exposed) per guide: the
-- denominators of the impact report.
CREATE TABLE guides (
	project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	id         TEXT NOT NULL,
	status     TEXT NOT NULL,
	version    INTEGER NOT NULL,
	definition TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (project_id, id)
);

CREATE TABLE guide_versions (
	project_id TEXT NOT NULL,
	guide_id   TEXT NOT NULL,
	version    INTEGER NOT NULL,
	definition TEXT NOT NULL,
	saved_at   BIGINT NOT NULL,
	PRIMARY KEY (project_id, guide_id, version),
	FOREIGN KEY (project_id, guide_id) REFERENCES guides (project_id, id) ON DELETE CASCADE
);

CREATE TABLE guide_assignments (
	project_id TEXT NOT NULL,
	guide_id   TEXT NOT NULL,
	visitor_id TEXT NOT NULL,
	session_id TEXT NOT NULL,
	held_out   BOOLEAN NOT NULL,
	at         BIGINT NOT NULL,
	PRIMARY KEY (project_id, guide_id, visitor_id),
	FOREIGN KEY (project_id, guide_id) REFERENCES guides (project_id, id) ON DELETE CASCADE
);

-- Guide signals by session (frequency caps, budget, impact).
CREATE INDEX events_guide ON events (project_id, session_id, type, name) WHERE type IN ('guide', 'friction', 'track', 'pageview');
