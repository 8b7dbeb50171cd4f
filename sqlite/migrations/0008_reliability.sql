-- Reliability (docs/OPERATIONS.md, docs/PROTOCOL.md).
-- The client time span of each batch's rrweb events (0 when it had none),
-- so that a gap in a window's seqs can be placed on the replay's timeline.
ALTER TABLE batches ADD COLUMN first_ts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN last_ts INTEGER NOT NULL DEFAULT 0;

-- Ingest limits of a project: disabled, or a daily batch quota (0 = none).
-- A project without a row has no limits.
CREATE TABLE project_limits (
	project_id        TEXT PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
	disabled          INTEGER NOT NULL DEFAULT 0,
	daily_batch_quota INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Batches stored per project and UTC day (day = days since the epoch),
-- counted in the batch's own transaction.
CREATE TABLE project_usage (
	project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	day        INTEGER NOT NULL,
	batches    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (project_id, day)
) WITHOUT ROWID;
