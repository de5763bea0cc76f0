//! Today: who needs attention now.

use rapport_core::today::{TodayList, TodayOptions};
use rapport_core::ApiError;

use super::{task, Res, Shared};

const MAX_LIMIT: u32 = 500;
// prefs: becomes Prefs.reminder_days once the settings work lands.
const DATE_HORIZON_DAYS: u32 = 7;

#[tauri::command]
pub async fn today(session: Shared<'_>, limit: u32) -> Res<TodayList> {
    let limit = limit.clamp(1, MAX_LIMIT);
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        let opts = TodayOptions::local(store.now(), DATE_HORIZON_DAYS);
        // As `rapport today` does: rules may have follow-ups to create first (each once).
        store.apply_followup_rules(&opts).await?;
        store.today_list(&opts, limit).await.map_err(ApiError::from)
    })
    .await
}
