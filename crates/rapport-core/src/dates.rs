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
    fn refuses_impossible_dates() {
        for s in
            ["1985-02-29", "--02-30", "--13-01", "2020-1-5", "--1-05", "tomorrow", "", "--00-10"]
        {
            assert!(s.parse::<PersonalDate>().is_err(), "{s} accepted");
        }
    }
}
