//! What the desktop's sync settings and status indicator show: the status with the last
//! attempt's error code, the team's devices, an invite, and what one sync moved.

use chrono::{DateTime, Utc};
use rapport_protocol::wire::accounts::{DeviceInfo, Invite};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::SyncStatus;
use crate::error::ErrorCode;

/// The status as the window shows it. `error_code` is the last attempt's code since the
/// app started (`offline`, `unauthorized`, `client_outdated`…): the store keeps only the
/// words (`status.last_error`), which is all a restart has until the next attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncView {
    pub status: SyncStatus,
    pub error_code: Option<ErrorCode>,
    /// A sync is running right now.
    pub syncing: bool,
}

/// One of the team's devices, for the device list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncDevice {
    pub id: Uuid,
    pub name: String,
    pub account_email: String,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The device this store is (revoking it is signing out).
    pub this_device: bool,
}

impl SyncDevice {
    pub fn new(info: DeviceInfo, this_device: Uuid) -> Self {
        SyncDevice {
            this_device: info.id == this_device,
            id: info.id,
            name: info.name,
            account_email: info.account_email,
            last_seen_at: info.last_seen_at.and_then(from_ms),
            revoked_at: info.revoked_at.and_then(from_ms),
        }
    }
}

/// A one-use code that lets a colleague's new account join the team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncInvite {
    pub code: String,
    pub expires_at: Option<DateTime<Utc>>,
}

impl From<Invite> for SyncInvite {
    fn from(invite: Invite) -> Self {
        SyncInvite { code: invite.code, expires_at: from_ms(invite.expires_at) }
    }
}

/// What one sync moved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncOutcome {
    /// This device's changes the server took.
    #[ts(type = "number")]
    pub pushed: u64,
    /// Other devices' changes taken in.
    #[ts(type = "number")]
    pub received: u64,
    /// This was a new device's first sync, from the team's compacted snapshot.
    pub from_snapshot: bool,
}

fn from_ms(ms: u64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(i64::try_from(ms).ok()?)
}
