-- Erasure jobs by visitor id and of one session (issue 14): the job's
-- target is the visitor id (erase_visitor) or the session id
-- (erase_session); erase_user jobs keep theirs in user_id.
ALTER TABLE jobs ADD COLUMN target TEXT NOT NULL DEFAULT '';

-- Webhooks (issue 14): URLs a project sends events to, and the log of
-- deliveries with their retry schedule.
CREATE TABLE webhooks (
	id         TEXT PRIMARY KEY,
	project_id TEXT NOT NULL,
	url        TEXT NOT NULL,
	events     TEXT NOT NULL, -- JSON array of event names
	secret     TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX webhooks_project ON webhooks (project_id, created_at);

CREATE TABLE webhook_deliveries (
	id           TEXT PRIMARY KEY,
	webhook_id   TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
	project_id   TEXT NOT NULL,
	event        TEXT NOT NULL,
	dedupe_key   TEXT NOT NULL,
	payload      BLOB NOT NULL,
	status       TEXT NOT NULL,
	attempts     INTEGER NOT NULL DEFAULT 0,
	last_status  INTEGER NOT NULL DEFAULT 0,
	last_error   TEXT NOT NULL DEFAULT '',
	next_at      INTEGER NOT NULL DEFAULT 0,
	created_at   INTEGER NOT NULL,
	delivered_at INTEGER NOT NULL DEFAULT 0,
	UNIQUE (webhook_id, dedupe_key)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, created_at);
