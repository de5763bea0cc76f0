-- Which OS notifications this device has shown, so none repeats (across restarts too).
-- Local bookkeeping, not synced: each device notifies its own user. Rows older than a week
-- are pruned (older items are outside every notification look-back).
CREATE TABLE notifications_sent (
    key         TEXT PRIMARY KEY,              -- e.g. followup:<id>:<effective due>, nudge:<customer>:<overdue at>, date:<customer>:<label>:<day>
    sent_at     TEXT NOT NULL
) STRICT;
CREATE INDEX notifications_sent_at ON notifications_sent (sent_at);
