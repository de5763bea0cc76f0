//! Checking what the (untrusted) webview sent, before the core sees it. Every message
//! names the argument ("id: not a valid id").

use chrono::{DateTime, Utc};
use rapport_core::ApiError;
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use super::{invalid, Res};

/// A record id (a UUID).
pub(crate) fn id(field: &str, value: &str) -> Res<Uuid> {
    if value.len() > 64 {
        return Err(invalid(format!("{field}: not a valid id")));
    }
    Uuid::parse_str(value.trim()).map_err(|_| invalid(format!("{field}: not a valid id")))
}

/// An RFC 3339 time ("2026-11-22T10:00:00Z"), in UTC.
pub(crate) fn time(field: &str, value: &str) -> Res<DateTime<Utc>> {
    let bad = || invalid(format!("{field}: not an RFC 3339 time like 2026-11-22T10:00:00Z"));
    if value.len() > 64 {
        return Err(bad());
    }
    DateTime::parse_from_rfc3339(value.trim()).map(|t| t.with_timezone(&Utc)).map_err(|_| bad())
}

/// Refuses text longer than `max` characters (the core checks content; this caps size).
pub(crate) fn capped(field: &str, value: &str, max: usize) -> Res<()> {
    if value.chars().count() > max {
        return Err(invalid(format!("{field}: longer than {max} characters")));
    }
    Ok(())
}

pub(crate) fn capped_opt(field: &str, value: Option<&str>, max: usize) -> Res<()> {
    value.map_or(Ok(()), |v| capped(field, v, max))
}

/// A JSON object argument (`input`) as a core type. Id members are checked first so a
/// bad one is reported by name rather than as a parse error.
pub(crate) fn input<T: DeserializeOwned>(field: &str, value: Value, ids: &[&str]) -> Res<T> {
    let Value::Object(map) = &value else {
        return Err(invalid(format!("{field}: must be an object")));
    };
    for name in ids {
        match map.get(*name) {
            Some(Value::String(s)) => {
                id(&format!("{field}.{name}"), s)?;
            }
            Some(_) => return Err(invalid(format!("{field}.{name}: not a valid id"))),
            None => return Err(invalid(format!("{field}.{name}: is required"))),
        }
    }
    serde_json::from_value(value).map_err(|e| invalid(format!("{field}: {e}")))
}

/// For results with nothing to say (`null` in JSON).
pub(crate) fn done(r: rapport_core::Result<()>) -> Res<()> {
    r.map_err(ApiError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_checked_with_their_names() {
        assert!(id("id", "0190b3c0-0000-7000-8000-000000000001").is_ok());
        assert_eq!(id("customer_id", "nope").unwrap_err().message, "customer_id: not a valid id");
        assert!(time("until", "2026-11-22T10:00:00+01:00").is_ok());
        assert!(time("until", "tomorrow").unwrap_err().message.starts_with("until: "));
        assert!(capped("title", &"x".repeat(11), 10).unwrap_err().message.starts_with("title: "));
        let bad = serde_json::json!({ "customer_id": "x", "title": "t" });
        let err = input::<Value>("input", bad, &["customer_id"]).unwrap_err();
        assert_eq!(err.message, "input.customer_id: not a valid id");
        let err = input::<Value>("input", Value::Null, &[]).unwrap_err();
        assert_eq!(err.message, "input: must be an object");
    }
}
