-- Imports (CSV, vCard): what each import did, so it can be undone, and what import needs
-- beside the customer record itself.

-- One import of one file. Undo is recorded here (`undone_at`); the undo's own writes are
-- ordinary field ops, so they sync like any edit.
CREATE TABLE import_batches (
    id          TEXT PRIMARY KEY,
    file_name   TEXT NOT NULL,
    at          TEXT NOT NULL,
    created     INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL,
    skipped     INTEGER NOT NULL,
    undone_at   TEXT
) STRICT;
CREATE INDEX import_batches_at ON import_batches (at);

-- Every customer an import created or changed. `changes` (updates) is a JSON array of
-- {field, old, new}: undo puts `old` back where the field still holds `new`.
CREATE TABLE import_batch_customers (
    batch_id            TEXT NOT NULL REFERENCES import_batches (id),
    customer_id         TEXT NOT NULL REFERENCES customers (id),
    action              TEXT NOT NULL CHECK (action IN ('create', 'update')),
    changes             TEXT NOT NULL DEFAULT '[]',
    previous_photo_mime TEXT,
    previous_photo      BLOB,
    PRIMARY KEY (batch_id, customer_id)
) STRICT;

-- The id another system gave a contact (Salesforce Id, HubSpot Record ID, vCard UID), per
-- source, so re-importing that system's file finds the same customer first.
CREATE TABLE customer_external_ids (
    source      TEXT NOT NULL,
    external_id TEXT NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    PRIMARY KEY (source, external_id)
) STRICT;
CREATE INDEX customer_external_ids_customer ON customer_external_ids (customer_id);

-- Column mappings the user saved for files no known format describes.
CREATE TABLE import_mappings (
    name        TEXT PRIMARY KEY,
    mapping     TEXT NOT NULL,                 -- JSON ColumnMapping
    updated_at  TEXT NOT NULL
) STRICT;

-- A customer's photo (from a vCard), at most 256 KiB. The `photo` field op carries its
-- type and SHA-256.
CREATE TABLE customer_photos (
    customer_id TEXT PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    mime        TEXT NOT NULL,
    data        BLOB NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
