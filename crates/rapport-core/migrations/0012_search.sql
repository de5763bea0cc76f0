-- Typo-tolerant search: a vocabulary of the words in `customer_search` (migration 7) with a
-- deletion neighbourhood, so a typed word finds the real words within one or two edits
-- ("dubios" -> "dubois") with a few index lookups instead of a scan of every word.
--
-- Only words a typo can reach are kept: 3 to 24 characters, no digits (order numbers, phone
-- numbers and email local parts with numbers are matched exactly or by prefix, never
-- "corrected"). Terms are as the tokenizer wrote them: lower case, accents removed.
CREATE TABLE search_terms (term TEXT PRIMARY KEY) WITHOUT ROWID;

-- key = the term itself, the term with one character deleted, and for terms of 8 or more
-- characters (the only ones a two-edit typo can reach from a longer or equal word) with two
-- deleted. A typed word W is within the edit bound of a term T when a deletion of W (at most
-- as many as the bound) equals a key of T; candidates are then checked exactly in Rust.
CREATE TABLE search_term_keys (
    key TEXT NOT NULL,
    term TEXT NOT NULL,
    PRIMARY KEY (key, term)
) WITHOUT ROWID;

-- Character positions 1..24, to delete characters without recursive CTEs (not allowed in
-- triggers).
CREATE TABLE search_positions (i INTEGER PRIMARY KEY);
INSERT INTO search_positions (i) VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11),
    (12), (13), (14), (15), (16), (17), (18), (19), (20), (21), (22), (23), (24);

CREATE TRIGGER search_terms_keys AFTER INSERT ON search_terms BEGIN
    INSERT OR IGNORE INTO search_term_keys (key, term) VALUES (new.term, new.term);
    INSERT OR IGNORE INTO search_term_keys (key, term)
    SELECT substr(new.term, 1, p.i - 1) || substr(new.term, p.i + 1), new.term
    FROM search_positions p WHERE p.i <= length(new.term);
    INSERT OR IGNORE INTO search_term_keys (key, term)
    SELECT substr(new.term, 1, a.i - 1) || substr(new.term, a.i + 1, b.i - a.i - 1)
           || substr(new.term, b.i + 1), new.term
    FROM search_positions a JOIN search_positions b ON b.i > a.i
    WHERE length(new.term) >= 8 AND b.i <= length(new.term);
END;

CREATE TRIGGER search_terms_forget AFTER DELETE ON search_terms BEGIN
    DELETE FROM search_term_keys WHERE term = old.term AND key IN (
        SELECT old.term
        UNION ALL
        SELECT substr(old.term, 1, p.i - 1) || substr(old.term, p.i + 1)
        FROM search_positions p WHERE p.i <= length(old.term)
        UNION ALL
        SELECT substr(old.term, 1, a.i - 1) || substr(old.term, a.i + 1, b.i - a.i - 1)
               || substr(old.term, b.i + 1)
        FROM search_positions a JOIN search_positions b ON b.i > a.i
        WHERE length(old.term) >= 8 AND b.i <= length(old.term));
END;

-- The words of the index (read by term: a lookup, not a scan), and as it is now.
CREATE VIRTUAL TABLE customer_search_vocab USING fts5vocab(customer_search, 'row');
INSERT INTO search_terms (term)
SELECT term FROM customer_search_vocab
WHERE length(term) BETWEEN 3 AND 24 AND term NOT GLOB '*[0-9]*';

-- New text waits here, tokenized by the same tokenizer as `customer_search`, until the
-- write's transaction commits (`Change::commit` moves its new words into `search_terms` and
-- empties it), so a bulk write pays for one vocabulary pass, not one per row.
CREATE VIRTUAL TABLE search_terms_pending USING fts5 (
    text, content = '', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE search_terms_pending_vocab USING fts5vocab(search_terms_pending, 'row');

CREATE TRIGGER customers_terms_insert AFTER INSERT ON customers BEGIN
    INSERT INTO search_terms_pending (text) VALUES (new.display_name || ' ' || coalesce(new.notes, ''));
END;
CREATE TRIGGER customers_terms_update AFTER UPDATE OF display_name, notes ON customers BEGIN
    INSERT INTO search_terms_pending (text) VALUES (new.display_name || ' ' || coalesce(new.notes, ''));
END;
CREATE TRIGGER contact_points_terms_insert AFTER INSERT ON contact_points BEGIN
    INSERT INTO search_terms_pending (text) VALUES (new.value);
END;
CREATE TRIGGER contact_points_terms_update AFTER UPDATE OF value ON contact_points BEGIN
    INSERT INTO search_terms_pending (text) VALUES (new.value);
END;
CREATE TRIGGER customer_tags_terms_insert AFTER INSERT ON customer_tags BEGIN
    INSERT INTO search_terms_pending (text) VALUES (new.tag);
END;
CREATE TRIGGER interactions_terms_insert AFTER INSERT ON interactions BEGIN
    INSERT INTO search_terms_pending (text) VALUES (new.summary || ' ' || coalesce(new.body, ''));
END;
CREATE TRIGGER interactions_terms_update AFTER UPDATE OF summary, body ON interactions BEGIN
    INSERT INTO search_terms_pending (text) VALUES (new.summary || ' ' || coalesce(new.body, ''));
END;

-- Counting a search's matches in the index alone subtracts the (few) deleted customers.
CREATE INDEX customers_deleted ON customers (deleted_at) WHERE deleted_at IS NOT NULL;
