//! The customer list: filters, full-text search, name order (relevance with a search),
//! offset pages with a total.
//!
//! A page is found in two steps: the ids of the page through the `customers_list`
//! covering index (so skipping the rows before `offset` reads no table rows), then the
//! summaries of just those rows.

use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments, Row};
use ts_rs::TS;

use super::read::{summary, SUMMARY_COLUMNS};
use super::{search, CustomerKind, CustomerSummary, LifecycleStage};
use crate::error::Result;
use crate::store::Store;
use crate::text::enum_str;

/// Which customers to list, and which page of them: in name order, or with a `query`
/// best match first (see `customers/search.rs`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct CustomerQuery {
    /// Words, each matching the start of a word in the name, company, emails, phones,
    /// notes, tags or a timeline entry, or a real word within a typo or two; accents and
    /// case are ignored. Never a syntax. With words, the list is in relevance order.
    pub query: Option<String>,
    /// Carries this tag (case-insensitive).
    pub tag: Option<String>,
    pub stage: Option<LifecycleStage>,
    /// Owned by this user (case-insensitive).
    pub owner: Option<String>,
    pub kind: Option<CustomerKind>,
    pub offset: u32,
    /// 0 means the default (100); at most 10,000.
    pub limit: u32,
}

impl CustomerQuery {
    /// Whether this narrows the list beyond the search words (stage, kind, owner, tag).
    pub fn has_filters(&self) -> bool {
        let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
        self.stage.is_some() || self.kind.is_some() || !blank(&self.owner) || !blank(&self.tag)
    }

    /// Whether this lists every customer (no words, no filters), so its total is the store's.
    pub fn is_everyone(&self) -> bool {
        self.query.as_deref().is_none_or(|q| q.trim().is_empty()) && !self.has_filters()
    }
}

/// The name the CLI and older code use for the same thing.
pub type CustomerFilter = CustomerQuery;

/// One page of the customer list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CustomerPage {
    pub items: Vec<CustomerSummary>,
    /// How many customers match the filter (on every page, not just this one); with
    /// `total_is_lower_bound`, at least this many.
    #[ts(type = "number")]
    pub total: u64,
    /// A search counts its matches only up to a round number past the end of the page
    /// asked for ([`COUNT_STEP`] and its multiples: "1,000+"), so a broad word costs no
    /// more than a narrow one. Asking for later pages raises the bound.
    pub total_is_lower_bound: bool,
    pub offset: u32,
}

/// A search's total is exact below this many matches; past it, a lower bound at the next
/// multiple of it beyond the page.
pub const COUNT_STEP: u64 = 1_000;

/// What the list's filters can choose from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CustomerFacets {
    /// Every tag in use, once regardless of case, sorted case-insensitively.
    pub tags: Vec<String>,
    /// Every owner, the same way.
    pub owners: Vec<String>,
}

pub(crate) fn push_arg<T>(args: &mut SqliteArguments<'static>, v: T) -> Result<()>
where
    T: 'static + Send + sqlx::Encode<'static, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    args.add(v).map_err(|e| crate::Error::Internal(format!("binding a filter: {e}")))
}

const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 10_000;

/// The WHERE clause for a filter over `customers c`, its arguments appended to `args`.
/// `words`: one FTS5 expression per search word (`None`: the search is left out).
pub(crate) fn conditions(
    f: &CustomerQuery,
    words: Option<&[String]>,
    args: &mut SqliteArguments<'static>,
) -> Result<String> {
    let mut sql = String::from("c.deleted_at IS NULL");
    if let Some(stage) = &f.stage {
        sql.push_str(" AND c.lifecycle_stage = ?");
        push_arg(args, enum_str(stage))?;
    }
    if let Some(kind) = &f.kind {
        sql.push_str(" AND c.kind = ?");
        push_arg(args, enum_str(kind))?;
    }
    if let Some(owner) = f.owner.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        sql.push_str(" AND c.owner = ? COLLATE NOCASE");
        push_arg(args, owner.to_string())?;
    }
    if let Some(tag) = f.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM customer_tags t WHERE t.customer_id = c.id AND t.tag = ? COLLATE NOCASE)",
        );
        push_arg(args, tag.to_string())?;
    }
    // One set per word, so the words may match in different fields or entries.
    for expr in words.unwrap_or_default() {
        sql.push_str(
            " AND c.rowid IN (SELECT rowid / 128 FROM customer_search WHERE customer_search MATCH ?)",
        );
        push_arg(args, expr.clone())?;
    }
    Ok(sql)
}

fn page_limit(filter: &CustomerQuery) -> u32 {
    if filter.limit == 0 {
        DEFAULT_LIMIT
    } else {
        filter.limit.min(MAX_LIMIT)
    }
}

/// How far a search's page counts: the first multiple of [`COUNT_STEP`] past the page's
/// end, so the count also says whether there is a next page.
fn count_cap(filter: &CustomerQuery) -> u64 {
    let end = u64::from(filter.offset) + u64::from(page_limit(filter));
    (end / COUNT_STEP + 1) * COUNT_STEP
}

impl Store {
    /// One page of customers matching `filter`: in name order, or best match first when
    /// it has a search (see `customers/search.rs`).
    pub async fn list_customers(&self, filter: &CustomerFilter) -> Result<Vec<CustomerSummary>> {
        match self.prepare_search(filter.query.as_deref()).await? {
            Some(search) => Ok(self.search_page(filter, &search, Some(count_cap(filter))).await?.1),
            None => self.name_page(filter).await,
        }
    }

    async fn name_page(&self, filter: &CustomerFilter) -> Result<Vec<CustomerSummary>> {
        let mut args = SqliteArguments::default();
        let cond = conditions(filter, None, &mut args)?;
        push_arg(&mut args, i64::from(page_limit(filter)))?;
        push_arg(&mut args, i64::from(filter.offset))?;
        let sql = format!(
            "WITH page AS (
                SELECT c.id FROM customers c WHERE {cond}
                ORDER BY c.display_name COLLATE NOCASE, c.id LIMIT ? OFFSET ?)
             SELECT {SUMMARY_COLUMNS}
             FROM page CROSS JOIN customers c ON c.id = page.id LEFT JOIN customers co ON co.id = c.company_id
             ORDER BY c.display_name COLLATE NOCASE, c.id"
        );
        let rows = sqlx::query_with(&sql, args).fetch_all(self.pool()).await?;
        rows.iter().map(summary).collect()
    }

    /// A page of a search: the ranked candidates, then (if there are more matches than
    /// were ranked) the rest in name order. Returns the rowids, the summaries and the total
    /// (counted up to `cap`, if given).
    pub(crate) async fn search_page(
        &self,
        filter: &CustomerFilter,
        search: &search::Search,
        cap: Option<u64>,
    ) -> Result<(Vec<i64>, Vec<CustomerSummary>, search::Total)> {
        let (ranked, total) = self.rank(filter, search, cap).await?;
        let (offset, limit) = (filter.offset as usize, page_limit(filter) as usize);
        let mut rowids: Vec<i64> = ranked.rowids.iter().copied().skip(offset).take(limit).collect();
        if !ranked.complete && rowids.len() < limit {
            let mut args = SqliteArguments::default();
            let cond = search::search_conditions(filter, search, &mut args)?;
            let ranked_list =
                ranked.rowids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
            push_arg(&mut args, (limit - rowids.len()) as i64)?;
            push_arg(&mut args, offset.saturating_sub(ranked.rowids.len()) as i64)?;
            // The ranked rowids are our own integers, so they go into the SQL as text.
            let sql = format!(
                "SELECT c.rowid FROM customers c WHERE {cond} AND c.rowid NOT IN ({ranked_list})
                 ORDER BY c.display_name COLLATE NOCASE, c.id LIMIT ? OFFSET ?"
            );
            let rest: Vec<i64> = sqlx::query_scalar_with(&sql, args).fetch_all(self.pool()).await?;
            rowids.extend(rest);
        }
        let items = self.summaries_by_rowid(&rowids).await?;
        Ok((rowids, items, total))
    }

    /// Summaries of `rowids`, in that order.
    async fn summaries_by_rowid(&self, rowids: &[i64]) -> Result<Vec<CustomerSummary>> {
        if rowids.is_empty() {
            return Ok(Vec::new());
        }
        let list = rowids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT c.rowid AS rid, {SUMMARY_COLUMNS}
             FROM customers c LEFT JOIN customers co ON co.id = c.company_id WHERE c.rowid IN ({list})"
        );
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        let mut by_rowid = std::collections::HashMap::with_capacity(rows.len());
        for r in &rows {
            by_rowid.insert(r.get::<i64, _>("rid"), summary(r)?);
        }
        Ok(rowids.iter().filter_map(|r| by_rowid.remove(r)).collect())
    }

    pub(crate) async fn count_matching(
        &self,
        filter: &CustomerFilter,
        words: Option<&[String]>,
    ) -> Result<u64> {
        let mut args = SqliteArguments::default();
        let cond = conditions(filter, words, &mut args)?;
        let sql = format!("SELECT count(*) FROM customers c WHERE {cond}");
        let n: i64 = sqlx::query_scalar_with(&sql, args).fetch_one(self.pool()).await?;
        Ok(n as u64)
    }

    /// How many customers match `filter` (its offset and limit are ignored).
    pub async fn count_customers(&self, filter: &CustomerFilter) -> Result<u64> {
        match self.prepare_search(filter.query.as_deref()).await? {
            Some(search) => self.count_search(filter, &search).await,
            None => self.count_matching(filter, None).await,
        }
    }

    /// A page of the list and the number of customers matching in all.
    pub async fn customer_page(&self, filter: &CustomerFilter) -> Result<CustomerPage> {
        let (items, total) = match self.prepare_search(filter.query.as_deref()).await? {
            Some(search) => {
                let (_, items, total) =
                    self.search_page(filter, &search, Some(count_cap(filter))).await?;
                (items, total)
            }
            None => {
                let n = self.count_matching(filter, None).await?;
                (self.name_page(filter).await?, search::Total { n, lower_bound: false })
            }
        };
        Ok(CustomerPage {
            items,
            total: total.n,
            total_is_lower_bound: total.lower_bound,
            offset: filter.offset,
        })
    }

    pub async fn customer_facets(&self) -> Result<CustomerFacets> {
        // Distinct tags first (few), then one live customer for each, rather than a
        // customer lookup for every tag row.
        let tags: Vec<String> = sqlx::query_scalar(
            "SELECT min(d.tag) FROM (SELECT DISTINCT tag FROM customer_tags) d
             WHERE EXISTS (SELECT 1 FROM customer_tags t JOIN customers c ON c.id = t.customer_id
                           WHERE t.tag = d.tag AND c.deleted_at IS NULL)
             GROUP BY d.tag COLLATE NOCASE ORDER BY 1 COLLATE NOCASE",
        )
        .fetch_all(self.pool())
        .await?;
        let owners = sqlx::query(
            "SELECT min(c.owner) AS owner FROM customers c
             WHERE c.deleted_at IS NULL AND c.owner IS NOT NULL
             GROUP BY c.owner COLLATE NOCASE ORDER BY 1 COLLATE NOCASE",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| r.get("owner"))
        .collect();
        Ok(CustomerFacets { tags, owners })
    }
}
