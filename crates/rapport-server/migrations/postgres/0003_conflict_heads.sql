-- Conflicts (issue 6): a set names the ops it knowingly overwrites (`prev`, JSON op ids;
-- NULL for every other op and for sets written before this). A snapshot keeps every head:
-- a set with `prev` that no op names and that its device didn't write again later.
ALTER TABLE ops ADD COLUMN prev TEXT;

-- Ops some later set named in its `prev`.
CREATE TABLE superseded_ops (
    team_id BYTEA NOT NULL,
    device_id BYTEA NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (team_id, device_id, seq)
);

-- Each device's latest write (its greatest seq) of each register of each record: its
-- earlier writes of it were overwritten knowingly.
CREATE TABLE own_writers (
    team_id BYTEA NOT NULL,
    entity TEXT NOT NULL,
    entity_id BYTEA NOT NULL,
    field TEXT NOT NULL,
    device_id BYTEA NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (team_id, entity, entity_id, field, device_id)
);
