//! Printing results and errors.

use std::process::ExitCode;

use serde::Serialize;

pub fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Prints an error to stderr (as `{code, message}` with `--json`) and picks the exit code:
/// 2 for input the user can correct, 1 for everything else.
pub fn fail(json: bool, e: &anyhow::Error) -> ExitCode {
    let core = match e.downcast_ref::<rapport_sync::SyncError>() {
        Some(rapport_sync::SyncError::Store(core)) => Some(core),
        Some(_) => None,
        None => e.downcast_ref::<rapport_core::Error>(),
    };
    let (code, message) = match (core, e.downcast_ref::<rapport_sync::SyncError>()) {
        (Some(core), _) => {
            let api = rapport_core::ApiError::from(core);
            (serde_json::to_value(api.code).unwrap_or_default(), api.message)
        }
        // Sync's own codes: offline, unauthorized, client_outdated…
        (None, Some(sync)) => (sync.code().into(), sync.to_string()),
        (None, None) => (
            serde_json::to_value(rapport_core::ErrorCode::InvalidInput).unwrap_or_default(),
            format!("{e:#}"),
        ),
    };
    if json {
        let body = serde_json::json!({ "code": code, "message": message });
        eprintln!("{body}");
    } else {
        eprintln!("error: {message}");
    }
    match code.as_str() {
        Some("invalid_input" | "ambiguous") => ExitCode::from(2),
        _ => ExitCode::from(1),
    }
}

pub fn or_dash(v: Option<&str>) -> &str {
    v.unwrap_or("—")
}
