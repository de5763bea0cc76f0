//! Dates as contact tools write them: ISO `1990-03-04` (a time after it is ignored),
//! year-less `--03-04` and `03-04`, US `3/4/1990`, European `4.3.1990`, and Outlook's
//! `0/0/00` for "none". A slash date whose day and month could be either (both ≤ 12 and
//! different) needs the user's date order: it is never guessed.

use chrono::NaiveDate;

use super::DateOrder;
use crate::dates::PersonalDate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParsedDate {
    Date(PersonalDate),
    /// The cell says "no date" (empty, Outlook's `0/0/00`).
    None,
    /// `03/04/1990` without a date order.
    Ambiguous,
    Invalid(String),
}

/// `this_year` decides the century of two-digit years (a birthday is never in the future).
pub fn parse_date(s: &str, order: Option<DateOrder>, this_year: i32) -> ParsedDate {
    let s = s.trim();
    if s.is_empty() {
        return ParsedDate::None;
    }
    let bad = |why: &str| ParsedDate::Invalid(format!("`{s}` {why}"));
    // ISO, possibly with a time: 1990-03-04, 1990-03-04T00:00:00Z, 1990-03-04 00:00.
    if s.len() >= 10
        && s.as_bytes()[4] == b'-'
        && s.as_bytes().first().is_some_and(u8::is_ascii_digit)
    {
        let (Some(day), Some(rest)) = (s.get(..10), s.get(10..)) else {
            return bad("is not a date");
        };
        if rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ') {
            let parts: Vec<&str> = day.split('-').collect();
            if let [y, m, d] = parts[..] {
                return full(y, m, d, this_year).unwrap_or_else(|| bad("is not a real date"));
            }
        }
        return bad("is not a date");
    }
    // Year-less: --03-04, 03-04 (month first, as vCard and Google write them).
    if let Some((m, d)) = s.strip_prefix("--").unwrap_or(s).split_once('-') {
        if m.len() <= 2 && d.len() <= 2 && !m.is_empty() && !d.is_empty() {
            return match (m.parse::<u32>(), d.parse::<u32>()) {
                (Ok(m), Ok(d)) => {
                    year_less(m, d).unwrap_or_else(|| bad("is not a day of the year"))
                }
                _ => bad("is not a date"),
            };
        }
        return bad("is not a date (try YYYY-MM-DD)");
    }
    // d.m.yyyy: dots are always day first.
    if s.contains('.') {
        let parts: Vec<&str> = s.trim_end_matches('.').split('.').collect();
        return match parts[..] {
            [d, m, y] => full(y, m, d, this_year)
                .unwrap_or_else(|| bad("is not a real date (read as day.month.year)")),
            [d, m] => match (m.parse::<u32>(), d.parse::<u32>()) {
                (Ok(m), Ok(d)) => {
                    year_less(m, d).unwrap_or_else(|| bad("is not a day of the year"))
                }
                _ => bad("is not a date"),
            },
            _ => bad("is not a date"),
        };
    }
    if s.contains('/') {
        let parts: Vec<&str> = s.split('/').collect();
        let [a, b, y] = parts[..] else { return bad("is not a date") };
        if [a, b, y].iter().all(|p| p.chars().all(|c| c == '0')) {
            return ParsedDate::None; // Outlook's 0/0/00
        }
        let (Ok(an), Ok(bn)) = (a.parse::<u32>(), b.parse::<u32>()) else {
            return bad("is not a date");
        };
        let order = match order {
            Some(o) => o,
            None if an > 12 && bn <= 12 => DateOrder::Dmy,
            None if bn > 12 && an <= 12 => DateOrder::Mdy,
            None if an == bn => DateOrder::Mdy,
            None if an > 12 && bn > 12 => return bad("is not a real date"),
            None => return ParsedDate::Ambiguous,
        };
        let (m, d, how) = match order {
            DateOrder::Mdy => (a, b, "month/day/year"),
            DateOrder::Dmy => (b, a, "day/month/year"),
        };
        return full(y, m, d, this_year).unwrap_or_else(|| {
            ParsedDate::Invalid(format!("`{s}` is not a real date (read as {how})"))
        });
    }
    bad("is not a date (try YYYY-MM-DD)")
}

fn year_less(m: u32, d: u32) -> Option<ParsedDate> {
    // 2000 is a leap year: --02-29 is a day of the year, --02-30 is not.
    NaiveDate::from_ymd_opt(2000, m, d)
        .map(|_| ParsedDate::Date(PersonalDate::YearLess { month: m, day: d }))
}

fn full(y: &str, m: &str, d: &str, this_year: i32) -> Option<ParsedDate> {
    if !(y.len() == 2 || y.len() == 4) || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2
    {
        return None;
    }
    let (y, m, d) = (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?, d.parse::<u32>().ok()?);
    let y = if y < 100 {
        // Two digits: the latest year not after this one.
        let century = this_year - this_year.rem_euclid(100);
        if century + y > this_year {
            century - 100 + y
        } else {
            century + y
        }
    } else {
        y
    };
    if !(1800..=9999).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d).map(|d| ParsedDate::Date(PersonalDate::Full(d)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str, o: Option<DateOrder>) -> String {
        match parse_date(s, o, 2026) {
            ParsedDate::Date(d) => d.to_string(),
            ParsedDate::None => "none".into(),
            ParsedDate::Ambiguous => "ambiguous".into(),
            ParsedDate::Invalid(_) => "invalid".into(),
        }
    }

    #[test]
    fn the_forms_contact_tools_write() {
        assert_eq!(p("1990-03-04", None), "1990-03-04");
        assert_eq!(p("1990-03-04T00:00:00Z", None), "1990-03-04");
        assert_eq!(p("--03-04", None), "--03-04");
        assert_eq!(p("03-04", None), "--03-04");
        assert_eq!(p("4.3.1990", None), "1990-03-04");
        assert_eq!(p("12/25/1985", None), "1985-12-25");
        assert_eq!(p("25/12/1985", None), "1985-12-25");
        assert_eq!(p("0/0/00", None), "none");
        assert_eq!(p("5/5/85", None), "1985-05-05");
        assert_eq!(p("1/2/20", Some(DateOrder::Mdy)), "2020-01-02");
        assert_eq!(p("1/2/27", Some(DateOrder::Mdy)), "1927-01-02");
    }

    #[test]
    fn ambiguity_asks_and_impossible_dates_fail() {
        assert_eq!(p("03/04/1990", None), "ambiguous");
        assert_eq!(p("03/04/1990", Some(DateOrder::Dmy)), "1990-04-03");
        assert_eq!(p("03/04/1990", Some(DateOrder::Mdy)), "1990-03-04");
        assert_eq!(p("31/02/1990", None), "invalid");
        assert_eq!(p("02/31/1990", Some(DateOrder::Mdy)), "invalid");
        assert_eq!(p("25/12/1985", Some(DateOrder::Mdy)), "invalid");
        assert_eq!(p("1990-02-30", None), "invalid");
        assert_eq!(p("--02-30", None), "invalid");
        assert_eq!(p("--02-29", None), "--02-29");
        assert_eq!(p("tomorrow", None), "invalid");
        assert_eq!(p("29.2.1985", None), "invalid");
    }
}
