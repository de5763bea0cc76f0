//! Search as the customer list uses it: which customers match what was typed, and which
//! come first.
//!
//! A customer matches when every word matches somewhere in their own fields or timeline:
//! as a word prefix, or — for a word no indexed word starts with — as a real word within
//! one or two typos (`crate::search::typo`). Best first, on a bounded candidate set
//! (ranking every match costs ~1 s at 1M rows, DESIGN §9): at most [`CANDIDATES`]
//! customers — every match if they fit, else gathered in tiers (all words in the name, then
//! all in the customer's own fields, then anywhere) — ordered by
//! 1. where: name (an exact word, then a word prefix, then a typo-corrected word), then the
//!    other own fields (company, emails, phones, tags, notes), then the timeline;
//! 2. recency (last contact, newest first), then name.
//!
//! When more customers match than the bound, the ranked ones come first and the rest follow
//! in name order.

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

/// A prepared search: the words, and each word's FTS5 expression (corrections included).
#[derive(Debug, Clone)]
pub(crate) struct Search {
    pub words: Vec<Word>,
    /// Per word, the real words it was widened to (typos).
    pub corrections: Vec<Vec<String>>,
    pub exprs: Vec<String>,
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
        Ok(Some(Search { words, corrections, exprs }))
    }

    /// The best matching customers under `filter`'s other filters (see the module doc),
    /// and how many match in all.
    pub(crate) async fn rank(
        &self,
        filter: &CustomerQuery,
        search: &Search,
    ) -> Result<(Ranked, u64)> {
        let total = self.count_search(filter, search).await?;
        let mut found: Vec<Candidate> = Vec::new();
        let mut seen: HashSet<i64> = HashSet::new();
        if total as usize <= CANDIDATES {
            // Every match is ranked: fetch them all, then tell own-field matches from
            // timeline-only ones with one FTS query (no row lookups).
            let rows = self.anywhere(filter, search, CANDIDATES + 1).await?;
            let list = rows.iter().map(|r| r.get::<i64, _>("rid").to_string()).collect::<Vec<_>>();
            let own: HashSet<i64> = if list.is_empty() {
                HashSet::new()
            } else {
                let sql = format!(
                    "SELECT r FROM (SELECT rowid / 128 AS r FROM customer_search WHERE customer_search MATCH ?)
                     WHERE r IN ({})",
                    list.join(", ")
                );
                sqlx::query_scalar(&sql)
                    .bind(query::all_of(&search.exprs, Some(query::OWN_COLUMNS)))
                    .fetch_all(self.pool())
                    .await?
                    .into_iter()
                    .collect()
            };
            let complete = rows.len() <= CANDIDATES;
            for r in rows {
                let rowid: i64 = r.get("rid");
                let name: String = r.get("display_name");
                let tier =
                    if own.contains(&rowid) { name_tier(&name, search).unwrap_or(3) } else { 4 };
                if seen.insert(rowid) {
                    found.push(Candidate { rowid, tier, last: r.get("last_contacted_at"), name });
                }
            }
            return Ok((finish(found, complete), if complete { seen.len() as u64 } else { total }));
        }
        // More than the bound: take candidates tier by tier — all words in the name, then in
        // the customer's own fields (one FTS query each over the customers' own documents),
        // then anywhere.
        for (stage, columns) in [(0u8, "name"), (3, query::OWN_COLUMNS)] {
            let mut args = SqliteArguments::default();
            push_arg(&mut args, query::all_of(&search.exprs, Some(columns)))?;
            let cond = conditions(filter, None, &mut args)?;
            push_arg(&mut args, (CANDIDATES + 1) as i64)?;
            let sql = format!(
                "SELECT c.rowid AS rid, c.display_name, c.last_contacted_at
                 FROM (SELECT rowid / 128 AS r FROM customer_search WHERE customer_search MATCH ?) m
                 CROSS JOIN customers c ON c.rowid = m.r WHERE {cond} LIMIT ?"
            );
            let rows = sqlx::query_with(&sql, args).fetch_all(self.pool()).await?;
            self.collect(rows, stage, search, &mut found, &mut seen)?;
            if found.len() > CANDIDATES {
                return Ok((finish(found, false), total));
            }
        }
        let rows = self.anywhere(filter, search, CANDIDATES + 1 + found.len()).await?;
        self.collect(rows, 4, search, &mut found, &mut seen)?;
        Ok((finish(found, false), total))
    }

    /// Up to `limit` customers matching every word anywhere (the timeline included; each
    /// word may match in a different document). Driven by the first word's matches as the
    /// index yields them, so a broad word stops at `limit` instead of being read whole.
    async fn anywhere(
        &self,
        filter: &CustomerQuery,
        search: &Search,
        limit: usize,
    ) -> Result<Vec<sqlx::sqlite::SqliteRow>> {
        let mut args = SqliteArguments::default();
        push_arg(&mut args, search.exprs[0].clone())?;
        let cond = conditions(filter, Some(&search.exprs[1..]), &mut args)?;
        push_arg(&mut args, limit as i64)?;
        let sql = format!(
            "SELECT c.rowid AS rid, c.display_name, c.last_contacted_at
             FROM (SELECT DISTINCT rowid / 128 AS r FROM customer_search WHERE customer_search MATCH ?) m
             CROSS JOIN customers c ON c.rowid = m.r WHERE {cond} LIMIT ?"
        );
        Ok(sqlx::query_with(&sql, args).fetch_all(self.pool()).await?)
    }

    /// How many customers match. Without other filters, counted in the index alone (the
    /// customers' rows are read only for the few deleted ones), which for a broad word is
    /// several times cheaper than looking up every match.
    pub(crate) async fn count_search(
        &self,
        filter: &CustomerQuery,
        search: &Search,
    ) -> Result<u64> {
        let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
        if filter.stage.is_some()
            || filter.kind.is_some()
            || !blank(&filter.owner)
            || !blank(&filter.tag)
        {
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

    fn collect(
        &self,
        rows: Vec<sqlx::sqlite::SqliteRow>,
        stage: u8,
        search: &Search,
        found: &mut Vec<Candidate>,
        seen: &mut HashSet<i64>,
    ) -> Result<()> {
        for r in rows {
            let rowid: i64 = r.get("rid");
            if !seen.insert(rowid) {
                continue;
            }
            let name: String = r.get("display_name");
            let tier = if stage == 0 { name_tier(&name, search).unwrap_or(2) } else { stage };
            found.push(Candidate { rowid, tier, last: r.get("last_contacted_at"), name });
        }
        Ok(())
    }

    /// Up to `limit` customers matching `q`, best first, with where each matched (the
    /// CLI's `search`). An empty or unsearchable `q` finds nothing.
    pub async fn search(&self, q: &str, limit: u32) -> Result<(Vec<SearchHit>, u64)> {
        let filter = CustomerQuery { query: Some(q.into()), limit, ..Default::default() };
        let Some(search) = self.prepare_search(Some(q)).await? else {
            return Ok((Vec::new(), 0));
        };
        let (rowids, items, total) = self.search_page(&filter, &search).await?;
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
        Ok((hits, total))
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
        name_tier(name, &Search { exprs: Vec::new(), words, corrections })
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
