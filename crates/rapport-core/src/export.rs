//! Full JSON export (DESIGN §6): one object with an array per kind of record.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::customers::{Customer, CustomerFilter};
use crate::deals::{Deal, PipelineStage};
use crate::error::Result;
use crate::followups::{Followup, FollowupScope};
use crate::migrate::SCHEMA_VERSION;
use crate::store::Store;
use crate::timeline::Interaction;

#[derive(Debug, Serialize)]
pub struct Export {
    pub format: &'static str,
    pub schema_version: i64,
    pub exported_at: DateTime<Utc>,
    pub customers: Vec<Customer>,
    pub interactions: Vec<Interaction>,
    pub followups: Vec<Followup>,
    pub deals: Vec<Deal>,
    pub pipeline_stages: Vec<PipelineStage>,
}

impl Store {
    /// Everything in the store, or everything about one customer.
    pub async fn export(&self, only: Option<Uuid>) -> Result<Export> {
        let ids: Vec<Uuid> = match only {
            Some(id) => vec![id],
            None => {
                let mut ids = Vec::new();
                let mut offset = 0;
                loop {
                    let page = self
                        .list_customers(&CustomerFilter {
                            limit: 10_000,
                            offset,
                            ..Default::default()
                        })
                        .await?;
                    if page.is_empty() {
                        break;
                    }
                    offset += page.len() as u32;
                    ids.extend(page.into_iter().map(|c| c.id));
                }
                ids
            }
        };
        let mut customers = Vec::with_capacity(ids.len());
        let mut interactions = Vec::new();
        for id in &ids {
            customers.push(self.get_customer(*id).await?);
            interactions.extend(self.timeline(*id, 10_000).await?);
        }
        let followups = self.list_followups(FollowupScope::All, only).await?;
        let deals = self
            .list_deals()
            .await?
            .into_iter()
            .filter(|d| only.is_none_or(|id| d.customer_id == id))
            .collect();
        Ok(Export {
            format: "rapport-export",
            schema_version: SCHEMA_VERSION,
            exported_at: self.now(),
            customers,
            interactions,
            followups,
            deals,
            pipeline_stages: self.pipeline_stages().await?,
        })
    }
}
