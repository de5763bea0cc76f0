-- The customer list: one covering index for name order (ties by id, so pages are stable)
-- carrying the columns the list filters on, so filtering and counting never read the table.
-- It supersedes customers_name (same leading column).
DROP INDEX customers_name;
CREATE INDEX customers_list
    ON customers (display_name COLLATE NOCASE, id, lifecycle_stage, kind, owner)
    WHERE deleted_at IS NULL;

-- A keep-in-touch nudge the user put off: Today leaves the customer out until then.
ALTER TABLE customers ADD COLUMN nudge_snoozed_until TEXT;

-- Full-text search over customers and their timelines (accent- and case-insensitive).
-- Contentless: it holds only the index, never a second copy of the text. Documents are
-- keyed so that `rowid / 128` is the customer's rowid (rowids of tables with indexes
-- survive VACUUM and VACUUM INTO): slot 0 holds the customer's own fields, slots 1-64
-- hold their timeline in 64 buckets (by entry rowid), so logging an entry re-indexes
-- only its bucket, never a long history.
CREATE VIRTUAL TABLE customer_search USING fts5 (
    name, company, emails, phones, notes, tags, summary, body,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Slot 0 of every customer (deleted ones too: the list filters those out, and a restored
-- customer needs no re-indexing).
CREATE VIEW customer_search_fields AS
SELECT c.rowid * 128 AS doc, c.id AS id, c.company_id AS company_id,
    c.display_name AS name,
    co.display_name AS company,
    (SELECT group_concat(p.value, ' ') FROM contact_points p
        WHERE p.customer_id = c.id AND p.kind = 'email') AS emails,
    (SELECT group_concat(p.value || ' ' || p.normalized, ' ') FROM contact_points p
        WHERE p.customer_id = c.id AND p.kind = 'phone') AS phones,
    c.notes AS notes,
    (SELECT group_concat(t.tag, ' ') FROM customer_tags t WHERE t.customer_id = c.id) AS tags
FROM customers c LEFT JOIN customers co ON co.id = c.company_id;

INSERT INTO customer_search (rowid, name, company, emails, phones, notes, tags)
SELECT doc, name, company, emails, phones, notes, tags FROM customer_search_fields ORDER BY doc;

INSERT INTO customer_search (rowid, summary, body)
SELECT c.rowid * 128 + 1 + b.bucket, b.summary, b.body
FROM (SELECT customer_id, rowid % 64 AS bucket,
             group_concat(summary, ' ') AS summary, group_concat(body, ' ') AS body
      FROM interactions NOT INDEXED WHERE deleted_at IS NULL
      GROUP BY customer_id, rowid % 64) b
JOIN customers c ON c.id = b.customer_id
ORDER BY 1;

-- Kept in step by triggers, so every write path (the API, demo data, imports, sync) keeps
-- the index right in its own transaction.
CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customer_search (rowid, name, company, emails, phones, notes, tags)
    SELECT doc, name, company, emails, phones, notes, tags FROM customer_search_fields WHERE id = new.id;
END;

CREATE TRIGGER customers_search_update AFTER UPDATE OF display_name, company_id, notes ON customers BEGIN
    DELETE FROM customer_search WHERE rowid = new.rowid * 128;
    INSERT INTO customer_search (rowid, name, company, emails, phones, notes, tags)
    SELECT doc, name, company, emails, phones, notes, tags FROM customer_search_fields WHERE id = new.id;
END;

-- A company's new name is part of its people's documents.
CREATE TRIGGER customers_search_company AFTER UPDATE OF display_name ON customers
WHEN new.kind = 'company' BEGIN
    DELETE FROM customer_search WHERE rowid IN (SELECT rowid * 128 FROM customers WHERE company_id = new.id);
    INSERT INTO customer_search (rowid, name, company, emails, phones, notes, tags)
    SELECT doc, name, company, emails, phones, notes, tags FROM customer_search_fields
    WHERE company_id = new.id ORDER BY doc;
END;

CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN
    DELETE FROM customer_search WHERE rowid = old.rowid * 128;
END;

CREATE TRIGGER contact_points_search_insert AFTER INSERT ON contact_points BEGIN
    DELETE FROM customer_search WHERE rowid = (SELECT rowid * 128 FROM customers WHERE id = new.customer_id);
    INSERT INTO customer_search (rowid, name, company, emails, phones, notes, tags)
    SELECT doc, name, company, emails, phones, notes, tags FROM customer_search_fields WHERE id = new.customer_id;
END;

CREATE TRIGGER contact_points_search_update AFTER UPDATE ON contact_points BEGIN
    DELETE FROM customer_search WHERE rowid = (SELECT rowid * 128 FROM customers WHERE id = new.customer_id);
    INSERT INTO customer_search (rowid, name, company, emails, phones, notes, tags)
    SELECT doc, name, company, emails, phones, notes, tags FROM customer_search_fields WHERE id = new.customer_id;
END;

CREATE TRIGGER contact_points_search_delete AFTER DELETE ON contact_points BEGIN
    DELETE FROM customer_search WHERE rowid = (SELECT rowid * 128 FROM customers WHERE id = old.customer_id);
    INSERT INTO customer_search (rowid, name, company, emails, phones, notes, tags)
    SELECT doc, name, company, emails, phones, notes, tags FROM customer_search_fields WHERE id = old.customer_id;
END;

CREATE TRIGGER customer_tags_search_insert AFTER INSERT ON customer_tags BEGIN
    DELETE FROM customer_search WHERE rowid = (SELECT rowid * 128 FROM customers WHERE id = new.customer_id);
    INSERT INTO customer_search (rowid, name, company, emails, phones, notes, tags)
    SELECT doc, name, company, emails, phones, notes, tags FROM customer_search_fields WHERE id = new.customer_id;
END;

CREATE TRIGGER customer_tags_search_delete AFTER DELETE ON customer_tags BEGIN
    DELETE FROM customer_search WHERE rowid = (SELECT rowid * 128 FROM customers WHERE id = old.customer_id);
    INSERT INTO customer_search (rowid, name, company, emails, phones, notes, tags)
    SELECT doc, name, company, emails, phones, notes, tags FROM customer_search_fields WHERE id = old.customer_id;
END;

-- A timeline bucket: the customer's live entries whose rowid falls in it (none: no document).
CREATE TRIGGER interactions_search_insert AFTER INSERT ON interactions BEGIN
    DELETE FROM customer_search
    WHERE rowid = (SELECT rowid * 128 + 1 + new.rowid % 64 FROM customers WHERE id = new.customer_id);
    INSERT INTO customer_search (rowid, summary, body)
    SELECT c.rowid * 128 + 1 + new.rowid % 64, group_concat(i.summary, ' '), group_concat(i.body, ' ')
    FROM customers c JOIN interactions i ON i.customer_id = c.id
    WHERE c.id = new.customer_id AND i.rowid % 64 = new.rowid % 64 AND i.deleted_at IS NULL
    GROUP BY c.rowid;
END;

CREATE TRIGGER interactions_search_update AFTER UPDATE OF customer_id, summary, body, deleted_at ON interactions BEGIN
    DELETE FROM customer_search
    WHERE rowid IN (SELECT rowid * 128 + 1 + old.rowid % 64 FROM customers WHERE id IN (old.customer_id, new.customer_id));
    INSERT INTO customer_search (rowid, summary, body)
    SELECT c.rowid * 128 + 1 + old.rowid % 64, group_concat(i.summary, ' '), group_concat(i.body, ' ')
    FROM customers c JOIN interactions i ON i.customer_id = c.id
    WHERE c.id IN (old.customer_id, new.customer_id) AND i.rowid % 64 = old.rowid % 64 AND i.deleted_at IS NULL
    GROUP BY c.rowid ORDER BY 1;
END;

CREATE TRIGGER interactions_search_delete AFTER DELETE ON interactions BEGIN
    DELETE FROM customer_search
    WHERE rowid = (SELECT rowid * 128 + 1 + old.rowid % 64 FROM customers WHERE id = old.customer_id);
    INSERT INTO customer_search (rowid, summary, body)
    SELECT c.rowid * 128 + 1 + old.rowid % 64, group_concat(i.summary, ' '), group_concat(i.body, ' ')
    FROM customers c JOIN interactions i ON i.customer_id = c.id
    WHERE c.id = old.customer_id AND i.rowid % 64 = old.rowid % 64 AND i.deleted_at IS NULL
    GROUP BY c.rowid;
END;
