-- Several words, each anywhere: `customer_search` (migration 7) splits a customer over a
-- document for their own fields and 64 for their timeline, so FTS5 cannot AND words across
-- them and a search of two words read each word's whole doclist (~30 ms at 1M entries).
-- Here each customer is ONE document (own fields, and every live entry), keyed by the
-- customer's rowid, so the AND is FTS5's own and is read lazily (~4 ms). No prefix indexes
-- (the words are mostly long enough; they would double its size). A cache of
-- `customer_search`, kept by the same kind of triggers; deleted customers are included
-- like there (the search leaves them out).
CREATE VIRTUAL TABLE customer_all_search USING fts5 (
    own, timeline,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- A customer's document. The fields are joined with spaces, so the words are the same as
-- in `customer_search` (only a phrase could run from one field or entry into the next).
CREATE VIEW customer_all_search_docs AS
SELECT f.doc / 128 AS rowid, f.id AS id, f.company_id AS company_id,
    concat_ws(' ', f.name, f.company, f.emails, f.phones, f.notes, f.tags) AS own,
    (SELECT group_concat(concat_ws(' ', i.summary, i.body), ' ') FROM interactions i
        WHERE i.customer_id = f.id AND i.deleted_at IS NULL) AS timeline
FROM customer_search_fields f;

INSERT INTO customer_all_search (rowid, own, timeline)
SELECT rowid, own, timeline FROM customer_all_search_docs ORDER BY rowid;

-- Re-indexing a customer deletes their document before inserting it again: a contentless
-- index does not check rowids, so a second insert of one would leave both in the index.
-- (Deleting a document that is not there is harmless.)
CREATE TRIGGER customers_all_search_insert AFTER INSERT ON customers BEGIN
    DELETE FROM customer_all_search WHERE rowid = new.rowid;
    INSERT INTO customer_all_search (rowid, own, timeline)
    SELECT rowid, own, timeline FROM customer_all_search_docs WHERE id = new.id;
END;

CREATE TRIGGER customers_all_search_update AFTER UPDATE OF display_name, company_id, notes ON customers BEGIN
    DELETE FROM customer_all_search WHERE rowid = new.rowid;
    INSERT INTO customer_all_search (rowid, own, timeline)
    SELECT rowid, own, timeline FROM customer_all_search_docs WHERE id = new.id;
END;

-- A company's new name is part of its people's documents.
CREATE TRIGGER customers_all_search_company AFTER UPDATE OF display_name ON customers
WHEN new.kind = 'company' BEGIN
    DELETE FROM customer_all_search WHERE rowid IN (SELECT rowid FROM customers WHERE company_id = new.id);
    INSERT INTO customer_all_search (rowid, own, timeline)
    SELECT rowid, own, timeline FROM customer_all_search_docs WHERE company_id = new.id ORDER BY rowid;
END;

CREATE TRIGGER customers_all_search_delete AFTER DELETE ON customers BEGIN
    DELETE FROM customer_all_search WHERE rowid = old.rowid;
END;

CREATE TRIGGER contact_points_all_search_insert AFTER INSERT ON contact_points BEGIN
    DELETE FROM customer_all_search WHERE rowid = (SELECT rowid FROM customers WHERE id = new.customer_id);
    INSERT INTO customer_all_search (rowid, own, timeline)
    SELECT rowid, own, timeline FROM customer_all_search_docs WHERE id = new.customer_id;
END;

CREATE TRIGGER contact_points_all_search_update AFTER UPDATE ON contact_points BEGIN
    DELETE FROM customer_all_search
    WHERE rowid IN (SELECT rowid FROM customers WHERE id IN (old.customer_id, new.customer_id));
    INSERT INTO customer_all_search (rowid, own, timeline)
    SELECT rowid, own, timeline FROM customer_all_search_docs
    WHERE id IN (old.customer_id, new.customer_id) ORDER BY rowid;
END;

CREATE TRIGGER contact_points_all_search_delete AFTER DELETE ON contact_points BEGIN
    DELETE FROM customer_all_search WHERE rowid = (SELECT rowid FROM customers WHERE id = old.customer_id);
    INSERT INTO customer_all_search (rowid, own, timeline)
    SELECT rowid, own, timeline FROM customer_all_search_docs WHERE id = old.customer_id;
END;

CREATE TRIGGER customer_tags_all_search_insert AFTER INSERT ON customer_tags BEGIN
    DELETE FROM customer_all_search WHERE rowid = (SELECT rowid FROM customers WHERE id = new.customer_id);
    INSERT INTO customer_all_search (rowid, own, timeline)
    SELECT rowid, own, timeline FROM customer_all_search_docs WHERE id = new.customer_id;
END;

CREATE TRIGGER customer_tags_all_search_delete AFTER DELETE ON customer_tags BEGIN
    DELETE FROM customer_all_search WHERE rowid = (SELECT rowid FROM customers WHERE id = old.customer_id);
    INSERT INTO customer_all_search (rowid, own, timeline)
    SELECT rowid, own, timeline FROM customer_all_search_docs WHERE id = old.customer_id;
END;

-- The timeline: an entry logged, edited, deleted or restored, or moved to another customer
-- (a merge) re-indexes the customer(s) concerned.
CREATE TRIGGER interactions_all_search_insert AFTER INSERT ON interactions BEGIN
    DELETE FROM customer_all_search WHERE rowid = (SELECT rowid FROM customers WHERE id = new.customer_id);
    INSERT INTO customer_all_search (rowid, own, timeline)
    SELECT rowid, own, timeline FROM customer_all_search_docs WHERE id = new.customer_id;
END;

CREATE TRIGGER interactions_all_search_update AFTER UPDATE OF customer_id, summary, body, deleted_at ON interactions BEGIN
    DELETE FROM customer_all_search
    WHERE rowid IN (SELECT rowid FROM customers WHERE id IN (old.customer_id, new.customer_id));
    INSERT INTO customer_all_search (rowid, own, timeline)
    SELECT rowid, own, timeline FROM customer_all_search_docs
    WHERE id IN (old.customer_id, new.customer_id) ORDER BY rowid;
END;

CREATE TRIGGER interactions_all_search_delete AFTER DELETE ON interactions BEGIN
    DELETE FROM customer_all_search WHERE rowid = (SELECT rowid FROM customers WHERE id = old.customer_id);
    INSERT INTO customer_all_search (rowid, own, timeline)
    SELECT rowid, own, timeline FROM customer_all_search_docs WHERE id = old.customer_id;
END;
