-- Merging duplicate customers (hygiene). A merged duplicate is hidden (deleted_at) and
-- points at the customer it was merged into, so reads and edits of its id lead there.
ALTER TABLE customers ADD COLUMN merged_into TEXT REFERENCES customers (id);
CREATE INDEX customers_merged_into ON customers (merged_into) WHERE merged_into IS NOT NULL;

-- One row per merge, with what undo needs (JSON: the survivor's changed columns before
-- and after, the emails/phones before and after, the tags added, the ids of the timeline
-- entries, follow-ups, deals and people moved). Device-local bookkeeping: the merge
-- itself travels as ops. No foreign keys, so erasing a person is never blocked by it
-- (erasure must delete the rows naming them: `undo` holds their old field values).
CREATE TABLE merges (
    id              TEXT PRIMARY KEY,
    at              TEXT NOT NULL,
    survivor_id     TEXT NOT NULL,
    duplicate_id    TEXT NOT NULL,
    undo            TEXT NOT NULL,
    undone_at       TEXT
) STRICT;
CREATE INDEX merges_at ON merges (at);
CREATE INDEX merges_customers ON merges (survivor_id, duplicate_id);

-- Pairs the user said are not one person: never proposed again. `a` < `b` (ids as text).
CREATE TABLE duplicate_dismissals (
    a   TEXT NOT NULL,
    b   TEXT NOT NULL,
    at  TEXT NOT NULL,
    PRIMARY KEY (a, b),
    CHECK (a < b)
) STRICT;
