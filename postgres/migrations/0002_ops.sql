-- Issue 14, as SQLite's migration 0012: erasure jobs by visitor id and of
-- one session keep their target (the visitor id for erase_visitor, the
-- session id for erase_session; erase_user jobs keep theirs in user_id),
-- and webhooks with the log of their deliveries and retry schedule.
ALTER TABLE jobs ADD COLUMN target TEXT NOT NULL DEFAULT '';

CREATE TABLE webhooks (
	id         TEXT PRIMARY KEY,
	project_id TEXT NOT NULL,
	url        TEXT NOT NULL,
	events     TEXT NOT NULL, -- JSON array of event names
	secret     TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX webhooks_project ON webhooks (project_id, created_at);

CREATE TABLE webhook_deliveries (
	id           TEXT PRIMARY KEY,
	webhook_id   TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
	project_id   TEXT NOT NULL,
	event        TEXT NOT NULL,
	dedupe_key   TEXT NOT NULL,
	payload      BYTEA NOT NULL,
	status       TEXT NOT NULL,
	attempts     INTEGER NOT NULL DEFAULT 0,
	last_status  INTEGER NOT NULL DEFAULT 0,
	last_error   TEXT NOT NULL DEFAULT '',
	next_at      BIGINT NOT NULL DEFAULT 0,
	created_at   BIGINT NOT NULL,
	delivered_at BIGINT NOT NULL DEFAULT 0,
	UNIQUE (webhook_id, dedupe_key)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, created_at);
