-- User-editable rules that create follow-ups from personal memory and history.
CREATE TABLE followup_rules (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    trigger     TEXT NOT NULL,                 -- JSON
    title       TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    created_at  TEXT NOT NULL,
    deleted_at  TEXT
) STRICT;

-- A follow-up a rule made says which rule, customer and occurrence it is for, so running
-- the rules again never makes it twice.
ALTER TABLE followups ADD COLUMN rule_key TEXT;
CREATE UNIQUE INDEX followups_rule_key ON followups (rule_key) WHERE rule_key IS NOT NULL;
