-- A new record is one `create` op carrying all its first values (rapport-protocol's
-- `OpAction::Create`, field '*'), instead of one op per field: an import of 100k customers
-- wrote about a million op rows, and sync would have pushed them all. SQLite can't alter a
-- CHECK constraint, so the outbox is rebuilt with the new action allowed; its rows and
-- sequence numbers are copied unchanged.
CREATE TABLE ops_new (
    seq         INTEGER PRIMARY KEY,           -- per-device sequence number
    device_id   TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('set', 'add', 'remove', 'create')),
    field       TEXT NOT NULL,                 -- '*' for a create
    value       TEXT NOT NULL,                 -- JSON (an object of fields for a create)
    pushed      INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO ops_new (seq, device_id, hlc, entity, entity_id, action, field, value, pushed)
    SELECT seq, device_id, hlc, entity, entity_id, action, field, value, pushed FROM ops;
DROP TABLE ops;
ALTER TABLE ops_new RENAME TO ops;
CREATE INDEX ops_entity ON ops (entity_id, field);
CREATE INDEX ops_unpushed ON ops (seq) WHERE pushed = 0;
