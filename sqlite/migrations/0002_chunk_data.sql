-- Per-batch recording chunks are staged in the index database, committed in
-- the same group-commit transaction as their batch row: one fsync makes a
-- batch durable. The worker moves a closed session's chunks into one
-- compacted blob in the BlobStore (blob_key set, data NULL).
ALTER TABLE chunks ADD COLUMN data BLOB;
