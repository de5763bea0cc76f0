//! The user's preferences: `prefs.json` beside the store. Not secret (no customer data in
//! it), so it is plain JSON and readable while the store is locked.
//!
//! A malformed file is reported (naming the file and the field) and never overwritten
//! behind the user's back: loading never writes, and saving first moves it aside.

use std::path::{Path, PathBuf};

use chrono::NaiveTime;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

pub const PREFS_FILE: &str = "prefs.json";
/// Where a malformed `prefs.json` is moved when the user saves new preferences.
pub const MALFORMED_PREFS_FILE: &str = "prefs.json.malformed";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Prefs {
    pub theme: Theme,
    /// Lock the store after this many idle minutes (1..=1440); `None`: never.
    pub auto_lock_minutes: Option<u32>,
    /// OS notifications for due follow-ups, overdue nudges and personal dates.
    pub notifications: bool,
    /// The user's do-not-disturb window, local "HH:MM" times; may wrap midnight.
    pub quiet_start: Option<String>,
    pub quiet_end: Option<String>,
    /// Personal dates are shown this many days ahead (0..=60).
    pub reminder_days: u32,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            theme: Theme::System,
            auto_lock_minutes: None,
            notifications: true,
            quiet_start: None,
            quiet_end: None,
            reminder_days: 7,
        }
    }
}

/// A daily window of local times, `[start, end)`, wrapping midnight when `start > end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietWindow {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl QuietWindow {
    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.start <= self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }

    /// From two "HH:MM" strings (as stored for prefs and customers' quiet hours).
    pub fn parse(start: &str, end: &str) -> Option<QuietWindow> {
        Some(QuietWindow { start: parse_hhmm(start)?, end: parse_hhmm(end)? })
    }
}

/// "HH:MM", exactly: two-digit hours 00–23 and minutes 00–59.
fn parse_hhmm(s: &str) -> Option<NaiveTime> {
    let b = s.as_bytes();
    if b.len() != 5 || b[2] != b':' {
        return None;
    }
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

impl Prefs {
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(PREFS_FILE)
    }

    /// The saved preferences, or the defaults when there is no file yet. A malformed file
    /// is an error naming the file and the field, and is left as it is.
    pub fn load(dir: &Path) -> Result<Prefs> {
        let path = Self::path(dir);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Prefs::default()),
            Err(e) => return Err(Error::io(format!("reading {}", path.display()), e)),
        };
        Self::parse(&path, &bytes)
    }

    /// `load`, falling back to the defaults (and logging why) when the file is malformed.
    /// For the shell's own reads; the file is still not touched.
    pub fn load_or_default(dir: &Path) -> Prefs {
        Self::load(dir).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "using default preferences");
            Prefs::default()
        })
    }

    /// Validates and saves (atomically, owner-only). A malformed file in the way is kept as
    /// `prefs.json.malformed` rather than lost.
    pub fn save(&self, dir: &Path) -> Result<Prefs> {
        let prefs = self.validated()?;
        if !dir.exists() {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
            crate::store::restrict_to_owner(dir, 0o700)?;
        }
        let path = Self::path(dir);
        if let Ok(bytes) = std::fs::read(&path) {
            if Self::parse(&path, &bytes).is_err() {
                let aside = dir.join(MALFORMED_PREFS_FILE);
                std::fs::rename(&path, &aside).map_err(|e| {
                    Error::io(format!("moving {} to {}", path.display(), aside.display()), e)
                })?;
                tracing::warn!(file = %aside.display(), "kept the malformed preferences aside");
            }
        }
        let bytes = serde_json::to_vec_pretty(&prefs).expect("prefs serialise");
        crate::keys::write_atomically(&path, &bytes)?;
        Ok(prefs)
    }

    /// Checks every field; times come back normalised ("7:05" is refused, "07:05" kept).
    pub fn validated(&self) -> Result<Prefs> {
        if let Some(m) = self.auto_lock_minutes {
            if !(1..=1440).contains(&m) {
                return Err(Error::invalid(
                    "auto_lock_minutes",
                    "must be from 1 to 1440 minutes, or empty for never",
                ));
            }
        }
        if self.reminder_days > 60 {
            return Err(Error::invalid("reminder_days", "must be from 0 to 60 days"));
        }
        let time = |field: &str, v: &Option<String>| -> Result<Option<String>> {
            match v.as_deref().map(str::trim) {
                None | Some("") => Ok(None),
                Some(s) => {
                    parse_hhmm(s).map(|t| Some(t.format("%H:%M").to_string())).ok_or_else(|| {
                        Error::invalid(field, format!("`{s}` is not a time like 22:00"))
                    })
                }
            }
        };
        let quiet_start = time("quiet_start", &self.quiet_start)?;
        let quiet_end = time("quiet_end", &self.quiet_end)?;
        match (&quiet_start, &quiet_end) {
            (Some(_), None) => {
                return Err(Error::invalid("quiet_end", "is required when quiet_start is set"))
            }
            (None, Some(_)) => {
                return Err(Error::invalid("quiet_start", "is required when quiet_end is set"))
            }
            (Some(a), Some(b)) if a == b => {
                return Err(Error::invalid("quiet_end", "must differ from quiet_start"))
            }
            _ => {}
        }
        Ok(Prefs { quiet_start, quiet_end, ..self.clone() })
    }

    /// The do-not-disturb window, if set.
    pub fn quiet_window(&self) -> Option<QuietWindow> {
        QuietWindow::parse(self.quiet_start.as_deref()?, self.quiet_end.as_deref()?)
    }

    /// Field by field, so an error can name the field; missing fields take their defaults
    /// (files written by older versions stay readable).
    fn parse(path: &Path, bytes: &[u8]) -> Result<Prefs> {
        // "…/prefs.json, field theme: unknown variant `blue`, expected …"
        let malformed = |field: &str, problem: String| Error::InvalidInput {
            field: match field {
                "" => path.display().to_string(),
                f => format!("{}, field {f}", path.display()),
            },
            problem,
        };
        let value: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| malformed("", format!("is not valid JSON ({e})")))?;
        let serde_json::Value::Object(map) = value else {
            return Err(malformed("", "must be a JSON object".into()));
        };
        fn field<T: DeserializeOwned>(
            map: &serde_json::Map<String, serde_json::Value>,
            name: &str,
            default: T,
        ) -> std::result::Result<T, String> {
            match map.get(name) {
                None => Ok(default),
                Some(v) => serde_json::from_value(v.clone()).map_err(|e| e.to_string()),
            }
        }
        let d = Prefs::default();
        let named = |name: &'static str| move |e: String| malformed(name, e);
        let prefs = Prefs {
            theme: field(&map, "theme", d.theme).map_err(named("theme"))?,
            auto_lock_minutes: field(&map, "auto_lock_minutes", d.auto_lock_minutes)
                .map_err(named("auto_lock_minutes"))?,
            notifications: field(&map, "notifications", d.notifications)
                .map_err(named("notifications"))?,
            quiet_start: field(&map, "quiet_start", d.quiet_start).map_err(named("quiet_start"))?,
            quiet_end: field(&map, "quiet_end", d.quiet_end).map_err(named("quiet_end"))?,
            reminder_days: field(&map, "reminder_days", d.reminder_days)
                .map_err(named("reminder_days"))?,
        };
        prefs.validated().map_err(|e| match e {
            Error::InvalidInput { field, problem } => malformed(&field, problem),
            other => other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveTime {
        parse_hhmm(s).unwrap()
    }

    #[test]
    fn quiet_windows_wrap_midnight() {
        let night = QuietWindow::parse("22:00", "07:30").unwrap();
        assert!(night.contains(t("23:59")) && night.contains(t("00:00")));
        assert!(night.contains(t("22:00")) && night.contains(t("07:29")));
        assert!(!night.contains(t("07:30")) && !night.contains(t("21:59")));
        let lunch = QuietWindow::parse("12:00", "13:00").unwrap();
        assert!(lunch.contains(t("12:30")) && !lunch.contains(t("13:00")));
        assert!(!lunch.contains(t("11:59")));
    }

    #[test]
    fn times_must_be_hh_mm() {
        assert!(parse_hhmm("7:30").is_none() && parse_hhmm("24:00").is_none());
        assert!(parse_hhmm("07:60").is_none() && parse_hhmm("0730").is_none());
        assert_eq!(parse_hhmm("07:30"), Some(t("07:30")));
    }
}
