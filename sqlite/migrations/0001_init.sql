-- Initial schema. Times are integers: milliseconds since the Unix epoch,
-- 0 meaning "not set". Booleans are 0/1. JSON columns hold TEXT.

CREATE TABLE projects (
	id              TEXT PRIMARY KEY,
	name            TEXT NOT NULL,
	public_key      TEXT NOT NULL UNIQUE,
	allowed_origins TEXT NOT NULL DEFAULT '[]',
	retention_days  INTEGER NOT NULL DEFAULT 0,
	created_at      INTEGER NOT NULL
);

CREATE TABLE sessions (
	project_id       TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	id               TEXT NOT NULL,
	visitor_id       TEXT NOT NULL DEFAULT '',
	user_id          TEXT NOT NULL DEFAULT '',
	user_traits      TEXT NOT NULL DEFAULT '{}',
	started_at       INTEGER NOT NULL,
	last_activity_at INTEGER NOT NULL,
	duration_ms      INTEGER NOT NULL DEFAULT 0,
	active_ms        INTEGER NOT NULL DEFAULT 0,
	page_count       INTEGER NOT NULL DEFAULT 0,
	click_count      INTEGER NOT NULL DEFAULT 0,
	error_count      INTEGER NOT NULL DEFAULT 0,
	event_count      INTEGER NOT NULL DEFAULT 0,
	entry_url        TEXT NOT NULL DEFAULT '',
	entry_at         INTEGER NOT NULL DEFAULT 0, -- FirstAt of the delta that set entry_url
	exit_url         TEXT NOT NULL DEFAULT '',
	exit_at          INTEGER NOT NULL DEFAULT 0, -- LastAt of the delta that set exit_url
	context_at       INTEGER NOT NULL DEFAULT 0, -- FirstAt of the delta that set the context fields
	has_context      INTEGER NOT NULL DEFAULT 0,
	referrer         TEXT NOT NULL DEFAULT '',
	utm_source       TEXT NOT NULL DEFAULT '',
	utm_medium       TEXT NOT NULL DEFAULT '',
	utm_campaign     TEXT NOT NULL DEFAULT '',
	utm_term         TEXT NOT NULL DEFAULT '',
	utm_content      TEXT NOT NULL DEFAULT '',
	device_class     TEXT NOT NULL DEFAULT '',
	browser          TEXT NOT NULL DEFAULT '',
	os               TEXT NOT NULL DEFAULT '',
	viewport_w       INTEGER NOT NULL DEFAULT 0,
	viewport_h       INTEGER NOT NULL DEFAULT 0,
	language         TEXT NOT NULL DEFAULT '',
	time_zone        TEXT NOT NULL DEFAULT '',
	user_agent       TEXT NOT NULL DEFAULT '',
	raw_bytes        INTEGER NOT NULL DEFAULT 0,
	stored_bytes     INTEGER NOT NULL DEFAULT 0,
	closed           INTEGER NOT NULL DEFAULT 0,
	compacted        INTEGER NOT NULL DEFAULT 0,
	last_batch_at    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (project_id, id)
);
CREATE INDEX sessions_project_started ON sessions (project_id, started_at DESC, id DESC);
CREATE INDEX sessions_closed_last_batch ON sessions (closed, last_batch_at);
CREATE INDEX sessions_user ON sessions (project_id, user_id);
CREATE INDEX sessions_utm_source ON sessions (project_id, utm_source);
CREATE INDEX sessions_device_class ON sessions (project_id, device_class);
CREATE INDEX sessions_browser ON sessions (project_id, browser);

-- One row per committed batch: the primary key is the ingest dedupe key.
CREATE TABLE batches (
	project_id  TEXT NOT NULL,
	session_id  TEXT NOT NULL,
	window_id   TEXT NOT NULL,
	seq         INTEGER NOT NULL,
	received_at INTEGER NOT NULL,
	PRIMARY KEY (project_id, session_id, window_id, seq),
	FOREIGN KEY (project_id, session_id) REFERENCES sessions (project_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE chunks (
	project_id   TEXT NOT NULL,
	session_id   TEXT NOT NULL,
	window_id    TEXT NOT NULL,
	seq_from     INTEGER NOT NULL,
	seq_to       INTEGER NOT NULL,
	first_ts     INTEGER NOT NULL,
	last_ts      INTEGER NOT NULL,
	event_count  INTEGER NOT NULL,
	raw_bytes    INTEGER NOT NULL,
	stored_bytes INTEGER NOT NULL,
	blob_key     TEXT NOT NULL,
	PRIMARY KEY (project_id, session_id, window_id, seq_from),
	FOREIGN KEY (project_id, session_id) REFERENCES sessions (project_id, id) ON DELETE CASCADE
);

CREATE TABLE events (
	project_id TEXT NOT NULL,
	session_id TEXT NOT NULL,
	window_id  TEXT NOT NULL,
	seq        INTEGER NOT NULL,
	idx        INTEGER NOT NULL,
	type       TEXT NOT NULL,
	ts         INTEGER NOT NULL,
	url        TEXT NOT NULL DEFAULT '',
	selector   TEXT NOT NULL DEFAULT '',
	text       TEXT NOT NULL DEFAULT '',
	x          INTEGER NOT NULL DEFAULT 0,
	y          INTEGER NOT NULL DEFAULT 0,
	name       TEXT NOT NULL DEFAULT '',
	data       TEXT, -- JSON, NULL when absent
	PRIMARY KEY (project_id, session_id, window_id, seq, idx),
	FOREIGN KEY (project_id, session_id) REFERENCES sessions (project_id, id) ON DELETE CASCADE
);
CREATE INDEX events_session_ts ON events (project_id, session_id, ts);
CREATE INDEX events_type_url ON events (project_id, type, url);

CREATE TABLE users (
	id            TEXT PRIMARY KEY,
	email         TEXT NOT NULL,
	email_key     TEXT NOT NULL UNIQUE, -- lower-cased email: uniqueness and lookup
	name          TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL,
	password_hash TEXT NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL
);

CREATE TABLE auth_sessions (
	id         TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX auth_sessions_user ON auth_sessions (user_id);
