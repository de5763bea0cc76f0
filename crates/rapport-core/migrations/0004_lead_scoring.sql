-- Lead-scoring rules, shared by the team (synced like any record): a condition, as JSON,
-- and the points a customer gets when it holds.
CREATE TABLE scoring_rules (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    condition   TEXT NOT NULL,
    points      INTEGER NOT NULL CHECK (points BETWEEN -1000 AND 1000),
    created_at  TEXT NOT NULL,
    deleted_at  TEXT
) STRICT;
