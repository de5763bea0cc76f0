//! CSV export: one row per customer, with stable columns named by Rapport's import field
//! names, so the file re-imports as `unchanged` (the `rapport_id` column matches first).
//!
//! Spreadsheet safety: a cell starting with `= + - @`, a tab or a carriage return could run
//! as a formula in Excel, LibreOffice or Google Sheets, so it is written with a leading `'`
//! (which those programs show as text and hide). That includes phone numbers: "+44 20 7946
//! 0958" is written as "'+44 20 7946 0958" — it stays readable and is not turned into a
//! number or a formula. Rapport's import removes that `'` again (and so does a spreadsheet).
//! A cell that itself starts with `'` and a trigger gets a second `'`, so it round-trips.
//!
//! Lists (emails, phones, tags) are joined with ` ::: ` (as Google Contacts does), a label
//! written as `work: ada@example.com`; addresses, dates, key facts and custom fields are
//! JSON.

use std::io::Write;

use crate::customers::{Customer, CustomerKind, Labeled};
use crate::error::{Error, Result};
use crate::store::Store;
use crate::text::{enum_str, to_json};

/// The export's columns, in order. Append only: scripts read them by name.
pub const CSV_COLUMNS: &[&str] = &[
    "rapport_id",
    "kind",
    "name",
    "given_name",
    "family_name",
    "company",
    "title",
    "emails",
    "phones",
    "addresses",
    "tags",
    "birthday",
    "important_dates",
    "key_facts",
    "how_we_met",
    "preferred_channel",
    "quiet_hours",
    "keep_in_touch_days",
    "keep_in_touch_max_days",
    "stage",
    "lead_source",
    "owner",
    "notes",
    "custom_fields",
    "created_at",
    "updated_at",
    "last_contacted_at",
];

/// A cell a spreadsheet will show as text, never run as a formula.
pub fn spreadsheet_safe(cell: &str) -> String {
    let trigger = |s: &str| s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if trigger(cell) || cell.strip_prefix('\'').is_some_and(trigger) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

fn list(items: &[Labeled]) -> String {
    items
        .iter()
        .map(|l| match &l.label {
            Some(label) => format!("{label}: {}", l.value),
            None => l.value.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ::: ")
}

fn row(c: &Customer) -> Vec<String> {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let json_list = |empty: bool, v: String| if empty { String::new() } else { v };
    vec![
        c.id.to_string(),
        enum_str(&c.kind),
        c.display_name.clone(),
        s(&c.given_name),
        s(&c.family_name),
        if c.kind == CustomerKind::Person { s(&c.company_name) } else { String::new() },
        s(&c.title),
        list(&c.emails),
        list(&c.phones),
        json_list(c.addresses.is_empty(), to_json(&c.addresses)),
        c.tags.join(" ::: "),
        c.birthday.map(|b| b.to_string()).unwrap_or_default(),
        json_list(c.important_dates.is_empty(), to_json(&c.important_dates)),
        json_list(c.key_facts.is_empty(), to_json(&c.key_facts)),
        s(&c.how_we_met),
        c.preferred_channel.map(|p| enum_str(&p)).unwrap_or_default(),
        c.quiet_hours.as_ref().map(|q| format!("{}-{}", q.start, q.end)).unwrap_or_default(),
        c.keep_in_touch_days.map(|d| d.to_string()).unwrap_or_default(),
        c.keep_in_touch_max_days.map(|d| d.to_string()).unwrap_or_default(),
        enum_str(&c.lifecycle_stage),
        s(&c.lead_source),
        s(&c.owner),
        s(&c.notes),
        json_list(c.custom_fields.is_empty(), to_json(&c.custom_fields)),
        c.created_at.to_rfc3339(),
        c.updated_at.to_rfc3339(),
        c.last_contacted_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
    ]
}

impl Store {
    /// Writes every (not deleted) customer as CSV (UTF-8, comma, CRLF); returns how many.
    /// Companies come first, so a re-import into an empty store links people to them.
    pub async fn export_csv(&self, out: &mut (dyn Write + Send)) -> Result<u64> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM customers WHERE deleted_at IS NULL ORDER BY kind = 'person', id",
        )
        .fetch_all(self.pool())
        .await?;
        let io = |e: std::io::Error| Error::io("writing the CSV export", e);
        let bad = |e: csv::Error| Error::Internal(format!("CSV writer: {e}"));
        let writer =
            || csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        // Written in chunks, so a big export never sits in memory whole.
        let mut w = writer();
        w.write_record(CSV_COLUMNS).map_err(bad)?;
        for (i, id) in ids.iter().enumerate() {
            let c = self.get_customer(crate::text::parse_id(id)?).await?;
            let cells: Vec<String> = row(&c).iter().map(|v| spreadsheet_safe(v)).collect();
            w.write_record(&cells).map_err(bad)?;
            if i % 1000 == 999 {
                let chunk = std::mem::replace(&mut w, writer())
                    .into_inner()
                    .map_err(|e| io(e.into_error()))?;
                out.write_all(&chunk).map_err(io)?;
            }
        }
        out.write_all(&w.into_inner().map_err(|e| io(e.into_error()))?).map_err(io)?;
        out.flush().map_err(io)?;
        Ok(ids.len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn formula_triggers_are_prefixed() {
        for (cell, safe) in [
            ("=SUM(A1)", "'=SUM(A1)"),
            ("+44 20 7946 0958", "'+44 20 7946 0958"),
            ("-5", "'-5"),
            ("@home", "'@home"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("Ada", "Ada"),
            ("'quoted'", "'quoted'"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_safe(cell), safe, "{cell:?}");
        }
    }
}
