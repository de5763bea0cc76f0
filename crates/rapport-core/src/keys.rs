//! The store key: 32 random bytes, never on disk in plaintext.
//!
//! A small key file beside the database says how the key is protected: either it lives in
//! the OS keychain, or it is wrapped (XChaCha20-Poly1305) by a key derived from the user's
//! passphrase with Argon2id. The key file also holds a check value (a domain-separated
//! SHA-256 of the key) so a database that fails to decrypt can be told apart: wrong key
//! versus damaged file.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;
use uuid::Uuid;
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};

pub const KEY_FILE: &str = "keyfile.json";
const KEYCHAIN_SERVICE: &str = "rapport";
const KEY_CHECK_DOMAIN: &[u8] = b"rapport key check v1";

/// The raw 32-byte store key; wiped from memory when dropped.
#[derive(Clone)]
pub struct StoreKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(..)")
    }
}

impl StoreKey {
    pub fn generate() -> Self {
        let mut k = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(k.as_mut());
        StoreKey(k)
    }

    fn from_hex(s: &str) -> Option<Self> {
        let mut k = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(s.trim(), k.as_mut()).ok()?;
        Some(StoreKey(k))
    }

    fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0.as_ref()))
    }

    /// The SQLCipher `PRAGMA key` value for a raw key (skips SQLCipher's own KDF).
    pub(crate) fn pragma_value(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("\"x'{}'\"", self.to_hex().as_str()))
    }

    fn check_value(&self) -> String {
        let mut h = Sha256::new();
        h.update(KEY_CHECK_DOMAIN);
        h.update(self.0.as_ref());
        hex::encode(h.finalize())
    }
}

/// How a new store's key should be protected.
#[derive(Debug, Clone)]
pub enum Protection {
    Keychain,
    Passphrase(Zeroizing<String>),
}

/// What the caller can offer to unlock an existing store.
#[derive(Debug, Clone, Default)]
pub struct Unlock {
    pub passphrase: Option<Zeroizing<String>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct KeyFile {
    pub version: u32,
    pub store_id: Uuid,
    pub key_check: String,
    /// The database file's first 16 bytes (SQLCipher's random per-file salt, stored in
    /// the clear), so a key file paired with another store's database is told apart from
    /// a damaged database.
    #[serde(default)]
    pub db_salt: Option<String>,
    pub protection: KeyFileProtection,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum KeyFileProtection {
    Keychain { service: String, account: String },
    Passphrase { kdf: KdfParams, nonce: String, wrapped_key: String },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct KdfParams {
    pub algorithm: String,
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
    pub salt: String,
}

impl KdfParams {
    fn new() -> Self {
        let mut salt = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        // OWASP's Argon2id baseline: 19 MiB, 2 passes. Costs about 50 ms here, once per open.
        KdfParams {
            algorithm: "argon2id".into(),
            m_cost_kib: 19 * 1024,
            t_cost: 2,
            p_cost: 1,
            salt: hex::encode(salt),
        }
    }

    fn derive(&self, passphrase: &str) -> Result<Zeroizing<[u8; 32]>> {
        let bad = |e: String| Error::Internal(format!("key file KDF parameters: {e}"));
        let params = Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(32))
            .map_err(|e| bad(e.to_string()))?;
        let salt = hex::decode(&self.salt).map_err(|e| bad(e.to_string()))?;
        let mut out = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase.as_bytes(), &salt, out.as_mut())
            .map_err(|e| bad(e.to_string()))?;
        Ok(out)
    }
}

pub(crate) fn key_file_path(dir: &Path) -> PathBuf {
    dir.join(KEY_FILE)
}

pub(crate) fn read_key_file(dir: &Path) -> Result<Option<KeyFile>> {
    let path = key_file_path(dir);
    match fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| Error::KeyMissing {
            path: dir.to_path_buf(),
            detail: format!("{} is unreadable ({e})", path.display()),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(format!("reading {}", path.display()), e)),
    }
}

/// Protects a fresh key and writes the key file (atomically: temp file, fsync, rename).
pub(crate) fn create_key_file(
    dir: &Path,
    key: &StoreKey,
    protection: &Protection,
) -> Result<KeyFile> {
    let store_id = Uuid::now_v7();
    let protection = protect(key, store_id, protection)?;
    let file =
        KeyFile { version: 1, store_id, key_check: key.check_value(), db_salt: None, protection };
    write_key_file(dir, &file)?;
    Ok(file)
}

/// Protects `key` as asked: stores it in the keychain, or wraps it under the passphrase
/// (fresh KDF salt and nonce each time, the store id as associated data).
fn protect(key: &StoreKey, store_id: Uuid, protection: &Protection) -> Result<KeyFileProtection> {
    Ok(match protection {
        Protection::Keychain => {
            let account = format!("store-{store_id}");
            keychain_entry(&account)?
                .set_password(key.to_hex().as_str())
                .map_err(keychain_error)?;
            KeyFileProtection::Keychain { service: KEYCHAIN_SERVICE.into(), account }
        }
        Protection::Passphrase(pass) => {
            validate_passphrase(pass)?;
            let kdf = KdfParams::new();
            let wrapping = kdf.derive(pass)?;
            let mut nonce = [0u8; 24];
            rand::rngs::OsRng.fill_bytes(&mut nonce);
            let cipher = XChaCha20Poly1305::new(wrapping.as_ref().into());
            let wrapped = cipher
                .encrypt(
                    XNonce::from_slice(&nonce),
                    Payload { msg: key.0.as_ref(), aad: store_id.as_bytes() },
                )
                .map_err(|_| Error::Internal("could not wrap the store key".into()))?;
            KeyFileProtection::Passphrase {
                kdf,
                nonce: hex::encode(nonce),
                wrapped_key: hex::encode(wrapped),
            }
        }
    })
}

/// How an existing store's key is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProtectionKind {
    Keychain,
    Passphrase,
}

/// Re-protects the store key: keychain → passphrase (`current` none, `next` the
/// passphrase), a new passphrase (`current`, `next`), or passphrase → keychain (`current`,
/// `next` none). The key itself never changes, so the database is not touched.
///
/// Crash safety: the new protection is complete (keychain entry written, or key wrapped)
/// before the key file is replaced atomically; only then is an old keychain entry removed.
/// A crash at any point leaves a key file that opens the store.
pub fn change_protection(
    dir: &Path,
    current: Option<&str>,
    next: Option<&str>,
) -> Result<ProtectionKind> {
    let mut file = read_key_file(dir)?.ok_or_else(|| Error::NotInitialized(dir.to_path_buf()))?;
    let current = current.filter(|c| !c.is_empty());
    let unlock = match (&file.protection, current) {
        (KeyFileProtection::Passphrase { .. }, None) => {
            return Err(Error::invalid("current", "enter the current passphrase"))
        }
        (KeyFileProtection::Keychain { .. }, Some(_)) => {
            return Err(Error::invalid(
                "current",
                "the store has no passphrase yet (its key is in the keychain); leave it empty",
            ))
        }
        (_, c) => Unlock { passphrase: c.map(|c| Zeroizing::new(c.to_string())) },
    };
    let next = match next.filter(|n| !n.is_empty()) {
        Some(p) => {
            validate_passphrase(p).map_err(|e| match e {
                Error::InvalidInput { problem, .. } => Error::invalid("next", problem),
                other => other,
            })?;
            Protection::Passphrase(Zeroizing::new(p.to_string()))
        }
        None if matches!(file.protection, KeyFileProtection::Keychain { .. }) => {
            return Err(Error::invalid("next", "the key is already in the keychain"))
        }
        None => Protection::Keychain,
    };
    let key = unlock_key(dir, &file, &unlock)?;
    let new = protect(&key, file.store_id, &next)?;
    if let KeyFileProtection::Keychain { account, .. } = &new {
        // Read it back: never switch the key file to an entry that does not return the key.
        let stored = keychain_entry(account)?.get_password().map_err(keychain_error)?;
        if StoreKey::from_hex(&stored).map(|k| k.check_value()) != Some(file.key_check.clone()) {
            return Err(Error::KeychainUnavailable(
                "the keychain did not return the key just stored".into(),
            ));
        }
    }
    let old = std::mem::replace(&mut file.protection, new);
    write_key_file(dir, &file)?;
    if let KeyFileProtection::Keychain { account, .. } = old {
        if let Err(e) = keychain_entry(&account).and_then(|e| {
            e.delete_credential().or_else(|e| match e {
                keyring::Error::NoEntry => Ok(()),
                e => Err(keychain_error(e)),
            })
        }) {
            // The key file no longer points at it; a leftover entry is harmless but worth knowing.
            tracing::warn!(error = %e, account, "could not remove the old keychain entry");
        }
    }
    Ok(kind_of(&file))
}

pub(crate) fn kind_of(file: &KeyFile) -> ProtectionKind {
    match file.protection {
        KeyFileProtection::Keychain { .. } => ProtectionKind::Keychain,
        KeyFileProtection::Passphrase { .. } => ProtectionKind::Passphrase,
    }
}

pub(crate) fn write_key_file(dir: &Path, file: &KeyFile) -> Result<()> {
    let bytes = serde_json::to_vec_pretty(file).expect("key file serialises");
    write_atomically(&key_file_path(dir), &bytes)
}

pub fn validate_passphrase(pass: &str) -> Result<()> {
    if pass.chars().count() < 8 {
        return Err(Error::invalid("passphrase", "must be at least 8 characters"));
    }
    Ok(())
}

/// Recovers the key described by the key file, or says precisely why it can't.
pub(crate) fn unlock_key(dir: &Path, file: &KeyFile, unlock: &Unlock) -> Result<StoreKey> {
    let key = match &file.protection {
        KeyFileProtection::Keychain { account, .. } => {
            let secret = match keychain_entry(account)?.get_password() {
                Ok(s) => Zeroizing::new(s),
                Err(keyring::Error::NoEntry) => {
                    return Err(Error::KeyMissing {
                        path: dir.to_path_buf(),
                        detail: format!("the system keychain has no entry `{account}`"),
                    })
                }
                Err(e) => return Err(keychain_error(e)),
            };
            StoreKey::from_hex(&secret).ok_or_else(|| Error::KeyMissing {
                path: dir.to_path_buf(),
                detail: "the keychain entry is not a Rapport key".into(),
            })?
        }
        KeyFileProtection::Passphrase { kdf, nonce, wrapped_key } => {
            let pass = unlock
                .passphrase
                .as_ref()
                .ok_or_else(|| Error::PassphraseRequired(dir.to_path_buf()))?;
            let wrapping = kdf.derive(pass)?;
            let nonce = hex::decode(nonce).ok().filter(|n| n.len() == 24);
            let wrapped = hex::decode(wrapped_key).ok();
            let (Some(nonce), Some(wrapped)) = (nonce, wrapped) else {
                return Err(Error::KeyMissing {
                    path: dir.to_path_buf(),
                    detail: "the key file is malformed".into(),
                });
            };
            let cipher = XChaCha20Poly1305::new(wrapping.as_ref().into());
            let mut plain = cipher
                .decrypt(
                    XNonce::from_slice(&nonce),
                    Payload { msg: &wrapped, aad: file.store_id.as_bytes() },
                )
                .map_err(|_| Error::WrongPassphrase(dir.to_path_buf()))?;
            let mut k = Zeroizing::new([0u8; 32]);
            if plain.len() != 32 {
                plain.zeroize();
                return Err(Error::KeyMissing {
                    path: dir.to_path_buf(),
                    detail: "the wrapped key has the wrong size".into(),
                });
            }
            k.copy_from_slice(&plain);
            plain.zeroize();
            StoreKey(k)
        }
    };
    if key.check_value() != file.key_check {
        return Err(Error::WrongKey(dir.to_path_buf()));
    }
    Ok(key)
}

/// The raw key of a passphrase-protected store, as hex. Only for tests that need to look
/// at a store below the API (e.g. after a refused migration).
#[cfg(feature = "test-support")]
pub fn debug_unwrap_key_for_tests(dir: &Path, passphrase: &str) -> Result<Zeroizing<String>> {
    let file = read_key_file(dir)?.ok_or_else(|| Error::NotInitialized(dir.to_path_buf()))?;
    let unlock = Unlock { passphrase: Some(Zeroizing::new(passphrase.to_string())) };
    Ok(unlock_key(dir, &file, &unlock)?.to_hex())
}

/// Whether the keychain answers at all (used to offer it on first run).
pub fn keychain_available() -> bool {
    match keychain_entry("availability-probe").and_then(|e| match e.get_password() {
        Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(keychain_error(e)),
    }) {
        Ok(()) => true,
        Err(e) => {
            tracing::info!(error = %e, "keychain not available");
            false
        }
    }
}

/// Removes the keychain entry of a store (used when a half-made store is cleaned up).
pub(crate) fn forget_keychain_entry(file: &KeyFile) {
    if let KeyFileProtection::Keychain { account, .. } = &file.protection {
        if let Ok(entry) = keychain_entry(account) {
            let _ = entry.delete_credential();
        }
    }
}

fn keychain_entry(account: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(KEYCHAIN_SERVICE, account).map_err(keychain_error)
}

fn keychain_error(e: keyring::Error) -> Error {
    Error::KeychainUnavailable(e.to_string())
}

pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let ctx = |what: &str| format!("{what} {}", tmp.display());
    let mut f = fs::File::create(&tmp).map_err(|e| Error::io(ctx("creating"), e))?;
    crate::store::restrict_to_owner(&tmp, 0o600)?;
    f.write_all(bytes).map_err(|e| Error::io(ctx("writing"), e))?;
    f.sync_all().map_err(|e| Error::io(ctx("syncing"), e))?;
    drop(f);
    fs::rename(&tmp, path).map_err(|e| Error::io(format!("renaming to {}", path.display()), e))?;
    if let Some(parent) = path.parent() {
        if let Ok(d) = fs::File::open(parent) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrase_wraps_and_unwraps_and_wrong_one_is_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let key = StoreKey::generate();
        let file = create_key_file(
            dir.path(),
            &key,
            &Protection::Passphrase(Zeroizing::new("correct horse".into())),
        )
        .unwrap();
        let raw = fs::read_to_string(key_file_path(dir.path())).unwrap();
        assert!(!raw.contains(key.to_hex().as_str()), "plaintext key in the key file");

        let ok = Unlock { passphrase: Some(Zeroizing::new("correct horse".into())) };
        assert_eq!(unlock_key(dir.path(), &file, &ok).unwrap().to_hex(), key.to_hex());
        let bad = Unlock { passphrase: Some(Zeroizing::new("wrong horse".into())) };
        assert!(matches!(unlock_key(dir.path(), &file, &bad), Err(Error::WrongPassphrase(_))));
        assert!(matches!(
            unlock_key(dir.path(), &file, &Unlock::default()),
            Err(Error::PassphraseRequired(_))
        ));
    }

    #[test]
    fn short_passphrase_is_refused() {
        assert!(matches!(validate_passphrase("short"), Err(Error::InvalidInput { .. })));
    }
}
