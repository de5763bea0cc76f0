//! The series behind the Insights charts: open pipeline per stage, the forecast, NPS month
//! by month and purchase cohorts.
//!
//! Months are calendar months in UTC. Every timestamp in the store is written as UTC
//! RFC 3339 (`2026-11-22T10:00:00+00:00`), so its first seven characters are its UTC month;
//! the queries group on that prefix instead of parsing a million timestamps.

use std::collections::BTreeMap;

use chrono::Datelike;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;

use super::{deleted_customers, forecast, nps, ForecastMonth};
use crate::error::{Error, Result};
use crate::pipeline::StageTotal;
use crate::store::Store;

/// How many months of NPS, and how many cohorts, the charts show.
pub const CHART_MONTHS: usize = 12;
/// How many months after its first purchase a cohort is followed.
pub const COHORT_MONTHS: i32 = 6;

/// Feedback scores given in one calendar month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NpsMonth {
    /// "2026-11".
    pub month: String,
    pub responses: u32,
    /// Scores of 9–10.
    pub promoters: u32,
    /// Scores of 0–6.
    pub detractors: u32,
    /// round((promoters − detractors) ÷ responses × 100); `None` without responses.
    pub nps: Option<i32>,
}

/// Customers whose first purchase fell in one month, and how many of them bought again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Cohort {
    /// The first-purchase month, "2026-03".
    pub month: String,
    pub customers: u32,
    /// `retained[i]`: the share (0–1) of the cohort with a purchase in month `month + i + 1`,
    /// for the first six months after it, only for months up to the current one (so the
    /// current month's cohort has none yet).
    pub retained: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct InsightCharts {
    /// Every stage, in pipeline order, even without open deals.
    pub pipeline_by_stage: Vec<StageTotal>,
    /// The weighted forecast by expected-close month (as in `Insights::forecast`).
    pub forecast: Vec<ForecastMonth>,
    /// The last 12 calendar months, oldest first, ending with the current one.
    pub nps_by_month: Vec<NpsMonth>,
    /// The 12 most recent first-purchase months that have customers, oldest first.
    pub cohorts: Vec<Cohort>,
}

/// A calendar month as a count of months since year 0, so months add and subtract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Month(i32);

impl Month {
    fn of(t: chrono::DateTime<chrono::Utc>) -> Month {
        Month(t.year() * 12 + t.month0() as i32)
    }

    /// Reads the "YYYY-MM" a stored timestamp starts with.
    fn parse(s: &str) -> Result<Month> {
        let bad = || Error::Internal(format!("bad month in store `{s}`"));
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        let (y, m): (i32, i32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if !(1..=12).contains(&m) {
            return Err(bad());
        }
        Ok(Month(y * 12 + m - 1))
    }

    fn plus(self, months: i32) -> Month {
        Month(self.0 + months)
    }

    fn label(self) -> String {
        format!("{:04}-{:02}", self.0.div_euclid(12), self.0.rem_euclid(12) + 1)
    }
}

impl Store {
    /// The data behind the Insights charts, as of the store's clock.
    pub async fn insight_charts(&self) -> Result<InsightCharts> {
        let now = self.now();
        let current = Month::of(now);
        // Deleted customers' history doesn't count: their ids, as a JSON array for SQL.
        let deleted = serde_json::to_string(&deleted_customers(self).await?)
            .map_err(|e| Error::Internal(format!("deleted ids: {e}")))?;
        Ok(InsightCharts {
            pipeline_by_stage: self.stage_totals().await?,
            // The forecast ignores the period; only open deals count.
            forecast: forecast::deal_figures(self, now, now).await?.forecast,
            nps_by_month: nps_by_month(self, current, &deleted).await?,
            cohorts: cohorts(self, current, &deleted).await?,
        })
    }
}

async fn nps_by_month(store: &Store, current: Month, deleted: &str) -> Result<Vec<NpsMonth>> {
    let first = current.plus(1 - CHART_MONTHS as i32);
    // Counted in SQL: a dozen rows cross into Rust instead of every response.
    // "YYYY-MM" bounds compare correctly against full timestamps as text.
    let rows = sqlx::query(
        "SELECT substr(occurred_at, 1, 7) AS month, count(*) AS responses,
                sum(score >= 9) AS promoters, sum(score <= 6) AS detractors
         FROM interactions INDEXED BY interactions_kind_cover
         WHERE kind = 'feedback' AND deleted_at IS NULL AND score IS NOT NULL
           AND occurred_at >= ? AND occurred_at < ?
           AND customer_id NOT IN (SELECT value FROM json_each(?))
         GROUP BY month",
    )
    .bind(first.label())
    .bind(current.plus(1).label())
    .bind(deleted)
    .fetch_all(store.pool())
    .await?;
    // (responses, promoters, detractors) per month.
    let mut counts = vec![(0u32, 0u32, 0u32); CHART_MONTHS];
    for r in rows {
        let i = (Month::parse(r.get("month"))?.0 - first.0) as usize;
        if let Some(slot) = counts.get_mut(i) {
            let n = |col: &str| r.get::<i64, _>(col) as u32;
            *slot = (n("responses"), n("promoters"), n("detractors"));
        }
    }
    Ok(counts
        .into_iter()
        .enumerate()
        .map(|(i, (responses, promoters, detractors))| NpsMonth {
            month: first.plus(i as i32).label(),
            responses,
            promoters,
            detractors,
            nps: nps(promoters, detractors, responses),
        })
        .collect())
}

async fn cohorts(store: &Store, current: Month, deleted: &str) -> Result<Vec<Cohort>> {
    // One row per buyer with the months they bought in: grouped in SQL (the index is in
    // customer order), so a fraction of the purchases cross into Rust, without their ids.
    let rows = sqlx::query(
        "SELECT group_concat(substr(occurred_at, 1, 7)) AS months
         FROM interactions INDEXED BY interactions_kind_cover
         WHERE kind = 'purchase' AND deleted_at IS NULL AND occurred_at < ?
           AND customer_id NOT IN (SELECT value FROM json_each(?))
         GROUP BY customer_id",
    )
    .bind(current.plus(1).label())
    .bind(deleted)
    .fetch_all(store.pool())
    .await?;
    // First-purchase month -> (customers, buyers in each of the following months).
    let mut by_cohort: BTreeMap<Month, (u32, [u32; COHORT_MONTHS as usize])> = BTreeMap::new();
    let mut bought = Vec::new();
    for r in &rows {
        bought.clear();
        for m in r.get::<&str, _>("months").split(',') {
            bought.push(Month::parse(m)?);
        }
        bought.sort_unstable();
        bought.dedup();
        let first = bought[0];
        let cohort = by_cohort.entry(first).or_default();
        cohort.0 += 1;
        for m in &bought[1..] {
            let after = m.0 - first.0;
            if after > COHORT_MONTHS {
                break;
            }
            cohort.1[after as usize - 1] += 1;
        }
    }
    let skip = by_cohort.len().saturating_sub(CHART_MONTHS);
    Ok(by_cohort
        .into_iter()
        .skip(skip)
        .map(|(month, (customers, buyers))| {
            let followed = (current.0 - month.0).clamp(0, COHORT_MONTHS) as usize;
            Cohort {
                month: month.label(),
                customers,
                retained: buyers[..followed]
                    .iter()
                    .map(|b| f64::from(*b) / f64::from(customers))
                    .collect(),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::Month;

    #[test]
    fn months_read_add_and_print_across_years() {
        let m = Month::parse("2025-12").unwrap();
        assert_eq!(m.plus(1).label(), "2026-01");
        assert_eq!(m.plus(-11).label(), "2025-01");
        assert_eq!(m.plus(-12).label(), "2024-12");
        assert!(Month::parse("2025-13").is_err() && Month::parse("2025").is_err());
    }
}
