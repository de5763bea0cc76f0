//! Today: who needs attention now.

use rapport_core::prefs::Prefs;
use rapport_core::today::{TodayList, TodayOptions};
use rapport_core::ApiError;

use super::{task, Res, Shared};

const MAX_LIMIT: u32 = 500;

#[tauri::command]
pub async fn today(session: Shared<'_>, limit: u32) -> Res<TodayList> {
    let limit = limit.clamp(1, MAX_LIMIT);
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        // Personal dates show this many days ahead (Settings → Reminders).
        let horizon = Prefs::load_or_default(session.dir()).reminder_days;
        let opts = TodayOptions::local(store.now(), horizon);
        // As `rapport today` does: rules may have follow-ups to create first (each once).
        store.apply_followup_rules(&opts).await?;
        store.today_list(&opts, limit).await.map_err(ApiError::from)
    })
    .await
}
