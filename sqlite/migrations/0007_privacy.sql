-- Privacy: what the server's scrubber caught, retention and erasure
-- (docs/PRIVACY.md, "Second line: server scrubbing", "Retention and erasure").

-- Catches per project, kind (email, card, jwt, bearer, url) and page path,
-- upserted in the same group-commit transaction as the batch.
CREATE TABLE project_scrub_counts (
	project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	kind       TEXT NOT NULL,
	path       TEXT NOT NULL,
	count      INTEGER NOT NULL DEFAULT 0,
	last_at    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (project_id, kind, path)
) WITHOUT ROWID;

-- The content-addressed stylesheet assets a compacted chunk references
-- (comma-separated sha-256 ids): the asset garbage collector keeps exactly
-- those. NULL for chunks compacted before this migration (not known yet:
-- the collector reads such a chunk once and fills it in), '' for none.
ALTER TABLE chunks ADD COLUMN assets TEXT;

-- Retention deletes by the server time of a session's last batch.
CREATE INDEX sessions_project_last_batch ON sessions (project_id, last_batch_at);

-- Erasure jobs (DELETE /api/v1/projects/{pid}/users/{userId}).
CREATE TABLE jobs (
	id          TEXT PRIMARY KEY,
	kind        TEXT NOT NULL,
	project_id  TEXT NOT NULL,
	user_id     TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL,
	sessions    INTEGER NOT NULL DEFAULT 0,
	events      INTEGER NOT NULL DEFAULT 0,
	chunks      INTEGER NOT NULL DEFAULT 0,
	blobs       INTEGER NOT NULL DEFAULT 0,
	error       TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	started_at  INTEGER NOT NULL DEFAULT 0,
	finished_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX jobs_pending ON jobs (status) WHERE status IN ('queued', 'running');

-- Sessions erased on request. A batch for a tombstoned session is dropped
-- inside the transaction that would have committed it, so a session still
-- receiving batches when it was erased stays erased. Kept for good: a
-- session id is random and never reused, and the row holds no personal data.
CREATE TABLE erased_sessions (
	project_id TEXT NOT NULL,
	session_id TEXT NOT NULL,
	job_id     TEXT NOT NULL,
	erased_at  INTEGER NOT NULL,
	PRIMARY KEY (project_id, session_id)
) WITHOUT ROWID;
CREATE INDEX erased_sessions_job ON erased_sessions (job_id);
