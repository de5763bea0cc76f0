//! Insights over a recent period, and the series behind the Insights charts.

use rapport_core::insights::{InsightCharts, Insights};
use rapport_core::ApiError;

use super::{invalid, task, Res, Shared};

/// Periods the Insights view may ask for: a day up to ten years.
const MAX_DAYS: u32 = 3650;

#[tauri::command]
pub async fn insights(session: Shared<'_>, days: u32) -> Res<Insights> {
    check_days(days)?;
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.insights_last(days).await.map_err(ApiError::from)
    })
    .await
}

#[tauri::command]
pub async fn insight_charts(session: Shared<'_>) -> Res<InsightCharts> {
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.insight_charts().await.map_err(ApiError::from)
    })
    .await
}

fn check_days(days: u32) -> Res<()> {
    if (1..=MAX_DAYS).contains(&days) {
        Ok(())
    } else {
        Err(invalid(format!("days: must be from 1 to {MAX_DAYS}, not {days}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_must_be_a_day_to_ten_years() {
        assert!(check_days(1).is_ok() && check_days(MAX_DAYS).is_ok());
        for bad in [0, MAX_DAYS + 1, u32::MAX] {
            let err = check_days(bad).unwrap_err();
            assert_eq!(err.code, rapport_core::ErrorCode::InvalidInput);
            assert!(err.message.starts_with("days:"), "{}", err.message);
        }
    }
}
