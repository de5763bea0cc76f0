//! What a file reader (CSV, vCard) hands to the import engine: one customer read from one
//! row or card, with where each value came from, so a report can name the row and column.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::customers::{
    Address, Channel, CustomerKind, ImportantDate, KeyFact, Labeled, LifecycleStage, QuietHours,
};
use crate::dates::PersonalDate;

/// A photo read from a vCard (decoded bytes, under the import's size cap).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    /// `image/jpeg`, `image/png`, …
    pub mime: String,
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The row can't be imported as it is.
    Error,
    /// Imported, but the user should know (a value dropped, a date read one way).
    Warning,
}

/// A problem with one row, said where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RowIssue {
    /// 1-based line of the file where the row starts (CSV; the header is line 1), or the
    /// 1-based position of the card (vCard).
    #[ts(type = "number")]
    pub row: u64,
    /// The source column (CSV header) or property (vCard `BDAY`), when one is to blame.
    pub column: Option<String>,
    /// The Rapport field it was meant for (`birthday`, `emails`), when known.
    pub field: Option<String>,
    pub severity: Severity,
    pub message: String,
}

/// One customer as read from a file: every field Rapport stores, all optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportRecord {
    /// See [`RowIssue::row`].
    pub row: u64,
    /// Rapport field → the source column or property it came from (for issue locations).
    pub sources: BTreeMap<String, String>,
    /// The id the source system gave this contact (Salesforce Id, HubSpot Record ID, vCard
    /// UID): re-importing matches on it first.
    pub external_id: Option<String>,
    /// A Rapport customer id (a column Rapport's own CSV export writes): matched before
    /// anything else, so exporting and re-importing finds the same customers.
    #[serde(default)]
    pub rapport_id: Option<uuid::Uuid>,
    pub kind: Option<CustomerKind>,
    pub display_name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// A person's company, by name (linked to or created as a company customer).
    pub company: Option<String>,
    pub title: Option<String>,
    pub emails: Vec<Labeled>,
    pub phones: Vec<Labeled>,
    pub addresses: Vec<Address>,
    pub tags: Vec<String>,
    pub custom_fields: BTreeMap<String, String>,
    pub lifecycle_stage: Option<LifecycleStage>,
    pub lead_source: Option<String>,
    pub owner: Option<String>,
    pub birthday: Option<PersonalDate>,
    pub important_dates: Vec<ImportantDate>,
    pub key_facts: Vec<KeyFact>,
    pub how_we_met: Option<String>,
    pub preferred_channel: Option<Channel>,
    pub quiet_hours: Option<QuietHours>,
    pub keep_in_touch_days: Option<u32>,
    pub keep_in_touch_max_days: Option<u32>,
    pub notes: Option<String>,
    pub photo: Option<Photo>,
    /// What the reader found wrong or doubtful in this row.
    pub issues: Vec<RowIssue>,
}

impl ImportRecord {
    /// Whether the reader found a problem that stops this row from being imported.
    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.severity == Severity::Error)
    }
}
