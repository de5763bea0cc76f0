-- Sync's local half. A remove of a tag names the adds it saw (rapport-protocol's add-wins
-- sets): JSON `[{"device": …, "seq": …}, …]`, or NULL for removes written before this
-- (they took out every earlier add). Ops from other devices are kept beside our own, so a
-- record can always be rebuilt from everything known of it (`rules::materialize`).
ALTER TABLE ops ADD COLUMN observed TEXT;

CREATE TABLE remote_ops (
    device_id   TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    hlc         TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('set', 'add', 'remove', 'create')),
    field       TEXT NOT NULL,
    value       TEXT NOT NULL,
    observed    TEXT,
    PRIMARY KEY (device_id, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX remote_ops_entity ON remote_ops (entity_id);

-- The server this store syncs with, once signed in. The token is kept here, inside the
-- encrypted store (whose key is in the OS keychain), and cleared on sign-out or when the
-- server says this device was revoked; the rest stays so the next sign-in continues.
CREATE TABLE sync_state (
    singleton       INTEGER PRIMARY KEY CHECK (singleton = 1),
    server_url      TEXT NOT NULL,
    account_email   TEXT NOT NULL,
    team_id         TEXT NOT NULL,
    token           TEXT,
    cursor          INTEGER NOT NULL DEFAULT 0,    -- the team's server sequence applied up to
    last_sync_at    TEXT,
    last_error      TEXT
) STRICT;
