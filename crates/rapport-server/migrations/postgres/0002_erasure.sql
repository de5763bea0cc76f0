-- Erasure: the server forgets an erased record's ops (all but its tombstones), so the
-- highest seq stored of a device is no longer the highest it pushed; that is kept here.
ALTER TABLE devices ADD COLUMN held_seq BIGINT NOT NULL DEFAULT 0;
UPDATE devices SET held_seq = coalesce(
    (SELECT max(seq) FROM ops WHERE ops.team_id = devices.team_id AND ops.device_id = devices.id),
    0);

-- A record's ops, found when it is erased.
CREATE INDEX ops_record ON ops (team_id, entity, entity_id);
