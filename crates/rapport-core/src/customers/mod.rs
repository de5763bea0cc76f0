//! Customers: people and companies, with their contact data and personal memory.

mod detail;
mod edit;
mod list;
mod read;
pub mod search;
mod write;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::dates::PersonalDate;

pub use detail::CustomerDetail;
pub(crate) use edit::column;
pub use edit::EDITABLE_FIELDS;
pub use list::{CustomerFacets, CustomerFilter, CustomerPage, CustomerQuery, COUNT_STEP};
pub(crate) use write::{add_tag, insert, remove_tag, write_contact_points};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CustomerKind {
    Person,
    Company,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleStage {
    #[default]
    Lead,
    Prospect,
    Customer,
    Former,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Phone,
    Sms,
    Whatsapp,
    InPerson,
}

/// An email address or phone number with an optional label ("work", "home").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Labeled {
    pub label: Option<String>,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Address {
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub street: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
}

/// An anniversary or other date that matters to the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ImportantDate {
    pub label: String,
    #[ts(type = "string")]
    pub date: PersonalDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    Family,
    Pet,
    Favourite,
    Other,
}

/// Something worth remembering: "daughter Mia, 7", "dog Rex", "loves the dark roast".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct KeyFact {
    pub kind: FactKind,
    pub label: String,
    pub value: String,
}

/// Local times of day ("22:00" to "07:00") when the person should not be contacted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct QuietHours {
    pub start: String,
    pub end: String,
}

/// Everything about one customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Customer {
    pub id: Uuid,
    pub kind: CustomerKind,
    pub display_name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub company_id: Option<Uuid>,
    pub company_name: Option<String>,
    pub title: Option<String>,
    pub emails: Vec<Labeled>,
    pub phones: Vec<Labeled>,
    pub addresses: Vec<Address>,
    pub tags: Vec<String>,
    pub custom_fields: BTreeMap<String, String>,
    pub lifecycle_stage: LifecycleStage,
    pub lead_source: Option<String>,
    pub owner: Option<String>,
    #[ts(type = "string | null")]
    pub birthday: Option<PersonalDate>,
    pub important_dates: Vec<ImportantDate>,
    pub key_facts: Vec<KeyFact>,
    pub how_we_met: Option<String>,
    pub preferred_channel: Option<Channel>,
    pub quiet_hours: Option<QuietHours>,
    pub keep_in_touch_days: Option<u32>,
    /// Overdue after this many days (due soon after `keep_in_touch_days`).
    pub keep_in_touch_max_days: Option<u32>,
    pub notes: Option<String>,
    pub last_contacted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One row of the customer list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CustomerSummary {
    pub id: Uuid,
    pub kind: CustomerKind,
    pub display_name: String,
    pub company_name: Option<String>,
    pub primary_email: Option<String>,
    pub primary_phone: Option<String>,
    pub tags: Vec<String>,
    pub lifecycle_stage: LifecycleStage,
    pub owner: Option<String>,
    pub last_contacted_at: Option<DateTime<Utc>>,
}

/// What it takes to add a customer (from the app's form, the CLI or an import).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct NewCustomer {
    pub kind: Option<CustomerKind>,
    pub name: String,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    /// A company's name: linked to the existing company of that name, or created.
    pub company: Option<String>,
    pub title: Option<String>,
    pub tags: Vec<String>,
    /// `YYYY-MM-DD`, or `--MM-DD` when the year is unknown.
    pub birthday: Option<String>,
    pub keep_in_touch_days: Option<u32>,
    pub preferred_channel: Option<Channel>,
    pub lifecycle_stage: Option<LifecycleStage>,
    pub notes: Option<String>,
}

/// Splits a display name into given and family names ("Ada Lovelace" → Ada, Lovelace).
pub(crate) fn split_name(name: &str) -> (Option<String>, Option<String>) {
    let name = name.trim();
    match name.rsplit_once(' ') {
        Some((given, family)) => (Some(given.trim().to_string()), Some(family.to_string())),
        None if name.is_empty() => (None, None),
        None => (Some(name.to_string()), None),
    }
}
