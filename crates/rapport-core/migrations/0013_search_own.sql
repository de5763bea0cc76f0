-- Search as you type: the customers' own fields (slot 0 of `customer_search`, migration 7)
-- indexed a second time on their own, keyed by the customer's rowid, with prefix indexes
-- for one to four characters. The best matches (name, then the other own fields) and most
-- counts are then found in this index of one small document per customer (no timeline),
-- read lazily: a prefix of up to four characters is one doclist instead of a merge of the
-- whole doclist of every word starting with it (which FTS5 does before the first row).
-- `customer_search` still holds everything (a word may match in the timeline); this one is
-- a cache of its slot 0, kept by the same kind of triggers.
CREATE VIRTUAL TABLE customer_own_search USING fts5 (
    name, company, emails, phones, notes, tags,
    content = '', contentless_delete = 1, prefix = '1 2 3 4',
    tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO customer_own_search (rowid, name, company, emails, phones, notes, tags)
SELECT doc / 128, name, company, emails, phones, notes, tags FROM customer_search_fields ORDER BY doc;

CREATE TRIGGER customers_own_search_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customer_own_search (rowid, name, company, emails, phones, notes, tags)
    SELECT doc / 128, name, company, emails, phones, notes, tags FROM customer_search_fields WHERE id = new.id;
END;

CREATE TRIGGER customers_own_search_update AFTER UPDATE OF display_name, company_id, notes ON customers BEGIN
    DELETE FROM customer_own_search WHERE rowid = new.rowid;
    INSERT INTO customer_own_search (rowid, name, company, emails, phones, notes, tags)
    SELECT doc / 128, name, company, emails, phones, notes, tags FROM customer_search_fields WHERE id = new.id;
END;

-- A company's new name is part of its people's documents.
CREATE TRIGGER customers_own_search_company AFTER UPDATE OF display_name ON customers
WHEN new.kind = 'company' BEGIN
    DELETE FROM customer_own_search WHERE rowid IN (SELECT rowid FROM customers WHERE company_id = new.id);
    INSERT INTO customer_own_search (rowid, name, company, emails, phones, notes, tags)
    SELECT doc / 128, name, company, emails, phones, notes, tags FROM customer_search_fields
    WHERE company_id = new.id ORDER BY doc;
END;

CREATE TRIGGER customers_own_search_delete AFTER DELETE ON customers BEGIN
    DELETE FROM customer_own_search WHERE rowid = old.rowid;
END;

CREATE TRIGGER contact_points_own_search_insert AFTER INSERT ON contact_points BEGIN
    DELETE FROM customer_own_search WHERE rowid = (SELECT rowid FROM customers WHERE id = new.customer_id);
    INSERT INTO customer_own_search (rowid, name, company, emails, phones, notes, tags)
    SELECT doc / 128, name, company, emails, phones, notes, tags FROM customer_search_fields WHERE id = new.customer_id;
END;

CREATE TRIGGER contact_points_own_search_update AFTER UPDATE ON contact_points BEGIN
    DELETE FROM customer_own_search WHERE rowid = (SELECT rowid FROM customers WHERE id = new.customer_id);
    INSERT INTO customer_own_search (rowid, name, company, emails, phones, notes, tags)
    SELECT doc / 128, name, company, emails, phones, notes, tags FROM customer_search_fields WHERE id = new.customer_id;
END;

CREATE TRIGGER contact_points_own_search_delete AFTER DELETE ON contact_points BEGIN
    DELETE FROM customer_own_search WHERE rowid = (SELECT rowid FROM customers WHERE id = old.customer_id);
    INSERT INTO customer_own_search (rowid, name, company, emails, phones, notes, tags)
    SELECT doc / 128, name, company, emails, phones, notes, tags FROM customer_search_fields WHERE id = old.customer_id;
END;

CREATE TRIGGER customer_tags_own_search_insert AFTER INSERT ON customer_tags BEGIN
    DELETE FROM customer_own_search WHERE rowid = (SELECT rowid FROM customers WHERE id = new.customer_id);
    INSERT INTO customer_own_search (rowid, name, company, emails, phones, notes, tags)
    SELECT doc / 128, name, company, emails, phones, notes, tags FROM customer_search_fields WHERE id = new.customer_id;
END;

CREATE TRIGGER customer_tags_own_search_delete AFTER DELETE ON customer_tags BEGIN
    DELETE FROM customer_own_search WHERE rowid = (SELECT rowid FROM customers WHERE id = old.customer_id);
    INSERT INTO customer_own_search (rowid, name, company, emails, phones, notes, tags)
    SELECT doc / 128, name, company, emails, phones, notes, tags FROM customer_search_fields WHERE id = old.customer_id;
END;
