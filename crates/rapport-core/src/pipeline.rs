//! The pipeline board: stages in order, the open deals in them, and each stage's totals.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
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

/// Totals of `deals` for each of `stages`, in stage order; deals in no listed stage are
/// left out.
pub fn stage_totals(stages: &[PipelineStage], deals: &[Deal]) -> Vec<StageTotal> {
    stages
        .iter()
        .map(|s| {
            let mut sums: BTreeMap<&str, i64> = BTreeMap::new();
            let mut count = 0;
            for d in deals.iter().filter(|d| d.stage == s.name) {
                count += 1;
                let sum = sums.entry(d.value.currency.as_str()).or_default();
                *sum = sum.saturating_add(d.value.minor);
            }
            StageTotal {
                stage: s.name.clone(),
                deals: count,
                value: sums
                    .into_iter()
                    .map(|(currency, minor)| Money { minor, currency: currency.to_string() })
                    .collect(),
            }
        })
        .collect()
}

impl Store {
    pub async fn pipeline(&self) -> Result<Pipeline> {
        let stages = self.pipeline_stages().await?;
        let deals = self.open_deals().await?;
        let totals = stage_totals(&stages, &deals);
        Ok(Pipeline { stages, deals, totals })
    }
}
