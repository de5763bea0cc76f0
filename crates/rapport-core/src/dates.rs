//! Personal dates (birthdays, anniversaries): a calendar day, with the year optional.
//! Stored as `YYYY-MM-DD`, or `--MM-DD` when the year is unknown. They are days, not
//! instants, so no time zone ever shifts them.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PersonalDate {
    Full(NaiveDate),
    YearLess { month: u32, day: u32 },
}

impl PersonalDate {
    pub fn month_day(&self) -> (u32, u32) {
        match *self {
            PersonalDate::Full(d) => (d.month(), d.day()),
            PersonalDate::YearLess { month, day } => (month, day),
        }
    }

    pub fn year(&self) -> Option<i32> {
        match self {
            PersonalDate::Full(d) => Some(d.year()),
            PersonalDate::YearLess { .. } => None,
        }
    }

    /// This date's day in `year`. 29 February falls on 28 February in non-leap years
    /// (the convention most people celebrate by).
    pub fn in_year(&self, year: i32) -> NaiveDate {
        let (m, d) = self.month_day();
        NaiveDate::from_ymd_opt(year, m, d)
            .or_else(|| NaiveDate::from_ymd_opt(year, m, d - 1))
            .unwrap_or_default()
    }

    /// The next time this date comes round, on or after `from`.
    pub fn next_on_or_after(&self, from: NaiveDate) -> NaiveDate {
        let this_year = self.in_year(from.year());
        if this_year >= from {
            this_year
        } else {
            self.in_year(from.year() + 1)
        }
    }

    /// How many years old the date is on `on` (an age, for a birthday), when the year is known.
    pub fn years_on(&self, on: NaiveDate) -> Option<i32> {
        self.year().map(|y| on.year() - y)
    }
}

impl fmt::Display for PersonalDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PersonalDate::Full(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            PersonalDate::YearLess { month, day } => write!(f, "--{month:02}-{day:02}"),
        }
    }
}

impl FromStr for PersonalDate {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let s = s.trim();
        let bad = |why: &str| Error::invalid("date", format!("`{s}` {why}"));
        if let Some(rest) = s.strip_prefix("--") {
            let (m, d) = rest.split_once('-').ok_or_else(|| bad("is not --MM-DD"))?;
            if m.len() != 2 || d.len() != 2 {
                return Err(bad("is not --MM-DD"));
            }
            let (Ok(month), Ok(day)) = (m.parse::<u32>(), d.parse::<u32>()) else {
                return Err(bad("is not --MM-DD"));
            };
            // 2000 is a leap year, so --02-29 is accepted and --02-30 is not.
            if NaiveDate::from_ymd_opt(2000, month, day).is_none() {
                return Err(bad("is not a day of the year"));
            }
            return Ok(PersonalDate::YearLess { month, day });
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .filter(|_| s.len() == 10)
            .map(PersonalDate::Full)
            .ok_or_else(|| bad("is not a real date as YYYY-MM-DD (or --MM-DD without a year)"))
    }
}

impl Serialize for PersonalDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PersonalDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_full_and_yearless_and_round_trips() {
        for s in ["1984-02-29", "--02-29", "--12-24", "2001-01-01"] {
            assert_eq!(s.parse::<PersonalDate>().unwrap().to_string(), s);
        }
        assert_eq!("--03-07".parse::<PersonalDate>().unwrap().month_day(), (3, 7));
        assert_eq!("--03-07".parse::<PersonalDate>().unwrap().year(), None);
    }

    #[test]
    fn next_occurrence_handles_year_end_and_29_february() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let leapling: PersonalDate = "1984-02-29".parse().unwrap();
        assert_eq!(leapling.next_on_or_after(d("2027-01-10")), d("2027-02-28"));
        assert_eq!(leapling.next_on_or_after(d("2028-01-10")), d("2028-02-29"));
        assert_eq!(leapling.next_on_or_after(d("2027-03-01")), d("2028-02-29"));
        assert_eq!(leapling.years_on(d("2027-02-28")), Some(43));
        let xmas: PersonalDate = "--12-25".parse().unwrap();
        assert_eq!(xmas.next_on_or_after(d("2026-12-25")), d("2026-12-25"));
        assert_eq!(xmas.next_on_or_after(d("2026-12-26")), d("2027-12-25"));
        assert_eq!(xmas.years_on(d("2026-12-25")), None);
    }

    #[test]
    fn refuses_impossible_dates() {
        for s in
            ["1985-02-29", "--02-30", "--13-01", "2020-1-5", "--1-05", "tomorrow", "", "--00-10"]
        {
            assert!(s.parse::<PersonalDate>().is_err(), "{s} accepted");
        }
    }
}
