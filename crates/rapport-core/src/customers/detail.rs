//! Everything the customer page shows, in one call.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::Customer;
use crate::deals::Deal;
use crate::error::Result;
use crate::followups::{Followup, FollowupScope};
use crate::scoring::LeadScore;
use crate::store::Store;
use crate::timeline::Interaction;

/// How many timeline entries the page gets (newest first).
pub const DETAIL_TIMELINE: u32 = 200;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CustomerDetail {
    pub customer: Customer,
    /// Newest first, at most `DETAIL_TIMELINE` entries.
    pub timeline: Vec<Interaction>,
    /// Open ones, the earliest (snoozed-until or due) first.
    pub followups: Vec<Followup>,
    /// All statuses, newest first.
    pub deals: Vec<Deal>,
    /// `None` while the team has no scoring rules (a score would mean nothing).
    pub score: Option<LeadScore>,
}

impl Store {
    pub async fn customer_detail(&self, id: Uuid) -> Result<CustomerDetail> {
        let customer = self.get_customer(id).await?;
        let id = customer.id; // a merged customer's id leads to the survivor
        let timeline = self.timeline(id, DETAIL_TIMELINE).await?;
        let followups = self.list_followups(FollowupScope::Open, Some(id)).await?;
        let deals = self.customer_deals(id).await?;
        let score = if self.scoring_rules().await?.is_empty() {
            None
        } else {
            Some(self.lead_score(id).await?)
        };
        Ok(CustomerDetail { customer, timeline, followups, deals, score })
    }
}
