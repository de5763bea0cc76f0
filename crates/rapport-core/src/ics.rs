//! iCalendar export (RFC 5545): open follow-ups as to-dos, birthdays and important dates
//! as yearly all-day events, for any calendar app.

use chrono::{DateTime, Datelike, Utc};
use sha2::{Digest, Sha256};

use crate::customers::Customer;
use crate::dates::PersonalDate;
use crate::followups::Followup;
use crate::vcard::content::{escape_text, push_folded};

/// The year a date without one starts in: a leap year, so 29 February exists in it.
pub const YEARLESS_START_YEAR: i32 = 2000;

/// A calendar of `followups` (VTODO, those not done) and the customers' personal dates
/// (VEVENT, yearly), stamped `now` (the store's clock). Returns the text and how many
/// components it holds.
pub fn write_ics(
    followups: &[Followup],
    customers: &[Customer],
    now: DateTime<Utc>,
) -> (String, u64) {
    let mut out = String::new();
    let mut n = 0;
    let stamp = utc(now);
    let line = push_folded;
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Rapport//Rapport export//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    for f in followups.iter().filter(|f| f.done_at.is_none()) {
        n += 1;
        line(&mut out, "BEGIN:VTODO");
        // The follow-up's id: re-importing the file updates the same to-do.
        line(&mut out, &format!("UID:{}@rapport", f.id));
        line(&mut out, &format!("DTSTAMP:{stamp}"));
        line(&mut out, &format!("CREATED:{}", utc(f.created_at)));
        line(&mut out, &format!("DUE:{}", utc(f.effective_due())));
        line(&mut out, &format!("SUMMARY:{}", escape_text(&f.title)));
        line(
            &mut out,
            &format!("DESCRIPTION:{}", escape_text(&format!("Customer: {}", f.customer_name))),
        );
        line(&mut out, "STATUS:NEEDS-ACTION");
        line(&mut out, "END:VTODO");
    }
    for c in customers {
        let mut dates: Vec<(String, String, PersonalDate)> = Vec::new();
        if let Some(b) = c.birthday {
            dates.push((format!("birthday-{}", c.id), format!("Birthday: {}", c.display_name), b));
        }
        for (i, d) in c.important_dates.iter().enumerate() {
            // Stable across exports while the label stays; the index keeps twins apart.
            let h = hex::encode(&Sha256::digest(d.label.as_bytes())[..6]);
            let twin = c.important_dates[..i].iter().filter(|o| o.label == d.label).count();
            let uid = if twin == 0 {
                format!("date-{}-{h}", c.id)
            } else {
                format!("date-{}-{h}-{twin}", c.id)
            };
            dates.push((uid, format!("{}: {}", capitalised(&d.label), c.display_name), d.date));
        }
        for (uid, summary, date) in dates {
            n += 1;
            line(&mut out, "BEGIN:VEVENT");
            line(&mut out, &format!("UID:{uid}@rapport"));
            line(&mut out, &format!("DTSTAMP:{stamp}"));
            let start = date.in_year(date.year().unwrap_or(YEARLESS_START_YEAR));
            // No DTEND: a DATE start alone lasts one day (RFC 5545 §3.6.1).
            line(&mut out, &format!("DTSTART;VALUE=DATE:{}", start.format("%Y%m%d")));
            if (start.month(), start.day()) == (2, 29) {
                // The last day of February: the 29th in leap years, the 28th otherwise (a
                // plain yearly rule would skip three years in four, RFC 5545 §3.3.10).
                line(&mut out, "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1");
            } else {
                line(&mut out, "RRULE:FREQ=YEARLY");
            }
            line(&mut out, &format!("SUMMARY:{}", escape_text(&summary)));
            line(&mut out, "TRANSP:TRANSPARENT");
            line(&mut out, "END:VEVENT");
        }
    }
    line(&mut out, "END:VCALENDAR");
    (out, n)
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
