-- Batches the SDK reported dropping unsent (its bounded buffer while the
-- server was unreachable), summed per session: the replay says why data is
-- missing.
ALTER TABLE sessions ADD COLUMN dropped_batches INTEGER NOT NULL DEFAULT 0;
