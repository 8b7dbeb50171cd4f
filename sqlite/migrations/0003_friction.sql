-- The server's friction analysis (docs/FRICTION.md, "On the server"). The
-- worker stores each detection as an event of type 'friction' with seq -1
-- (SDK batches have seq >= 0) and keeps the summary on the session row:
-- counts per signal type (JSON object), the frustration score and the exit
-- class ('' until the session has been analysed).
ALTER TABLE sessions ADD COLUMN friction_counts TEXT NOT NULL DEFAULT '{}';
ALTER TABLE sessions ADD COLUMN frustration_score INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN exit_class TEXT NOT NULL DEFAULT '';

-- The frustration sort of the session list, keyset-paged.
CREATE INDEX sessions_project_frustration ON sessions (project_id, frustration_score DESC, started_at DESC, id DESC);

-- Server detections only (partial: SDK events do not pay for it): the
-- signal and selector filters of the session list and the friction report.
CREATE INDEX events_server_friction ON events (project_id, name, selector, session_id) WHERE seq = -1;
