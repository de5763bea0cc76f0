//! Getting customers in from other tools' files: readers turn a file into
//! [`ImportRecord`]s; the engine matches, reports (dry run) and writes them, undoably.
//!
//! - `encoding`: bytes → text (BOMs, UTF-16, legacy encodings detected), never silently lossy.
//! - `csv_reader`: delimiters, `sep=` lines, ragged rows, field caps → header + cells.
//! - `mapping`: which column means what (Google, Outlook, HubSpot, Salesforce, a generic
//!   header guesser, a saved mapping) and turning cells into records.
//! - `dates`: the date forms those tools write; ambiguous day/month asks.
//! - `validate`: checking and cleaning a record; `matching`: finding the customer it is;
//!   `plan`: every row's action (the dry run); `engine`: writing the plan in one
//!   transaction — new customers set-based (`create`, with the search index filled by
//!   `search_index` afterwards), updates one by one (`update`, `fields`).
//! - `batch`: recorded imports and undo. `mappings`: saved mappings. `photos`.

mod batch;
mod create;
mod csv_reader;
mod dates;
mod encoding;
mod engine;
mod fields;
mod mapping;
mod mappings;
mod matching;
mod photos;
pub(crate) use photos::apply_photo;
mod plan;
mod record;
pub(crate) mod search_index;
mod update;
mod validate;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

pub use csv_reader::{read_csv, CsvFile};
#[doc(hidden)]
pub use engine::ImportPhases;
pub use mapping::IMPORT_FIELDS;
pub use record::{ImportRecord, Photo, RowIssue, Severity};

use crate::error::Result;

/// Largest file an import reads (the shell and CLI check before reading it all).
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;
/// Largest photo kept (decoded); a bigger one is skipped with a warning.
pub const MAX_PHOTO_BYTES: usize = 256 * 1024;
/// At most this many rows in a preview's report (problems first).
pub const MAX_REPORT_ROWS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportFormat {
    Csv,
    Vcard,
}

/// Which tool's CSV export the columns were recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CsvSource {
    Google,
    GoogleLegacy,
    Outlook,
    Hubspot,
    Salesforce,
    Generic,
    Custom,
}

impl CsvSource {
    /// The namespace of this source's external ids (a Salesforce Id is not a HubSpot one).
    pub(crate) fn id_namespace(self) -> &'static str {
        match self {
            CsvSource::Google | CsvSource::GoogleLegacy => "google",
            CsvSource::Outlook => "outlook",
            CsvSource::Hubspot => "hubspot",
            CsvSource::Salesforce => "salesforce",
            CsvSource::Generic => "generic",
            CsvSource::Custom => "custom",
        }
    }
}

/// How to read `03/04/1990`: day first or month first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    Dmy,
    Mdy,
}

/// One source column and the import field it fills (`None`: ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ColumnTarget {
    pub column: String,
    pub field: Option<String>,
}

/// Which column fills which field; the field names are [`IMPORT_FIELDS`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ColumnMapping {
    pub columns: Vec<ColumnTarget>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ImportOptions {
    /// `None`: detected (vCard if the first line is `BEGIN:VCARD`, else CSV).
    pub format: Option<ImportFormat>,
    /// A WHATWG encoding label (`windows-1252`, `utf-16le`…); `None`: detected.
    pub encoding: Option<String>,
    /// `None`: a saved mapping whose columns match, else a known format, else guessed.
    pub mapping: Option<ColumnMapping>,
    /// Needed when the file holds dates like `03/04/1990`.
    pub date_order: Option<DateOrder>,
    /// Import the good rows and skip the bad ones (default: any bad row stops the import).
    pub skip_bad_rows: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MappedColumn {
    pub column: String,
    pub field: Option<String>,
    /// The first non-empty value in the column.
    pub sample: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportRowAction {
    Create,
    Update,
    Unchanged,
    Skip,
    Error,
}

/// What the import does (or would do) with one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportRow {
    #[ts(type = "number")]
    pub row: u64,
    pub action: ImportRowAction,
    /// The existing customer it matched (updates, unchanged rows).
    pub customer_id: Option<Uuid>,
    pub name: String,
    /// The fields it changes (`email`, `tags`, `custom.Team`…).
    pub changes: Vec<String>,
    pub issues: Vec<RowIssue>,
}

/// A dry run: what the file is and what importing it would do. Nothing is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportPreview {
    pub file_name: String,
    pub format: ImportFormat,
    pub source: Option<CsvSource>,
    /// The encoding the file was read as (WHATWG name, e.g. `windows-1252`).
    pub encoding: String,
    /// Whether Rapport found the encoding itself (false: the user chose it).
    pub encoding_detected: bool,
    pub delimiter: Option<String>,
    pub columns: Vec<MappedColumn>,
    #[ts(type = "number")]
    pub rows: u64,
    #[ts(type = "number")]
    pub created: u64,
    #[ts(type = "number")]
    pub updated: u64,
    #[ts(type = "number")]
    pub unchanged: u64,
    #[ts(type = "number")]
    pub skipped: u64,
    #[ts(type = "number")]
    pub errors: u64,
    /// Dates like `03/04/1990` were found and no date order was given: ask the user.
    pub needs_date_order: bool,
    /// At most [`MAX_REPORT_ROWS`] rows, rows with problems first.
    pub report: Vec<ImportRow>,
    /// Every field name a column can be mapped to.
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportSummary {
    pub batch_id: Uuid,
    #[ts(type = "number")]
    pub created: u64,
    #[ts(type = "number")]
    pub updated: u64,
    #[ts(type = "number")]
    pub unchanged: u64,
    #[ts(type = "number")]
    pub skipped: u64,
}

/// One import, as recorded for the list of imports and for undo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportBatch {
    pub id: Uuid,
    pub file_name: String,
    pub at: chrono::DateTime<chrono::Utc>,
    #[ts(type = "number")]
    pub created: u64,
    #[ts(type = "number")]
    pub updated: u64,
    pub undone_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SavedMapping {
    pub name: String,
    pub mapping: ColumnMapping,
}

/// What a reader made of a file: its records and how it read them.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadFile {
    pub format: ImportFormat,
    pub source: Option<CsvSource>,
    pub encoding: String,
    pub encoding_detected: bool,
    pub delimiter: Option<char>,
    pub columns: Vec<MappedColumn>,
    pub records: Vec<ImportRecord>,
    pub needs_date_order: bool,
}

/// vCard if the first non-blank line (after a BOM) is `BEGIN:VCARD`, else CSV.
pub fn detect_format(bytes: &[u8]) -> ImportFormat {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let first = text.trim_start_matches('\u{feff}').lines().map(str::trim).find(|l| !l.is_empty());
    match first {
        Some(l) if l.eq_ignore_ascii_case("BEGIN:VCARD") => ImportFormat::Vcard,
        _ => ImportFormat::Csv,
    }
}

/// Reads a file into records, whatever its format. Pure (no store): `saved` are the saved
/// mappings, `this_year` pivots two-digit years. Never panics on any input.
pub fn read_records(
    bytes: &[u8],
    opts: &ImportOptions,
    saved: &[SavedMapping],
    this_year: i32,
) -> Result<ReadFile> {
    let format = opts.format.unwrap_or_else(|| detect_format(bytes));
    match format {
        ImportFormat::Csv => mapping::read_csv_records(bytes, opts, saved, this_year),
        ImportFormat::Vcard => {
            let vcard = crate::vcard::VcardOptions {
                encoding: opts.encoding.clone(),
                ..Default::default()
            };
            Ok(ReadFile {
                format: ImportFormat::Vcard,
                source: None,
                // vCards say their charset per value (2.1) or are UTF-8 (3.0, 4.0).
                encoding: opts.encoding.clone().unwrap_or_else(|| "utf-8".into()),
                encoding_detected: opts.encoding.is_none(),
                delimiter: None,
                columns: Vec::new(),
                records: crate::vcard::read_vcards(bytes, &vcard)?,
                needs_date_order: false,
            })
        }
    }
}
