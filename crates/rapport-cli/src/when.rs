//! Times typed on the command line: RFC 3339, a local date or date-time, or relative to now.

use anyhow::{anyhow, bail};
use chrono::{DateTime, Duration, Local, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// Default time of day for a bare date (a follow-up "on 2026-12-01" is due that morning).
const DEFAULT_TIME: (u32, u32) = (9, 0);

pub fn parse(s: &str, now: DateTime<Utc>) -> anyhow::Result<DateTime<Utc>> {
    let t = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt.to_utc());
    }
    let local = |naive: NaiveDateTime| -> anyhow::Result<DateTime<Utc>> {
        Local
            .from_local_datetime(&naive)
            .earliest()
            .map(|d| d.to_utc())
            .ok_or_else(|| anyhow!("`{t}` does not exist in the local time zone (a DST gap?)"))
    };
    for fmt in ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(n) = NaiveDateTime::parse_from_str(t, fmt) {
            return local(n);
        }
    }
    let at_default = |d: NaiveDate| {
        local(d.and_time(
            NaiveTime::from_hms_opt(DEFAULT_TIME.0, DEFAULT_TIME.1, 0).unwrap_or_default(),
        ))
    };
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return at_default(d);
    }
    let today = now.with_timezone(&Local).date_naive();
    match t {
        "now" => return Ok(now),
        "today" => return at_default(today),
        "tomorrow" => return at_default(today + Duration::days(1)),
        _ => {}
    }
    if let Some(rel) = t.strip_prefix('+') {
        let (n, unit) = rel.split_at(rel.len().saturating_sub(1));
        if let Ok(n) = n.parse::<i64>() {
            let d = match unit {
                "m" => Duration::minutes(n),
                "h" => Duration::hours(n),
                "d" => Duration::days(n),
                "w" => Duration::weeks(n),
                _ => bail!("`{t}`: use +N followed by m, h, d or w"),
            };
            return Ok(now + d);
        }
    }
    bail!("`{t}` is not a time: use RFC 3339 (2026-12-01T09:00:00Z), 2026-12-01 [HH:MM], today, tomorrow or +3d")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_users_type() {
        let now = DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").unwrap().to_utc();
        assert_eq!(
            parse("2026-12-01T09:30:00Z", now).unwrap().to_rfc3339(),
            "2026-12-01T09:30:00+00:00"
        );
        assert_eq!(parse("+3d", now).unwrap(), now + Duration::days(3));
        assert_eq!(parse("now", now).unwrap(), now);
        assert!(parse("2026-02-30", now).is_err());
        assert!(parse("soonish", now).is_err());
        assert!(parse("+3y", now).is_err());
    }
}
