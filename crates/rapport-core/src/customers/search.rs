//! Search as the customer list uses it: which customers match what was typed, and which
//! come first.
//!
//! A customer matches when every word matches somewhere in their own fields or timeline:
//! as a word prefix, or — for a word no indexed word starts with — as a real word within
//! one or two typos (`crate::search::typo`). Best first, on a bounded candidate set
//! (ranking every match costs ~1 s at 1M rows, DESIGN §9): at most [`CANDIDATES`]
//! customers — every match if they fit, else gathered in tiers (all words in the name, then
//! all in the customer's own fields, both from the small own-fields index of migration 13,
//! then anywhere) — ordered by
//! 1. where: name (an exact word, then a word prefix, then a typo-corrected word), then the
//!    other own fields (company, emails, phones, tags, notes), then the timeline;
//! 2. recency (last contact, newest first), then name.
//!
//! Several words, each of which may match in a different field or entry, are ANDed in the
//! index of one document per customer (migration 17) when it gives the same customers (see
//! [`Search::all`]); one word, in `customer_search` as before.
//!
//! When more customers match than the bound, the ranked ones come first and the rest follow
//! in name order. The list counts matches only up to a cap (see `CustomerPage`), so a
//! broad word stops early instead of being read whole.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteArguments;
use sqlx::Row;

use super::list::{conditions, push_arg};
use super::CustomerQuery;
use crate::error::Result;
use crate::search::query::{self, Word};
use crate::search::{fold, typo};
use crate::store::Store;

/// How many matching customers are ranked at most.
pub const CANDIDATES: usize = 300;

/// How many whole words a prefix is first tried as (see `anywhere_ids`).
const COMPLETIONS: usize = 8;

/// A prepared search: the words, and each word's FTS5 expression (corrections included).
#[derive(Debug, Clone)]
pub(crate) struct Search {
    pub words: Vec<Word>,
    /// Per word, the real words it was widened to (typos).
    pub corrections: Vec<Vec<String>>,
    pub exprs: Vec<String>,
    /// Every word's expression ANDed, for `customer_all_search` (one document per
    /// customer: FTS5 ANDs them itself, reading lazily). `None` for one word, and when a
    /// word is several tokens ("o'brien", "555-12"): that index joins a customer's fields
    /// and entries into one text, where such a phrase could run from one into the next and
    /// find a customer `customer_search` would not.
    pub all: Option<String>,
}

/// Where a search hit matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchField {
    Name,
    Company,
    Email,
    Phone,
    Tags,
    Notes,
    Timeline,
}

impl MatchField {
    const ALL: [(MatchField, &'static str); 7] = [
        (MatchField::Name, "name"),
        (MatchField::Company, "company"),
        (MatchField::Email, "emails"),
        (MatchField::Phone, "phones"),
        (MatchField::Tags, "tags"),
        (MatchField::Notes, "notes"),
        (MatchField::Timeline, "{summary body}"),
    ];
}

/// One customer found by [`Store::search`], best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub customer: super::CustomerSummary,
    /// Where the words matched (any word), in the order of [`MatchField`].
    pub matched_in: Vec<MatchField>,
}

/// How many customers match: `n`, or at least `n` when `lower_bound`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Total {
    pub n: u64,
    pub lower_bound: bool,
}

/// The candidates, best first; `complete` when they are every match.
pub(crate) struct Ranked {
    pub rowids: Vec<i64>,
    pub complete: bool,
}

/// How well a name matches one word: 0 an exact word, 1 a word prefix, 2 a correction,
/// `None` not at all.
fn word_quality(name: &[String], word: &[String], corrections: &[String]) -> Option<u8> {
    let n = word.len();
    let mut best = corrections.iter().any(|c| name.contains(c)).then_some(2);
    for start in 0..(name.len() + 1).saturating_sub(n) {
        if (0..n - 1).any(|k| name[start + k] != word[k]) {
            continue;
        }
        let last = &name[start + n - 1];
        if *last == word[n - 1] {
            return Some(0);
        }
        if last.starts_with(&word[n - 1]) {
            best = Some(1);
        }
    }
    best
}

/// The name tier of a customer: its worst word decides; `None` if a word is not in the name.
pub(crate) fn name_tier(name: &str, search: &Search) -> Option<u8> {
    let tokens = fold::words(name);
    let mut worst = 0;
    for (w, fixes) in search.words.iter().zip(&search.corrections) {
        worst = worst.max(word_quality(&tokens, &w.tokens, fixes)?);
    }
    Some(worst)
}

struct Candidate {
    rowid: i64,
    tier: u8,
    last: Option<String>,
    name: String,
}

impl Store {
    /// The words of `q` and their expressions; `None` when nothing in it is searchable.
    pub(crate) async fn prepare_search(&self, q: Option<&str>) -> Result<Option<Search>> {
        let words = query::parse(q.unwrap_or(""));
        if words.is_empty() {
            return Ok(None);
        }
        let (mut exprs, mut corrections) = (Vec::new(), Vec::new());
        for w in &words {
            let fixes = match w.typo_form() {
                Some(form) => typo::corrections(self.pool(), form).await?,
                None => Vec::new(),
            };
            exprs.push(w.expr(&fixes));
            corrections.push(fixes);
        }
        let all = (words.len() > 1 && words.iter().all(|w| w.tokens.len() == 1))
            .then(|| query::all_of(&exprs, None));
        Ok(Some(Search { words, corrections, exprs, all }))
    }

    /// The best matching customers under `filter`'s other filters (see the module doc),
    /// and how many match: exactly, or with `cap`, at least `cap` once that many are found
    /// (counting stops there).
    pub(crate) async fn rank(
        &self,
        filter: &CustomerQuery,
        search: &Search,
        cap: Option<u64>,
    ) -> Result<(Ranked, Total)> {
        let mut found: Vec<Candidate> = Vec::new();
        let mut seen: HashSet<i64> = HashSet::new();
        // 1. The own-fields index (small, read lazily): all words in the customer's own
        // fields. When they fit the candidates (one query, of the index alone), the name
        // decides their tier; when not, all words in the name come first, then the others.
        // Most searches end here.
        let own = self.own_ids(search, CANDIDATES + 1).await?;
        if own.len() <= CANDIDATES {
            let rows = self.candidate_rows(&own, Some(filter)).await?;
            collect(rows, |name| name_tier(name, search).unwrap_or(3), &mut found, &mut seen);
        } else {
            let name = self.own_rows(filter, search, "name", CANDIDATES + 1).await?;
            collect(name, |name| name_tier(name, search).unwrap_or(2), &mut found, &mut seen);
            if found.len() <= CANDIDATES {
                let limit = CANDIDATES + 1 + found.len();
                let own = self.own_rows(filter, search, query::OWN_COLUMNS, limit).await?;
                collect(own, |_| 3, &mut found, &mut seen);
            }
        }
        if found.len() > CANDIDATES {
            let total = match cap {
                Some(cap) if self.count_own(filter, search, cap).await? >= cap => {
                    Total { n: cap, lower_bound: true }
                }
                Some(cap) => self.count_anywhere(filter, search, cap).await?,
                None => Total { n: self.count_search(filter, search).await?, lower_bound: false },
            };
            return Ok((finish(found, false), total));
        }
        // 2. Fewer own matches than candidates: the timeline too. Which customers become
        // candidates must not depend on the cap (pages asked with different caps must rank
        // alike), so they are the first `limit` matches of the whole words if there are
        // that many, else of the prefixes; the count reads on from there, up to the cap.
        let limit = CANDIDATES + 1 + found.len();
        let fetch = cap.map(|c| c.max(limit as u64));
        let whole = self.whole_words(search).await?;
        let mut matches = None;
        if let Some(whole) = &whole {
            let ids = self.anywhere_ids(filter, whole, None, fetch).await?;
            if ids.len() >= limit {
                let total = match cap {
                    Some(cap) if ids.len() as u64 >= cap => Total { n: cap, lower_bound: true },
                    _ => {
                        let all = self
                            .anywhere_ids(filter, &search.exprs, search.all.as_deref(), cap)
                            .await?;
                        Total { n: all.len() as u64, lower_bound: at_cap(all.len(), cap) }
                    }
                };
                matches = Some((ids, total));
            }
        }
        let (ids, total) = match matches {
            Some(m) => m,
            None => {
                let ids =
                    self.anywhere_ids(filter, &search.exprs, search.all.as_deref(), fetch).await?;
                let total = Total { n: ids.len() as u64, lower_bound: at_cap(ids.len(), cap) };
                (ids, total)
            }
        };
        let rest: Vec<i64> = ids
            .iter()
            .take(limit)
            .copied()
            .filter(|r| !seen.contains(r))
            .take(CANDIDATES + 1 - found.len())
            .collect();
        // Every own match was collected above (their list was not cut short, or the
        // candidates would be full), so these matched only with the timeline's help.
        if !rest.is_empty() {
            let rows = self.candidate_rows(&rest, None).await?;
            collect(rows, |_| 4, &mut found, &mut seen);
        }
        let complete =
            !total.lower_bound && found.len() as u64 >= total.n && found.len() <= CANDIDATES;
        Ok((finish(found, complete), total))
    }

    /// Up to `limit` live customers (under `filter`) with every word in `columns` of their
    /// own document, as the own-fields index yields them.
    async fn own_rows(
        &self,
        filter: &CustomerQuery,
        search: &Search,
        columns: &str,
        limit: usize,
    ) -> Result<Vec<sqlx::sqlite::SqliteRow>> {
        let mut args = SqliteArguments::default();
        push_arg(&mut args, query::all_of(&search.exprs, Some(columns)))?;
        let cond = conditions(filter, None, &mut args)?;
        push_arg(&mut args, limit as i64)?;
        let sql = format!(
            "SELECT c.rowid AS rid, c.display_name, c.last_contacted_at
             FROM (SELECT rowid AS r FROM customer_own_search WHERE customer_own_search MATCH ?) m
             CROSS JOIN customers c ON c.rowid = m.r WHERE {cond} LIMIT ?"
        );
        Ok(sqlx::query_with(&sql, args).fetch_all(self.pool()).await?)
    }

    /// How many live customers (under `filter`) have every word in their own fields, up
    /// to `cap`. Without other filters, in the index alone (deleted customers are few and
    /// come from their own index).
    async fn count_own(&self, filter: &CustomerQuery, search: &Search, cap: u64) -> Result<u64> {
        let mut args = SqliteArguments::default();
        push_arg(&mut args, query::all_of(&search.exprs, Some(query::OWN_COLUMNS)))?;
        let sql = if filter.has_filters() {
            let cond = conditions(filter, None, &mut args)?;
            format!(
                "SELECT count(*) FROM (SELECT 1
                 FROM (SELECT rowid AS r FROM customer_own_search WHERE customer_own_search MATCH ?) m
                 CROSS JOIN customers c ON c.rowid = m.r WHERE {cond} LIMIT ?)"
            )
        } else {
            "SELECT count(*) FROM (SELECT 1 FROM customer_own_search WHERE customer_own_search MATCH ?
             AND rowid NOT IN (SELECT rowid FROM customers WHERE deleted_at IS NOT NULL) LIMIT ?)"
                .to_string()
        };
        push_arg(&mut args, cap as i64)?;
        let n: i64 = sqlx::query_scalar_with(&sql, args).fetch_one(self.pool()).await?;
        Ok(n as u64)
    }

    /// How many customers match anywhere, up to `cap` (see [`Store::rank`]).
    async fn count_anywhere(
        &self,
        filter: &CustomerQuery,
        search: &Search,
        cap: u64,
    ) -> Result<Total> {
        if let Some(whole) = self.whole_words(search).await? {
            if self.anywhere_ids(filter, &whole, None, Some(cap)).await?.len() as u64 >= cap {
                return Ok(Total { n: cap, lower_bound: true });
            }
        }
        let n =
            self.anywhere_ids(filter, &search.exprs, search.all.as_deref(), Some(cap)).await?.len();
        Ok(Total { n: n as u64, lower_bound: at_cap(n, Some(cap)) })
    }

    /// For a single word, the expression of some of its matches that FTS5 reads lazily:
    /// whole words — as typed, its first completions in the typo vocabulary, its
    /// corrections — where a prefix (no prefix index in `customer_search`) makes it merge
    /// every matching word's whole doclist first (~15 ms for a word in 200k timeline
    /// documents). Their matches are a subset, so when they are enough the rest need not be
    /// read. (With more words, each is read whole for the others anyway: `None`.)
    async fn whole_words(&self, search: &Search) -> Result<Option<[String; 1]>> {
        let [word] = search.words.as_slice() else { return Ok(None) };
        let mut words = search.corrections[0].clone();
        if let [token] = word.tokens.as_slice() {
            words.extend(typo::completions(self.pool(), token, COMPLETIONS).await?);
        }
        Ok(Some([word.whole_expr(&words)]))
    }

    /// Live customers (under `filter`) matching every one of `exprs` anywhere (the timeline
    /// included; each may match in a different document), in rowid order, up to `cap`.
    /// With `all` (their AND, see [`Search::all`]), one query of the index of one document
    /// per customer; else driven by the first expression's matches as the index yields
    /// them, the others each read whole.
    async fn anywhere_ids(
        &self,
        filter: &CustomerQuery,
        exprs: &[String],
        all: Option<&str>,
        cap: Option<u64>,
    ) -> Result<Vec<i64>> {
        let limit = cap.map_or(-1, |c| c as i64);
        if let Some(all) = all {
            return self.all_ids(filter, all, limit).await;
        }
        let mut args = SqliteArguments::default();
        push_arg(&mut args, exprs[0].clone())?;
        let sql = if filter.has_filters() {
            let cond = conditions(filter, Some(&exprs[1..]), &mut args)?;
            format!(
                "SELECT c.rowid
                 FROM (SELECT DISTINCT rowid / 128 AS r FROM customer_search WHERE customer_search MATCH ?) m
                 CROSS JOIN customers c ON c.rowid = m.r WHERE {cond} LIMIT ?"
            )
        } else {
            let mut sql = String::from(
                "SELECT DISTINCT rowid / 128 AS r FROM customer_search WHERE customer_search MATCH ?",
            );
            for e in &exprs[1..] {
                sql.push_str(
                    " AND r IN (SELECT rowid / 128 FROM customer_search WHERE customer_search MATCH ?)",
                );
                push_arg(&mut args, e.clone())?;
            }
            sql.push_str(
                " AND r NOT IN (SELECT rowid FROM customers WHERE deleted_at IS NOT NULL) LIMIT ?",
            );
            sql
        };
        push_arg(&mut args, limit)?;
        Ok(sqlx::query_scalar_with(&sql, args).fetch_all(self.pool()).await?)
    }

    /// Live customers (under `filter`) whose one document matches `all`, in rowid order, up
    /// to `limit` (-1: all).
    async fn all_ids(&self, filter: &CustomerQuery, all: &str, limit: i64) -> Result<Vec<i64>> {
        let mut args = SqliteArguments::default();
        let sql = format!("{} LIMIT ?", all_matches(filter, all, &mut args)?);
        push_arg(&mut args, limit)?;
        Ok(sqlx::query_scalar_with(&sql, args).fetch_all(self.pool()).await?)
    }

    /// The ranking columns of those of `rowids` that are live and pass `filter`'s other
    /// filters (the rowids are our own integers, so they go into the SQL as text).
    async fn candidate_rows(
        &self,
        rowids: &[i64],
        filter: Option<&CustomerQuery>,
    ) -> Result<Vec<sqlx::sqlite::SqliteRow>> {
        if rowids.is_empty() {
            return Ok(Vec::new());
        }
        let mut args = SqliteArguments::default();
        let cond = match filter {
            Some(f) => conditions(f, None, &mut args)?,
            None => "1".to_string(),
        };
        let list = rowids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT c.rowid AS rid, c.display_name, c.last_contacted_at FROM customers c
             WHERE c.rowid IN ({list}) AND {cond} ORDER BY c.rowid"
        );
        Ok(sqlx::query_with(&sql, args).fetch_all(self.pool()).await?)
    }

    /// Up to `limit` customers (deleted ones too) with every word in their own fields, in
    /// rowid order, from the own-fields index alone.
    async fn own_ids(&self, search: &Search, limit: usize) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT rowid FROM customer_own_search WHERE customer_own_search MATCH ? LIMIT ?",
        )
        .bind(query::all_of(&search.exprs, Some(query::OWN_COLUMNS)))
        .bind(limit as i64)
        .fetch_all(self.pool())
        .await?)
    }

    /// How many customers match, exactly. Without other filters, counted in the index
    /// alone (the customers' rows are read only for the few deleted ones), which for a
    /// broad word is several times cheaper than looking up every match.
    pub(crate) async fn count_search(
        &self,
        filter: &CustomerQuery,
        search: &Search,
    ) -> Result<u64> {
        if let Some(all) = &search.all {
            let mut args = SqliteArguments::default();
            let sql = format!("SELECT count(*) FROM ({})", all_matches(filter, all, &mut args)?);
            let n: i64 = sqlx::query_scalar_with(&sql, args).fetch_one(self.pool()).await?;
            return Ok(n as u64);
        }
        if filter.has_filters() {
            return self.count_matching(filter, Some(&search.exprs)).await;
        }
        let sets = vec![
            "SELECT rowid / 128 FROM customer_search WHERE customer_search MATCH ?";
            search.exprs.len()
        ]
        .join(" INTERSECT ");
        let sql = format!(
            "WITH m(r) AS MATERIALIZED ({sets})
             SELECT (SELECT count(DISTINCT r) FROM m)
                  - (SELECT count(*) FROM customers c WHERE c.deleted_at IS NOT NULL AND c.rowid IN m)"
        );
        let mut q = sqlx::query_scalar::<_, i64>(&sql);
        for e in &search.exprs {
            q = q.bind(e.clone());
        }
        Ok(q.fetch_one(self.pool()).await?.max(0) as u64)
    }

    /// Up to `limit` customers matching `q`, best first, with where each matched (the
    /// CLI's `search`). An empty or unsearchable `q` finds nothing.
    pub async fn search(&self, q: &str, limit: u32) -> Result<(Vec<SearchHit>, u64)> {
        let filter = CustomerQuery { query: Some(q.into()), limit, ..Default::default() };
        let Some(search) = self.prepare_search(Some(q)).await? else {
            return Ok((Vec::new(), 0));
        };
        let (rowids, items, total) = self.search_page(&filter, &search, None).await?;
        let mut hits = Vec::with_capacity(items.len());
        for (rowid, customer) in rowids.into_iter().zip(items) {
            let mut matched_in = Vec::new();
            for (field, columns) in MatchField::ALL {
                let (lo, hi) = if field == MatchField::Timeline {
                    (rowid * 128 + 1, rowid * 128 + 127)
                } else {
                    (rowid * 128, rowid * 128)
                };
                let hit: bool = sqlx::query_scalar(
                    "SELECT EXISTS (SELECT 1 FROM customer_search
                     WHERE customer_search MATCH ? AND rowid BETWEEN ? AND ?)",
                )
                .bind(query::any_of_in(&search.exprs, columns))
                .bind(lo)
                .bind(hi)
                .fetch_one(self.pool())
                .await?;
                if hit {
                    matched_in.push(field);
                }
            }
            hits.push(SearchHit { customer, matched_in });
        }
        Ok((hits, total.n))
    }
}

/// The rowids of the live customers (under `filter`) whose one document (migration 17)
/// matches `all`, in rowid order, as the index yields them. Without other filters the
/// customers' rows are read only for the few deleted ones.
fn all_matches(
    filter: &CustomerQuery,
    all: &str,
    args: &mut SqliteArguments<'static>,
) -> Result<String> {
    push_arg(args, all.to_string())?;
    if !filter.has_filters() {
        return Ok("SELECT rowid FROM customer_all_search WHERE customer_all_search MATCH ?
             AND rowid NOT IN (SELECT rowid FROM customers WHERE deleted_at IS NOT NULL)"
            .to_string());
    }
    let cond = conditions(filter, None, args)?;
    Ok(format!(
        "SELECT c.rowid
         FROM (SELECT rowid AS r FROM customer_all_search WHERE customer_all_search MATCH ?) m
         CROSS JOIN customers c ON c.rowid = m.r WHERE {cond}"
    ))
}

/// The WHERE clause of a search under `filter` over `customers c` (for the customers past
/// the ranked ones, in name order): the words' AND in one set when [`Search::all`] allows.
pub(crate) fn search_conditions(
    filter: &CustomerQuery,
    search: &Search,
    args: &mut SqliteArguments<'static>,
) -> Result<String> {
    let Some(all) = &search.all else { return conditions(filter, Some(&search.exprs), args) };
    let cond = conditions(filter, None, args)?;
    push_arg(args, all.clone())?;
    Ok(format!(
        "{cond} AND c.rowid IN (SELECT rowid FROM customer_all_search WHERE customer_all_search MATCH ?)"
    ))
}

/// Whether `n` matches reached `cap` (so there may be more).
fn at_cap(n: usize, cap: Option<u64>) -> bool {
    cap.is_some_and(|c| n as u64 >= c)
}

/// Adds the customers of `rows` not seen yet, in tier `tier(name)`.
fn collect(
    rows: Vec<sqlx::sqlite::SqliteRow>,
    tier: impl Fn(&str) -> u8,
    found: &mut Vec<Candidate>,
    seen: &mut HashSet<i64>,
) {
    for r in rows {
        let rowid: i64 = r.get("rid");
        if !seen.insert(rowid) {
            continue;
        }
        let name: String = r.get("display_name");
        found.push(Candidate { rowid, tier: tier(&name), last: r.get("last_contacted_at"), name });
    }
}

fn finish(mut found: Vec<Candidate>, complete: bool) -> Ranked {
    found.sort_by(|a, b| {
        a.tier
            .cmp(&b.tier)
            // Newest contact first; never contacted last.
            .then_with(|| b.last.cmp(&a.last))
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then_with(|| a.rowid.cmp(&b.rowid))
    });
    found.truncate(CANDIDATES);
    Ranked { rowids: found.into_iter().map(|c| c.rowid).collect(), complete }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tier(name: &str, q: &str) -> Option<u8> {
        let words = query::parse(q);
        let corrections = vec![vec!["dubois".to_string()]; words.len()];
        name_tier(name, &Search { exprs: Vec::new(), words, corrections, all: None })
    }

    #[test]
    fn exact_words_before_prefixes_before_typos() {
        assert_eq!(tier("Anna Müller", "anna"), Some(0));
        assert_eq!(tier("Anna Müller", "MULLER anna"), Some(0));
        assert_eq!(tier("Annabelle Roth", "anna"), Some(1));
        assert_eq!(tier("Anna Müller", "anna mü"), Some(1), "the worst word decides");
        assert_eq!(tier("Amélie Dubois", "dubios"), Some(2), "corrected to dubois");
        assert_eq!(tier("Sean O'Brien", "o'bri"), Some(1));
        assert_eq!(tier("Sean O'Brien", "o'brien"), Some(0));
        assert_eq!(tier("Anna Müller", "anna berg"), None, "berg is not in the name");
    }
}
