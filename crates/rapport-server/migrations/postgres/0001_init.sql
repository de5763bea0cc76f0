-- Ids are 16-byte UUIDs (BYTEA) and clocks are integers, so the SQL of both backends
-- compares them the same way: bytes by memcmp, clocks by number.

CREATE TABLE teams (
    id BYTEA PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    -- The last server_seq handed out; a push bumps it in its own transaction, which
    -- serializes pushes per team and keeps server_seq gap-free.
    next_seq BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE accounts (
    id BYTEA PRIMARY KEY NOT NULL,
    team_id BYTEA NOT NULL REFERENCES teams(id),
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    created_at BIGINT NOT NULL
);

CREATE TABLE devices (
    id BYTEA PRIMARY KEY NOT NULL,
    team_id BYTEA NOT NULL REFERENCES teams(id),
    account_id BYTEA NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    -- SHA-256 of the device's current token; NULL when signed out. Kept on revocation so
    -- the device hears why it was refused.
    token_hash BYTEA UNIQUE,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX devices_team ON devices (team_id);

CREATE TABLE invites (
    code_hash BYTEA PRIMARY KEY NOT NULL,
    team_id BYTEA NOT NULL REFERENCES teams(id),
    created_by BYTEA NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

-- One op envelope; the payload is opaque bytes.
CREATE TABLE ops (
    team_id BYTEA NOT NULL,
    server_seq BIGINT NOT NULL,
    device_id BYTEA NOT NULL,
    seq BIGINT NOT NULL,
    hlc_millis BIGINT NOT NULL,
    hlc_counter BIGINT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BYTEA NOT NULL,
    registers TEXT NOT NULL,
    touches_set BOOLEAN NOT NULL,
    payload BYTEA NOT NULL,
    PRIMARY KEY (team_id, server_seq),
    UNIQUE (team_id, device_id, seq)
);

-- The register field keys each op writes, one row each (for the snapshot's join).
CREATE TABLE op_registers (
    team_id BYTEA NOT NULL,
    server_seq BIGINT NOT NULL,
    field TEXT NOT NULL,
    PRIMARY KEY (team_id, server_seq, field)
);

-- The latest writer (by clock, then device) of each register of each record, kept at push.
CREATE TABLE latest_writers (
    team_id BYTEA NOT NULL,
    entity TEXT NOT NULL,
    entity_id BYTEA NOT NULL,
    field TEXT NOT NULL,
    hlc_millis BIGINT NOT NULL,
    hlc_counter BIGINT NOT NULL,
    device_id BYTEA NOT NULL,
    PRIMARY KEY (team_id, entity, entity_id, field)
);
