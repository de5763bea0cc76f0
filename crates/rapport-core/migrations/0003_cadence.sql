-- Keep-in-touch cadence: an ideal interval (due soon after it) and a maximum (overdue after
-- it), per customer, or per tag for every customer carrying the tag (the customer's wins).
ALTER TABLE customers ADD COLUMN keep_in_touch_max_days INTEGER CHECK (keep_in_touch_max_days > 0);

CREATE TABLE tag_cadences (
    tag         TEXT PRIMARY KEY COLLATE NOCASE,
    ideal_days  INTEGER NOT NULL CHECK (ideal_days > 0),
    max_days    INTEGER NOT NULL CHECK (max_days >= ideal_days)
) STRICT;

CREATE INDEX customers_cadence ON customers (keep_in_touch_days) WHERE keep_in_touch_days IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX interactions_purchases ON interactions (customer_id) WHERE kind = 'purchase' AND deleted_at IS NULL;
