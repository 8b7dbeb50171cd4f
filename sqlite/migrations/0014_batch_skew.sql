-- The clock skew ingest applied to each batch (ms, server minus client).
-- A session keeps the skew of its first batch, so that its signals and its
-- rrweb events differ by one constant offset (docs/FRICTION.md §7); NULL
-- for batches ingested before it was kept.
ALTER TABLE batches ADD COLUMN skew_ms INTEGER;
