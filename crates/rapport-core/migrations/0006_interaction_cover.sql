-- One covering index for the relationship engine: insights read purchases, feedback and
-- complaints, and Today/scoring sum purchases per customer, all without touching the
-- table (every page read from an encrypted store is also decrypted).
DROP INDEX interactions_purchases;
CREATE INDEX interactions_kind_cover
    ON interactions (kind, customer_id, occurred_at, amount_minor, currency, score, resolved_at)
    WHERE deleted_at IS NULL;
