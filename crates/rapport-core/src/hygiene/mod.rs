//! Data hygiene: finding duplicate customers, merging them (and undoing a merge), tidying
//! tags, and an audit of data that needs attention.

mod audit;
pub(crate) mod duplicates;
mod merge;
pub mod normalize;
mod redirect;
mod tags;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::customers::{Customer, CustomerSummary};
use crate::error::{Error, Result};

pub use normalize::{region_from_locale, system_region};

/// What the hygiene checks need beyond the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HygieneOptions {
    /// The region national phone numbers are read in ("GB"); `None`: only numbers
    /// written with a country code can be parsed, others compare by their digits.
    pub region: Option<String>,
    /// The audit calls a customer stale after this many days without contact.
    pub stale_days: u32,
}

impl Default for HygieneOptions {
    fn default() -> Self {
        HygieneOptions { region: None, stale_days: DEFAULT_STALE_DAYS }
    }
}

impl HygieneOptions {
    /// The user's locale decides the region (what the CLI and the app use).
    pub fn from_system() -> Self {
        HygieneOptions { region: system_region(), ..Default::default() }
    }

    /// The region, checked: an unknown one is an error naming the field.
    pub(crate) fn region_id(&self) -> Result<Option<phonenumber::country::Id>> {
        match self.region.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            None => Ok(None),
            Some(r) => normalize::parse_region(r).map(Some).ok_or_else(|| {
                Error::invalid("region", format!("`{r}` is not a two-letter country code like GB"))
            }),
        }
    }
}

pub const DEFAULT_STALE_DAYS: u32 = 365;

/// Two customers that look like one person, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DuplicatePair {
    /// The one added first (the suggested survivor).
    pub a: CustomerSummary,
    pub b: CustomerSummary,
    /// In words: "same email ada@example.org", "same phone +442079460958", "same name",
    /// "similar names (initials)".
    pub reasons: Vec<String>,
    /// 0..100: how sure (see `duplicates::score`).
    pub score: u8,
}

/// Which record a single-value field is taken from in a merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PickSide {
    Duplicate,
    Survivor,
}

/// Field name (`name`, `company`, `notes`, `custom.NAME`, …) → which side wins.
pub type Pick = BTreeMap<String, PickSide>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MergeResult {
    pub merge_id: Uuid,
    pub survivor: Customer,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MergeRecord {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub survivor_id: Uuid,
    pub survivor_name: String,
    pub merged_name: String,
    pub undone_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TagUsage {
    pub tag: String,
    /// Live customers carrying it (exactly this spelling).
    pub customers: u32,
}

/// What renaming (or deleting) a tag did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TagChange {
    /// Customers whose tags changed.
    pub customers: u32,
    /// The spellings that were changed ("VIP", "vip": tags compare case-insensitively).
    pub variants: Vec<String>,
    /// The new name was already in use: the two tags are now one.
    pub merged: bool,
}

/// A tag something refers to that no customer carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UnusedTag {
    pub tag: String,
    /// "keep-in-touch cadence", "scoring rule “VIP bonus”".
    pub used_by: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    Stale,
    MissingContact,
    InvalidEmail,
    InvalidPhone,
    InconsistentTag,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditFinding {
    pub kind: AuditKind,
    /// `None` for findings about tags.
    pub customer: Option<CustomerSummary>,
    pub detail: String,
}

/// How many findings of each kind there are (all of them, not only those listed). The
/// same JSON as the contract's `Record<AuditKind, number>`, with every kind present.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditCounts {
    pub stale: u32,
    pub missing_contact: u32,
    pub invalid_email: u32,
    pub invalid_phone: u32,
    pub inconsistent_tag: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditReport {
    /// At most `MAX_FINDINGS`, in kind order, then by customer name.
    pub findings: Vec<AuditFinding>,
    pub counts: AuditCounts,
}

pub const MAX_FINDINGS: usize = 500;
