//! Accounts, sign-in, invites, roles and devices: the bodies of `/v1/accounts`,
//! `/v1/sessions`, `/v1/invites` and `/v1/devices`, shared by the server and the client.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A team member's role. Owners and admins manage devices and invites; only the owner
/// changes roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }

    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "owner" => Some(Role::Owner),
            "admin" => Some(Role::Admin),
            "member" => Some(Role::Member),
            _ => None,
        }
    }

    /// Owners and admins manage the team's devices and invites.
    pub fn manages(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }
}

/// `POST /v1/accounts`: without an invite, a new team (`team_name`) owned by the account;
/// with one, the inviting team, as a member.
#[derive(Clone, Serialize, Deserialize)]
pub struct CreateAccount {
    pub email: String,
    pub password: String,
    pub team_name: Option<String>,
    pub invite: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountCreated {
    pub account_id: Uuid,
    pub team_id: Uuid,
    pub role: Role,
}

/// `POST /v1/sessions`: signs a device in; `device_id` is the store's own device id, the
/// one its ops carry.
#[derive(Clone, Serialize, Deserialize)]
pub struct SignIn {
    pub email: String,
    pub password: String,
    pub device_id: Uuid,
    pub device_name: String,
}

// Passwords never reach a log.
impl std::fmt::Debug for CreateAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateAccount")
            .field("email", &self.email)
            .field("team_name", &self.team_name)
            .field("invite", &self.invite.as_ref().map(|_| "…"))
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn")
            .field("email", &self.email)
            .field("device_id", &self.device_id)
            .field("device_name", &self.device_name)
            .finish_non_exhaustive()
    }
}

/// The token is shown once, here; the server keeps only its hash.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub token: String,
    pub account_id: Uuid,
    pub team_id: Uuid,
    pub device_id: Uuid,
    pub role: Role,
}

impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn")
            .field("account_id", &self.account_id)
            .field("team_id", &self.team_id)
            .field("device_id", &self.device_id)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// `POST /v1/invites`: a one-use code, valid until `expires_at` (ms since the epoch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    pub code: String,
    pub expires_at: u64,
}

/// `PUT /v1/accounts/{id}/role`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetRole {
    pub role: Role,
}

/// `GET /v1/devices`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Devices {
    pub devices: Vec<DeviceInfo>,
}

/// A device as the list shows it (times in ms since the epoch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    pub id: Uuid,
    pub name: String,
    pub account_id: Uuid,
    pub account_email: String,
    pub created_at: u64,
    pub last_seen_at: Option<u64>,
    pub revoked_at: Option<u64>,
}
