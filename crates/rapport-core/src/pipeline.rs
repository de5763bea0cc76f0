//! The pipeline board: stages in order, the open deals in them, and each stage's totals.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;

use crate::deals::{Deal, PipelineStage};
use crate::error::Result;
use crate::money::Money;
use crate::store::Store;

/// How many deals a stage holds and what they are worth, per currency (never summed
/// across currencies).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StageTotal {
    pub stage: String,
    pub deals: u32,
    /// One amount per currency, sorted by currency code.
    pub value: Vec<Money>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Pipeline {
    pub stages: Vec<PipelineStage>,
    /// Open deals only, by stage position then age (oldest first).
    pub deals: Vec<Deal>,
    /// One per stage, in stage order (empty stages too).
    pub totals: Vec<StageTotal>,
}

impl Store {
    pub async fn pipeline(&self) -> Result<Pipeline> {
        let stages = self.pipeline_stages().await?;
        let deals = self.open_deals().await?;
        let totals = self.stage_totals().await?;
        Ok(Pipeline { stages, deals, totals })
    }

    /// Open deals per stage and currency: every stage, in pipeline order. Deals of deleted
    /// customers don't count (as in the forecast).
    pub async fn stage_totals(&self) -> Result<Vec<StageTotal>> {
        let rows = sqlx::query(
            "SELECT s.id, s.name, d.currency, count(d.id) AS deals, sum(d.value_minor) AS total
             FROM pipeline_stages s
             LEFT JOIN deals d ON d.stage_id = s.id AND d.status = 'open' AND d.deleted_at IS NULL
                 AND NOT EXISTS (SELECT 1 FROM customers c
                                 WHERE c.id = d.customer_id AND c.deleted_at IS NOT NULL)
             GROUP BY s.id, d.currency
             ORDER BY s.position, s.id, d.currency",
        )
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<StageTotal> = Vec::new();
        let mut last_id = String::new();
        for r in rows {
            let id: String = r.get("id");
            if out.is_empty() || id != last_id {
                out.push(StageTotal { stage: r.get("name"), deals: 0, value: Vec::new() });
                last_id = id;
            }
            let stage = out.last_mut().expect("pushed above");
            if let Some(currency) = r.get::<Option<String>, _>("currency") {
                stage.deals += r.get::<i64, _>("deals") as u32;
                stage.value.push(Money { minor: r.get("total"), currency });
            }
        }
        Ok(out)
    }
}
