//! Rapport's core: the encrypted local store and everything a user does with it.
//!
//! Knows nothing of Tauri or HTTP: the desktop shell and the CLI both call this API.

#![forbid(unsafe_code)]

pub mod backup;
mod bulk;
pub mod clock;
pub mod customers;
pub mod dates;
pub mod deals;
mod demo;
pub mod doctor;
pub mod error;
pub mod export;
pub mod export_csv;
pub mod export_file;
pub mod followup_rules;
pub mod followups;
pub mod hygiene;
pub mod ics;
pub mod import;
pub mod info;
pub mod insights;
pub mod keys;
mod migrate;
pub mod money;
pub mod notify;
mod oplog;
pub mod pipeline;
pub mod prefs;
pub mod privacy;
pub mod progress;
pub mod scoring;
pub mod search;
pub mod session;
pub mod store;
pub mod sync;
mod text;
pub mod timeline;
pub mod today;
pub mod vcard;

pub use backup::{BackupInfo, RestoreReport};
pub use clock::{system_clock_shared, Clock, FixedClock, ManualClock, SharedClock, SystemClock};
pub use error::{ApiError, Error, ErrorCode, Result};
pub use info::StoreInfo;
pub use keys::{Protection, ProtectionKind, Unlock};
pub use migrate::SCHEMA_VERSION;
pub use prefs::{Prefs, Theme};
pub use session::{Session, StartUp, StoreStatus};
pub use store::{Store, StoreKind, DB_FILE};
pub use text::parse_enum;

/// Rust types exported to TypeScript for the desktop UI (see `ui/src/lib/bindings`).
pub mod bindings {
    use std::path::Path;

    use ts_rs::TS;

    /// Writes every UI-facing type's TypeScript declaration into `dir`.
    pub fn export_all(dir: &Path) -> Result<(), ts_rs::ExportError> {
        crate::session::StoreStatus::export_all_to(dir)?;
        crate::session::StartUp::export_all_to(dir)?;
        crate::error::ApiError::export_all_to(dir)?;
        crate::customers::CustomerSummary::export_all_to(dir)?;
        crate::customers::NewCustomer::export_all_to(dir)?;
        crate::customers::Customer::export_all_to(dir)?;
        crate::customers::CustomerQuery::export_all_to(dir)?;
        crate::customers::CustomerPage::export_all_to(dir)?;
        crate::customers::CustomerFacets::export_all_to(dir)?;
        crate::customers::CustomerDetail::export_all_to(dir)?;
        crate::timeline::Interaction::export_all_to(dir)?;
        crate::timeline::NewInteraction::export_all_to(dir)?;
        crate::followups::Followup::export_all_to(dir)?;
        crate::deals::Deal::export_all_to(dir)?;
        crate::deals::PipelineStage::export_all_to(dir)?;
        crate::deals::NewDeal::export_all_to(dir)?;
        crate::pipeline::Pipeline::export_all_to(dir)?;
        crate::pipeline::StageTotal::export_all_to(dir)?;
        crate::today::TodayItem::export_all_to(dir)?;
        crate::today::TodayList::export_all_to(dir)?;
        crate::insights::Insights::export_all_to(dir)?;
        crate::insights::InsightCharts::export_all_to(dir)?;
        crate::scoring::ScoringRule::export_all_to(dir)?;
        crate::scoring::LeadScore::export_all_to(dir)?;
        crate::followup_rules::FollowupRule::export_all_to(dir)?;
        crate::prefs::Prefs::export_all_to(dir)?;
        crate::info::StoreInfo::export_all_to(dir)?;
        crate::progress::TaskProgress::export_all_to(dir)?;
        crate::export_file::ExportFormat::export_all_to(dir)?;
        crate::export_file::ExportSummary::export_all_to(dir)?;
        crate::backup::BackupInfo::export_all_to(dir)?;
        crate::import::ImportOptions::export_all_to(dir)?;
        crate::import::ImportPreview::export_all_to(dir)?;
        crate::import::ImportSummary::export_all_to(dir)?;
        crate::import::ImportBatch::export_all_to(dir)?;
        crate::import::SavedMapping::export_all_to(dir)?;
        crate::hygiene::DuplicatePair::export_all_to(dir)?;
        crate::hygiene::PickSide::export_all_to(dir)?;
        crate::hygiene::MergeResult::export_all_to(dir)?;
        crate::hygiene::MergeRecord::export_all_to(dir)?;
        crate::hygiene::TagUsage::export_all_to(dir)?;
        crate::hygiene::TagChange::export_all_to(dir)?;
        crate::hygiene::UnusedTag::export_all_to(dir)?;
        crate::hygiene::AuditReport::export_all_to(dir)?;
        crate::sync::SyncView::export_all_to(dir)?;
        crate::sync::SyncDevice::export_all_to(dir)?;
        crate::sync::SyncInvite::export_all_to(dir)?;
        crate::sync::SyncOutcome::export_all_to(dir)?;
        crate::sync::SyncConflict::export_all_to(dir)?;
        Ok(())
    }
}

/// The desktop shell runs core futures on a multi-threaded runtime, so they must be `Send`.
/// Some sqlx call shapes silently lose that (rust-lang/rust#100013); this fails to compile if so.
#[cfg(test)]
#[allow(dead_code, clippy::let_underscore_future)]
fn api_futures_are_send(store: &Store, session: &Session, new: &customers::NewCustomer) {
    fn send<T: Send>(_: T) {}
    send(session.status());
    send(session.create(None));
    send(session.unlock(Some("x")));
    send(session.change_protection(None, Some("x")));
    send(store.info());
    send(store.due_notifications(chrono::DateTime::UNIX_EPOCH, store.now(), None, &chrono::Local));
    send(store.mark_notified(&[]));
    send(store.demo_with(1, 1, &|_, _| {}, &std::sync::atomic::AtomicBool::new(false)));
    send(Store::open(std::path::Path::new("x"), &Unlock::default(), system_clock_shared()));
    send(store.add_customer(new));
    send(store.list_customers(&Default::default()));
    send(store.customer_page(&Default::default()));
    send(store.customer_facets());
    send(store.search("x", 1));
    send(store.prune_search_terms());
    send(store.customer_detail(uuid::Uuid::nil()));
    send(store.snooze_nudge(uuid::Uuid::nil(), chrono::DateTime::UNIX_EPOCH));
    send(store.today_list(&today::TodayOptions::utc(chrono::DateTime::UNIX_EPOCH, 7), 1));
    send(store.pipeline());
    send(store.demo(1, 1));
    send(store.export_to_file(
        export_file::ExportFormat::Vcard,
        std::path::Path::new("x"),
        None,
        true,
    ));
    send(store.erase_customer(uuid::Uuid::nil()));
    send(store.backup(std::path::Path::new("x")));
    send(store.restore(std::path::Path::new("x")));
    send(session.restore(std::path::Path::new("x")));
    send(session.erase_customer(uuid::Uuid::nil()));
    send(store.import_preview("x", b"", &Default::default()));
    send(store.import_file(
        "x",
        b"",
        &Default::default(),
        &|_, _| {},
        &std::sync::atomic::AtomicBool::new(false),
    ));
    send(store.undo_import(None));
    send(store.import_batches());
    send(store.save_mapping("x", &Default::default()));
    send(store.export_csv(&mut Vec::new()));
    send(store.duplicates(1));
    send(store.dismiss_duplicate(uuid::Uuid::nil(), uuid::Uuid::nil()));
    send(store.merge_customers(uuid::Uuid::nil(), uuid::Uuid::nil(), &Default::default()));
    send(store.undo_merge(uuid::Uuid::nil()));
    send(store.merges());
    send(store.tag_usage());
    send(store.rename_tag("a", "b"));
    send(store.delete_tag("a"));
    send(store.unused_tags());
    send(store.data_audit());
}
