-- Conflicts (issue 6): a concurrent edit of an important field that lost, kept for review.
-- The op log holds everything (a set's `prev`, the writes it knowingly overwrote, goes in
-- `observed`); this table lists the losing ops, so the status indicator counts them
-- without reading the log. Kept up to date when sync rebuilds a record (from all its
-- ops: rapport-protocol's `rules::conflicts`) and when this device writes the field
-- (its set names every concurrent value, so none is left). No values here: they are read
-- from the log when listed.
CREATE TABLE sync_conflicts (
    device_id   TEXT NOT NULL,                 -- the losing op
    seq         INTEGER NOT NULL,
    entity      TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    field       TEXT NOT NULL,
    PRIMARY KEY (device_id, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX sync_conflicts_record ON sync_conflicts (record_id, field);
