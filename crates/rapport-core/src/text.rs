//! Small helpers for validating user text and mapping string enums to SQL.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Error, Result};

/// Trims, refuses control characters, and caps the length. `None` for empty input.
pub(crate) fn clean(field: &str, value: &str, max_chars: usize) -> Result<Option<String>> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.chars().count() > max_chars {
        return Err(Error::invalid(field, format!("is longer than {max_chars} characters")));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(Error::invalid(field, "contains control characters"));
    }
    Ok(Some(v.to_string()))
}

pub(crate) fn required(field: &str, value: &str, max_chars: usize) -> Result<String> {
    clean(field, value, max_chars)?.ok_or_else(|| Error::invalid(field, "is required"))
}

/// The snake_case text of a unit enum, as serde writes it.
pub(crate) fn enum_str<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Parses user text ("In person", "in-person") into a snake_case unit enum, or says
/// which values are allowed.
pub fn parse_enum<T: DeserializeOwned>(field: &str, s: &str, allowed: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(
        s.trim().to_ascii_lowercase().replace([' ', '-'], "_"),
    ))
    .map_err(|_| Error::invalid(field, format!("`{s}` is not one of: {allowed}")))
}

pub(crate) fn json<T: DeserializeOwned>(field: &str, s: &str) -> Result<T> {
    serde_json::from_str(s)
        .map_err(|e| Error::invalid(field, format!("stored value is unreadable: {e}")))
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("domain values serialise")
}

/// A light email check: something@domain.tld, no spaces. Full validation is the audit's job.
pub(crate) fn email(value: &str) -> Result<String> {
    let v = value.trim();
    let ok = v.len() <= 254
        && !v.chars().any(char::is_whitespace)
        && v.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if ok {
        Ok(v.to_string())
    } else {
        Err(Error::invalid("email", format!("`{v}` is not an email address")))
    }
}

pub(crate) fn phone(value: &str) -> Result<String> {
    let v = value.trim();
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let allowed = v.chars().all(|c| c.is_ascii_digit() || " +-().x/".contains(c));
    if allowed && (3..=20).contains(&digits) && v.len() <= 40 {
        Ok(v.to_string())
    } else {
        Err(Error::invalid("phone", format!("`{v}` is not a phone number")))
    }
}

/// Lower-case form used for lookups (emails) and digits-only form for phones.
pub(crate) fn normalize_email(v: &str) -> String {
    v.trim().to_lowercase()
}

pub(crate) fn normalize_phone(v: &str) -> String {
    let plus = v.trim_start().starts_with('+');
    let digits: String = v.chars().filter(char::is_ascii_digit).collect();
    if plus {
        format!("+{digits}")
    } else {
        digits
    }
}

pub(crate) fn tag(value: &str) -> Result<Option<String>> {
    let t = clean("tag", value, 50)?;
    if let Some(t) = &t {
        if t.contains(',') {
            return Err(Error::invalid("tag", format!("`{t}` contains a comma")));
        }
    }
    Ok(t)
}

/// Reads an RFC 3339 time written by the store.
pub(crate) fn parse_time(s: Option<String>) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    s.map(|s| {
        chrono::DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&chrono::Utc))
            .map_err(|e| Error::Internal(format!("bad time in store `{s}`: {e}")))
    })
    .transpose()
}

pub(crate) fn parse_id(s: &str) -> Result<uuid::Uuid> {
    uuid::Uuid::parse_str(s).map_err(|e| Error::Internal(format!("bad id in store: {e}")))
}
