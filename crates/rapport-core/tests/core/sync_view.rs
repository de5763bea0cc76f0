//! What the desktop's sync settings are sent: devices and invites with times in RFC 3339,
//! this device marked, and the status as JSON the UI's bindings describe.

use rapport_core::sync::{SyncDevice, SyncInvite, SyncView};
use rapport_core::ErrorCode;
use rapport_protocol::wire::accounts::{DeviceInfo, Invite};
use uuid::Uuid;

use crate::support::new_store;

fn device(id: Uuid, last_seen_at: Option<u64>, revoked_at: Option<u64>) -> DeviceInfo {
    DeviceInfo {
        id,
        name: "Van".into(),
        account_id: Uuid::now_v7(),
        account_email: "rep@example.com".into(),
        created_at: 1_763_800_000_000,
        last_seen_at,
        revoked_at,
    }
}

#[test]
fn devices_carry_their_times_and_which_one_is_this_device() {
    let (me, other) = (Uuid::now_v7(), Uuid::now_v7());
    let mine = SyncDevice::new(device(me, Some(1_763_805_600_000), None), me);
    assert!(mine.this_device);
    assert_eq!(mine.last_seen_at.unwrap().to_rfc3339(), "2025-11-22T10:00:00+00:00");
    assert_eq!(mine.revoked_at, None);

    let theirs = SyncDevice::new(device(other, None, Some(1_763_805_600_000)), me);
    assert!(!theirs.this_device);
    assert_eq!(theirs.last_seen_at, None);
    let json = serde_json::to_value(&theirs).unwrap();
    assert_eq!(json["revoked_at"], "2025-11-22T10:00:00Z");
    assert_eq!(json["account_email"], "rep@example.com");

    // A time the server can't mean (past what a date holds) is left out, not a panic.
    assert_eq!(SyncDevice::new(device(other, Some(u64::MAX), None), me).last_seen_at, None);
}

#[test]
fn an_invite_says_when_it_expires() {
    let invite = SyncInvite::from(Invite { code: "ONE".into(), expires_at: 1_764_410_400_000 });
    assert_eq!(invite.code, "ONE");
    assert_eq!(invite.expires_at.unwrap().to_rfc3339(), "2025-11-29T10:00:00+00:00");
}

#[tokio::test]
async fn a_never_signed_in_status_is_plain_json_for_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let view =
        SyncView { status: store.sync_status().await.unwrap(), error_code: None, syncing: false };
    let json = serde_json::to_value(&view).unwrap();
    assert_eq!(json["status"]["server_url"], serde_json::Value::Null);
    assert_eq!(json["status"]["signed_in"], false);
    assert_eq!(json["status"]["outbox"], 0);
    let offline = SyncView { error_code: Some(ErrorCode::Offline), ..view };
    assert_eq!(serde_json::to_value(&offline).unwrap()["error_code"], "offline");
}
