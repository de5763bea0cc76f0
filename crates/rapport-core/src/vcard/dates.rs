//! BDAY / ANNIVERSARY values as personal dates (days, never instants).

use chrono::NaiveDate;

use crate::dates::PersonalDate;

/// Reads the forms vCard writers use: `1985-03-12`, `19850312`, year-less `--0312` and
/// `--03-12` (RFC 6350 §4.3.1, RFC 2426 §3.1.5), and a date-time whose date part is taken
/// as written (`1985-03-12T00:00:00Z` stays 12 March whatever the time zone: a birthday is
/// a day). `omit_year` is Apple's `X-APPLE-OMIT-YEAR`: that year means "no year".
pub(crate) fn personal_date(value: &str, omit_year: Option<&str>) -> Result<PersonalDate, String> {
    let v = value.trim();
    let date = v.split(['T', 't', ' ']).next().unwrap_or_default();
    let bad = || format!("`{v}` is not a date (YYYY-MM-DD, YYYYMMDD, --MMDD or --MM-DD)");
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if let Some(md) = date.strip_prefix("--") {
        let md = md.replace('-', "");
        if md.len() != 4 || !digits(&md) {
            return Err(if md.len() == 2 || md.starts_with('-') {
                format!("`{v}` has no day and month, which Rapport needs")
            } else {
                bad()
            });
        }
        let (month, day) = (md[..2].parse().unwrap_or(0), md[2..].parse().unwrap_or(0));
        // 2000 is a leap year: --0229 is a day of the year, --0230 is not.
        if NaiveDate::from_ymd_opt(2000, month, day).is_none() {
            return Err(format!("`{v}` is not a day of the year"));
        }
        return Ok(PersonalDate::YearLess { month, day });
    }
    let compact = date.replace('-', "");
    if compact.len() != 8 || !digits(&compact) || !(date.len() == 8 || date.len() == 10) {
        return Err(if digits(&compact) && (compact.len() == 4 || compact.len() == 6) {
            format!("`{v}` has no day, which Rapport needs")
        } else {
            bad()
        });
    }
    let (y, m, d) = (&compact[..4], &compact[4..6], &compact[6..]);
    let (month, day) = (m.parse().unwrap_or(0), d.parse().unwrap_or(0));
    if omit_year.is_some_and(|o| o.trim() == y) {
        if NaiveDate::from_ymd_opt(2000, month, day).is_none() {
            return Err(format!("`{v}` is not a day of the year"));
        }
        return Ok(PersonalDate::YearLess { month, day });
    }
    let year: i32 = y.parse().map_err(|_| bad())?;
    NaiveDate::from_ymd_opt(year, month, day)
        .map(PersonalDate::Full)
        .ok_or_else(|| format!("`{v}` is not a real date"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_written_form() {
        let full = |s: &str| PersonalDate::Full(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap());
        let yl = |month, day| PersonalDate::YearLess { month, day };
        for (input, want) in [
            ("1985-03-12", full("1985-03-12")),
            ("19850312", full("1985-03-12")),
            ("--0312", yl(3, 12)),
            ("--03-12", yl(3, 12)),
            ("1985-03-12T00:00:00Z", full("1985-03-12")),
            ("1985-03-12T23:30:00-08:00", full("1985-03-12")),
            ("19850312T000000Z", full("1985-03-12")),
            ("--0229", yl(2, 29)),
        ] {
            assert_eq!(personal_date(input, None), Ok(want), "{input}");
        }
        assert_eq!(personal_date("1604-03-12", Some("1604")), Ok(yl(3, 12)));
        for bad in ["1985-02-29", "--0230", "1985", "--03", "1985-03", "soon", "", "1985-3-12"] {
            assert!(personal_date(bad, None).is_err(), "{bad} accepted");
        }
    }
}
