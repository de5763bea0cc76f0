//! Printing results and errors.

use std::process::ExitCode;

use serde::Serialize;

pub fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Prints an error to stderr (as `{code, message}` with `--json`) and picks the exit code.
pub fn fail(json: bool, e: &anyhow::Error) -> ExitCode {
    let (code, message) = match e.downcast_ref::<rapport_core::Error>() {
        Some(core) => {
            let api = rapport_core::ApiError::from(core);
            (api.code, api.message)
        }
        None => (rapport_core::ErrorCode::InvalidInput, format!("{e:#}")),
    };
    if json {
        let body = serde_json::json!({ "code": code, "message": message });
        eprintln!("{body}");
    } else {
        eprintln!("error: {message}");
    }
    match code {
        rapport_core::ErrorCode::InvalidInput | rapport_core::ErrorCode::Ambiguous => {
            ExitCode::from(2)
        }
        _ => ExitCode::from(1),
    }
}

pub fn or_dash(v: Option<&str>) -> &str {
    v.unwrap_or("—")
}
