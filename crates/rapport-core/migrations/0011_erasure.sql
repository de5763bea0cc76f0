-- Customers erased on request (privacy): only the id and when, never anything about the
-- person, so sync can carry the erasure to other devices and refuse to bring them back.
CREATE TABLE erased_customers (
    id          TEXT PRIMARY KEY,
    erased_at   TEXT NOT NULL
) STRICT;
