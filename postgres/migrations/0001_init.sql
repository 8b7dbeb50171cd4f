-- The PostgreSQL schema of every Trailguide store, as the SQLite schema
-- stands after its migration 0009 (the same columns, so that
-- `trailguide migrate-store` copies rows as they are). Times are BIGINT
-- milliseconds since the Unix epoch, 0 meaning "not set"; JSON columns hold
-- TEXT (compared and compacted in Go, as SQLite does).

CREATE TABLE orgs (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	created_at BIGINT NOT NULL
);

CREATE TABLE projects (
	id              TEXT PRIMARY KEY,
	org_id          TEXT NOT NULL DEFAULT '',
	name            TEXT NOT NULL,
	public_key      TEXT NOT NULL UNIQUE,
	allowed_origins TEXT NOT NULL DEFAULT '[]',
	retention_days  INTEGER NOT NULL DEFAULT 0,
	created_at      BIGINT NOT NULL,
	friction_config TEXT NOT NULL DEFAULT '',
	privacy_config  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX projects_org ON projects (org_id, created_at);

CREATE TABLE sessions (
	project_id        TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	id                TEXT NOT NULL,
	visitor_id        TEXT NOT NULL DEFAULT '',
	user_id           TEXT NOT NULL DEFAULT '',
	user_traits       TEXT NOT NULL DEFAULT '{}',
	started_at        BIGINT NOT NULL DEFAULT 0,
	last_activity_at  BIGINT NOT NULL DEFAULT 0,
	duration_ms       BIGINT NOT NULL DEFAULT 0,
	active_ms         BIGINT NOT NULL DEFAULT 0,
	page_count        INTEGER NOT NULL DEFAULT 0,
	click_count       INTEGER NOT NULL DEFAULT 0,
	error_count       INTEGER NOT NULL DEFAULT 0,
	event_count       INTEGER NOT NULL DEFAULT 0,
	entry_url         TEXT NOT NULL DEFAULT '',
	entry_at          BIGINT NOT NULL DEFAULT 0,
	exit_url          TEXT NOT NULL DEFAULT '',
	exit_at           BIGINT NOT NULL DEFAULT 0,
	context_at        BIGINT NOT NULL DEFAULT 0,
	has_context       BOOLEAN NOT NULL DEFAULT false,
	referrer          TEXT NOT NULL DEFAULT '',
	utm_source        TEXT NOT NULL DEFAULT '',
	utm_medium        TEXT NOT NULL DEFAULT '',
	utm_campaign      TEXT NOT NULL DEFAULT '',
	utm_term          TEXT NOT NULL DEFAULT '',
	utm_content       TEXT NOT NULL DEFAULT '',
	device_class      TEXT NOT NULL DEFAULT '',
	browser           TEXT NOT NULL DEFAULT '',
	os                TEXT NOT NULL DEFAULT '',
	viewport_w        INTEGER NOT NULL DEFAULT 0,
	viewport_h        INTEGER NOT NULL DEFAULT 0,
	language          TEXT NOT NULL DEFAULT '',
	time_zone         TEXT NOT NULL DEFAULT '',
	user_agent        TEXT NOT NULL DEFAULT '',
	raw_bytes         BIGINT NOT NULL DEFAULT 0,
	stored_bytes      BIGINT NOT NULL DEFAULT 0,
	closed            BOOLEAN NOT NULL DEFAULT false,
	compacted         BOOLEAN NOT NULL DEFAULT false,
	last_batch_at     BIGINT NOT NULL DEFAULT 0,
	-- The server time of the session's first batch: its events are in the
	-- partitions from this one on (see events below).
	first_batch_at    BIGINT NOT NULL DEFAULT 0,
	friction_counts   TEXT NOT NULL DEFAULT '{}',
	frustration_score INTEGER NOT NULL DEFAULT 0,
	exit_class        TEXT NOT NULL DEFAULT '',
	dropped_batches   BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (project_id, id)
);
CREATE INDEX sessions_project_started ON sessions (project_id, started_at DESC, id DESC);
CREATE INDEX sessions_open_last_batch ON sessions (last_batch_at) WHERE NOT closed;
CREATE INDEX sessions_user ON sessions (project_id, user_id);
CREATE INDEX sessions_utm_source ON sessions (project_id, utm_source);
CREATE INDEX sessions_device_class ON sessions (project_id, device_class);
CREATE INDEX sessions_browser ON sessions (project_id, browser);
CREATE INDEX sessions_project_frustration ON sessions (project_id, frustration_score DESC, started_at DESC, id DESC);
CREATE INDEX sessions_project_last_batch ON sessions (project_id, last_batch_at);
CREATE INDEX sessions_first_batch ON sessions (first_batch_at);

-- One row per committed batch: the primary key is the ingest dedupe key
-- (which is why this table is not partitioned by time: the key must stay
-- unique across all time).
CREATE TABLE batches (
	project_id  TEXT NOT NULL,
	session_id  TEXT NOT NULL,
	window_id   TEXT NOT NULL,
	seq         BIGINT NOT NULL,
	received_at BIGINT NOT NULL,
	first_ts    BIGINT NOT NULL DEFAULT 0,
	last_ts     BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (project_id, session_id, window_id, seq),
	FOREIGN KEY (project_id, session_id) REFERENCES sessions (project_id, id) ON DELETE CASCADE
);

CREATE TABLE chunks (
	project_id   TEXT NOT NULL,
	session_id   TEXT NOT NULL,
	window_id    TEXT NOT NULL,
	seq_from     BIGINT NOT NULL,
	seq_to       BIGINT NOT NULL,
	first_ts     BIGINT NOT NULL,
	last_ts      BIGINT NOT NULL,
	event_count  INTEGER NOT NULL,
	raw_bytes    BIGINT NOT NULL,
	stored_bytes BIGINT NOT NULL,
	blob_key     TEXT NOT NULL,
	data         BYTEA,
	assets       TEXT,
	PRIMARY KEY (project_id, session_id, window_id, seq_from),
	FOREIGN KEY (project_id, session_id) REFERENCES sessions (project_id, id) ON DELETE CASCADE
);
-- Staged chunk bytes are compressed already.
ALTER TABLE chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- Analytics events, the largest table: partitioned by the server time its
-- batch arrived (received_at), one partition per week, created on demand
-- (events_w<week number since the epoch>). Retention detaches and drops a
-- whole partition once every session with events in it has expired,
-- instead of deleting its rows one by one (docs/OPERATIONS.md).
CREATE TABLE events (
	project_id  TEXT NOT NULL,
	session_id  TEXT NOT NULL,
	window_id   TEXT NOT NULL,
	seq         BIGINT NOT NULL,
	idx         INTEGER NOT NULL,
	type        TEXT NOT NULL,
	ts          BIGINT NOT NULL,
	url         TEXT NOT NULL DEFAULT '',
	selector    TEXT NOT NULL DEFAULT '',
	text        TEXT NOT NULL DEFAULT '',
	x           INTEGER NOT NULL DEFAULT 0,
	y           INTEGER NOT NULL DEFAULT 0,
	name        TEXT NOT NULL DEFAULT '',
	data        TEXT,
	received_at BIGINT NOT NULL,
	PRIMARY KEY (project_id, session_id, window_id, seq, idx, received_at),
	FOREIGN KEY (project_id, session_id) REFERENCES sessions (project_id, id) ON DELETE CASCADE
) PARTITION BY RANGE (received_at);
CREATE INDEX events_session_ts ON events (project_id, session_id, ts);
CREATE INDEX events_type_url ON events (project_id, type, url);
CREATE INDEX events_server_friction ON events (project_id, name, selector, session_id) WHERE seq = -1;

CREATE TABLE users (
	id            TEXT PRIMARY KEY,
	org_id        TEXT NOT NULL DEFAULT '',
	email         TEXT NOT NULL,
	email_key     TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL,
	password_hash TEXT NOT NULL DEFAULT '',
	created_at    BIGINT NOT NULL
);
CREATE INDEX users_org ON users (org_id, created_at);

CREATE TABLE auth_sessions (
	id         TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX auth_sessions_user ON auth_sessions (user_id);

CREATE TABLE api_keys (
	id           TEXT PRIMARY KEY,
	org_id       TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	name         TEXT NOT NULL,
	prefix       TEXT NOT NULL,
	scope        TEXT NOT NULL,
	hash         TEXT NOT NULL UNIQUE,
	created_by   TEXT NOT NULL DEFAULT '',
	created_at   BIGINT NOT NULL,
	last_used_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_org ON api_keys (org_id, created_at);

CREATE TABLE project_scrub_counts (
	project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	kind       TEXT NOT NULL,
	path       TEXT NOT NULL,
	count      BIGINT NOT NULL DEFAULT 0,
	last_at    BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (project_id, kind, path)
);

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
	created_at  BIGINT NOT NULL,
	started_at  BIGINT NOT NULL DEFAULT 0,
	finished_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX jobs_pending ON jobs (status) WHERE status IN ('queued', 'running');

CREATE TABLE erased_sessions (
	project_id TEXT NOT NULL,
	session_id TEXT NOT NULL,
	job_id     TEXT NOT NULL,
	erased_at  BIGINT NOT NULL,
	PRIMARY KEY (project_id, session_id)
);
CREATE INDEX erased_sessions_job ON erased_sessions (job_id);

CREATE TABLE project_limits (
	project_id        TEXT PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
	disabled          BOOLEAN NOT NULL DEFAULT false,
	daily_batch_quota BIGINT NOT NULL DEFAULT 0
);

-- Batches stored per project and UTC day, in shards: every batch of a
-- project adds to one row of the day, and a single row would make the
-- commits of concurrent batches (of any node) wait for each other's row
-- lock. BatchesOn sums the shards.
CREATE TABLE project_usage (
	project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	day        BIGINT NOT NULL,
	shard      SMALLINT NOT NULL,
	batches    BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (project_id, day, shard)
);

-- Leases of the worker's jobs (session close, compaction, friction,
-- retention, erasure): a worker node holds a job's lease until it expires,
-- so that two workers never run the same job at once and a dead worker's
-- job is taken over once its lease runs out.
CREATE TABLE leases (
	name       TEXT PRIMARY KEY,
	holder     TEXT NOT NULL,
	expires_at BIGINT NOT NULL,
	token      BIGINT NOT NULL DEFAULT 0
);
