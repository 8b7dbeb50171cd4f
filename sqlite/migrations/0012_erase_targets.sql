-- Erasure jobs by visitor id and of one session (issue 14): the job's
-- target is the visitor id (erase_visitor) or the session id
-- (erase_session); erase_user jobs keep theirs in user_id.
ALTER TABLE jobs ADD COLUMN target TEXT NOT NULL DEFAULT '';
