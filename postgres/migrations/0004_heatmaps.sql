-- Heatmaps (issue 9), as SQLite's migration 0010 (the same columns, so that
-- `trailguide migrate-store` copies rows as they are; snapshot stays 0/1).
-- The raw rows are what each closed session contributed
-- (trailguide.SessionHeatmap); heat_day pre-aggregates them per page path,
-- device class and UTC day (days since the epoch), one row per layer and
-- key, so a heatmap over any date range sums a few thousand rows instead of
-- scanning millions of clicks. ReplaceHeatmap and session deletes take a
-- session's old rows back out of heat_day in the same transaction.
CREATE TABLE heat_views (
	project_id TEXT NOT NULL,
	session_id TEXT NOT NULL,
	window_id  TEXT NOT NULL,
	ts         BIGINT NOT NULL,
	path       TEXT NOT NULL,
	device     TEXT NOT NULL,
	day        BIGINT NOT NULL,
	snapshot   SMALLINT NOT NULL DEFAULT 0,
	vw         INTEGER NOT NULL DEFAULT 0,
	vh         INTEGER NOT NULL DEFAULT 0,
	doc_h      INTEGER NOT NULL DEFAULT 0,
	depth      INTEGER NOT NULL DEFAULT 0,
	data       TEXT NOT NULL, -- the HeatView as JSON
	PRIMARY KEY (project_id, session_id, window_id, ts),
	FOREIGN KEY (project_id, session_id) REFERENCES sessions (project_id, id) ON DELETE CASCADE
);
CREATE INDEX heat_views_page ON heat_views (project_id, path, device, day);
CREATE INDEX heat_views_snapshot ON heat_views (project_id, path, device, ts) WHERE snapshot = 1;

CREATE TABLE heat_clicks (
	project_id TEXT NOT NULL,
	session_id TEXT NOT NULL,
	window_id  TEXT NOT NULL,
	ts         BIGINT NOT NULL,
	idx        INTEGER NOT NULL,
	path       TEXT NOT NULL,
	device     TEXT NOT NULL,
	day        BIGINT NOT NULL,
	selector   TEXT NOT NULL,
	cx         INTEGER NOT NULL, -- offset cell inside the element
	cy         INTEGER NOT NULL,
	px         BIGINT NOT NULL, -- page position, ‰ of the page width
	py         BIGINT NOT NULL,
	kinds      INTEGER NOT NULL, -- 1 rage, 2 dead, 4 error
	text       TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (project_id, session_id, window_id, ts, idx),
	FOREIGN KEY (project_id, session_id) REFERENCES sessions (project_id, id) ON DELETE CASCADE
);
CREATE INDEX heat_clicks_element ON heat_clicks (project_id, path, device, selector, day);

CREATE TABLE heat_day (
	project_id TEXT NOT NULL,
	path       TEXT NOT NULL,
	device     TEXT NOT NULL,
	day        BIGINT NOT NULL,
	layer      TEXT NOT NULL, -- page, depth, band, move, click, element, block
	key        TEXT NOT NULL,
	v0 BIGINT NOT NULL DEFAULT 0, v1 BIGINT NOT NULL DEFAULT 0,
	v2 BIGINT NOT NULL DEFAULT 0, v3 BIGINT NOT NULL DEFAULT 0,
	v4 BIGINT NOT NULL DEFAULT 0, v5 BIGINT NOT NULL DEFAULT 0,
	v6 BIGINT NOT NULL DEFAULT 0, v7 BIGINT NOT NULL DEFAULT 0,
	-- layer before day: a query for one map reads only its layers' rows
	PRIMARY KEY (project_id, path, device, layer, day, key)
);

-- The latest text of each clicked element (masked as the recording is).
CREATE TABLE heat_text (
	project_id TEXT NOT NULL,
	path       TEXT NOT NULL,
	selector   TEXT NOT NULL,
	text       TEXT NOT NULL,
	PRIMARY KEY (project_id, path, selector)
);
