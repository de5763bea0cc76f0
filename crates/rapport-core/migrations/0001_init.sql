-- Rapport store, schema 1. Ids are UUIDv7 text; times are RFC 3339 UTC text; money is
-- integer minor units plus an ISO 4217 code.

CREATE TABLE device (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    device_id   TEXT NOT NULL,
    next_seq    INTEGER NOT NULL,
    hlc         TEXT NOT NULL
) STRICT;

-- Every change, one row per changed field, written in the same transaction as the change.
CREATE TABLE ops (
    seq         INTEGER PRIMARY KEY,           -- per-device sequence number
    device_id   TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('set', 'add', 'remove')),
    field       TEXT NOT NULL,
    value       TEXT NOT NULL,                 -- JSON
    pushed      INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX ops_entity ON ops (entity_id, field);
CREATE INDEX ops_unpushed ON ops (seq) WHERE pushed = 0;

CREATE TABLE customers (
    id                  TEXT PRIMARY KEY,
    kind                TEXT NOT NULL CHECK (kind IN ('person', 'company')),
    display_name        TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 500),
    given_name          TEXT,
    family_name         TEXT,
    company_id          TEXT REFERENCES customers (id),
    title               TEXT,
    lifecycle_stage     TEXT NOT NULL DEFAULT 'lead'
                        CHECK (lifecycle_stage IN ('lead', 'prospect', 'customer', 'former')),
    lead_source         TEXT,
    owner               TEXT,
    birthday            TEXT,                  -- YYYY-MM-DD, or --MM-DD when the year is unknown
    how_we_met          TEXT,
    preferred_channel   TEXT CHECK (preferred_channel IN ('email', 'phone', 'sms', 'whatsapp', 'in_person')),
    quiet_hours         TEXT,                  -- JSON {"start":"HH:MM","end":"HH:MM"}
    keep_in_touch_days  INTEGER CHECK (keep_in_touch_days > 0),
    notes               TEXT,
    addresses           TEXT NOT NULL DEFAULT '[]',       -- JSON array
    important_dates     TEXT NOT NULL DEFAULT '[]',       -- JSON array
    key_facts           TEXT NOT NULL DEFAULT '[]',       -- JSON array
    custom_fields       TEXT NOT NULL DEFAULT '{}',       -- JSON object
    last_contacted_at   TEXT,                  -- derived from the timeline, kept in step
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    deleted_at          TEXT
) STRICT;
CREATE INDEX customers_name ON customers (display_name COLLATE NOCASE) WHERE deleted_at IS NULL;
CREATE INDEX customers_company ON customers (company_id);

-- Emails and phones, labelled; normalised value kept for lookups and duplicate detection.
CREATE TABLE contact_points (
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('email', 'phone')),
    position    INTEGER NOT NULL,
    label       TEXT,
    value       TEXT NOT NULL,
    normalized  TEXT NOT NULL,
    PRIMARY KEY (customer_id, kind, position)
) STRICT;
CREATE INDEX contact_points_lookup ON contact_points (kind, normalized);

CREATE TABLE customer_tags (
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    tag         TEXT NOT NULL,
    PRIMARY KEY (customer_id, tag)
) STRICT;
CREATE INDEX customer_tags_tag ON customer_tags (tag);

CREATE TABLE interactions (
    id              TEXT PRIMARY KEY,
    customer_id     TEXT NOT NULL REFERENCES customers (id),
    kind            TEXT NOT NULL CHECK (kind IN ('note', 'call', 'email', 'meeting', 'visit', 'purchase', 'complaint', 'feedback')),
    occurred_at     TEXT NOT NULL,
    summary         TEXT NOT NULL,
    body            TEXT,
    amount_minor    INTEGER,
    currency        TEXT,
    score           INTEGER CHECK (score BETWEEN 0 AND 10),
    resolved_at     TEXT,                      -- complaints
    created_at      TEXT NOT NULL,
    deleted_at      TEXT,
    CHECK ((amount_minor IS NULL) = (currency IS NULL))
) STRICT;
CREATE INDEX interactions_timeline ON interactions (customer_id, occurred_at DESC);

CREATE TABLE followups (
    id              TEXT PRIMARY KEY,
    customer_id     TEXT NOT NULL REFERENCES customers (id),
    title           TEXT NOT NULL,
    due_at          TEXT NOT NULL,
    snoozed_until   TEXT,
    done_at         TEXT,
    created_at      TEXT NOT NULL,
    deleted_at      TEXT
) STRICT;
CREATE INDEX followups_open ON followups (due_at) WHERE done_at IS NULL AND deleted_at IS NULL;
CREATE INDEX followups_customer ON followups (customer_id);

CREATE TABLE pipeline_stages (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    position        INTEGER NOT NULL,
    probability     INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100)
) STRICT;

CREATE TABLE deals (
    id              TEXT PRIMARY KEY,
    customer_id     TEXT NOT NULL REFERENCES customers (id),
    title           TEXT NOT NULL,
    value_minor     INTEGER NOT NULL,
    currency        TEXT NOT NULL,
    stage_id        TEXT NOT NULL REFERENCES pipeline_stages (id),
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost')),
    expected_close  TEXT,                      -- YYYY-MM-DD
    closed_at       TEXT,
    lost_reason     TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    deleted_at      TEXT
) STRICT;
CREATE INDEX deals_customer ON deals (customer_id);
CREATE INDEX deals_stage ON deals (stage_id, status);

CREATE TABLE deal_stage_changes (
    deal_id         TEXT NOT NULL REFERENCES deals (id),
    from_stage      TEXT,
    to_stage        TEXT NOT NULL,
    changed_at      TEXT NOT NULL
) STRICT;
CREATE INDEX deal_stage_changes_deal ON deal_stage_changes (deal_id, changed_at);
