-- Ids are 16-byte UUIDs (BLOB) and clocks are integers, so the SQL of both backends
-- compares them the same way: bytes by memcmp, clocks by number.

CREATE TABLE teams (
    id BLOB PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    -- The last server_seq handed out; a push bumps it in its own transaction, which
    -- serializes pushes per team and keeps server_seq gap-free.
    next_seq INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE TABLE accounts (
    id BLOB PRIMARY KEY NOT NULL,
    team_id BLOB NOT NULL REFERENCES teams(id),
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    created_at INTEGER NOT NULL
);

CREATE TABLE devices (
    id BLOB PRIMARY KEY NOT NULL,
    team_id BLOB NOT NULL REFERENCES teams(id),
    account_id BLOB NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    -- SHA-256 of the device's current token; NULL when signed out. Kept on revocation so
    -- the device hears why it was refused.
    token_hash BLOB UNIQUE,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER,
    revoked_at INTEGER
);
CREATE INDEX devices_team ON devices (team_id);

CREATE TABLE invites (
    code_hash BLOB PRIMARY KEY NOT NULL,
    team_id BLOB NOT NULL REFERENCES teams(id),
    created_by BLOB NOT NULL REFERENCES accounts(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);

-- One op envelope; the payload is opaque bytes.
CREATE TABLE ops (
    team_id BLOB NOT NULL,
    server_seq INTEGER NOT NULL,
    device_id BLOB NOT NULL,
    seq INTEGER NOT NULL,
    hlc_millis INTEGER NOT NULL,
    hlc_counter INTEGER NOT NULL,
    entity TEXT NOT NULL,
    entity_id BLOB NOT NULL,
    registers TEXT NOT NULL,
    touches_set BOOLEAN NOT NULL,
    payload BLOB NOT NULL,
    PRIMARY KEY (team_id, server_seq),
    UNIQUE (team_id, device_id, seq)
) WITHOUT ROWID;

-- The register field keys each op writes, one row each (for the snapshot's join).
CREATE TABLE op_registers (
    team_id BLOB NOT NULL,
    server_seq INTEGER NOT NULL,
    field TEXT NOT NULL,
    PRIMARY KEY (team_id, server_seq, field)
) WITHOUT ROWID;

-- The latest writer (by clock, then device) of each register of each record, kept at push.
CREATE TABLE latest_writers (
    team_id BLOB NOT NULL,
    entity TEXT NOT NULL,
    entity_id BLOB NOT NULL,
    field TEXT NOT NULL,
    hlc_millis INTEGER NOT NULL,
    hlc_counter INTEGER NOT NULL,
    device_id BLOB NOT NULL,
    PRIMARY KEY (team_id, entity, entity_id, field)
) WITHOUT ROWID;
