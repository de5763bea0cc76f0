//! Customer photos (from vCards): at most 256 KiB each, in `customer_photos`. The `photo`
//! op carries the type, the SHA-256 and the bytes (base64), so the photo reaches the team's
//! other devices; a 256 KiB photo fits the sync server's 1 MiB payload cap. (Ops written
//! before photos synced carry no bytes: a device that took one in keeps what it has.)

use base64::Engine as _;
use rapport_protocol::EntityKind;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;
use uuid::Uuid;

use super::Photo;
use crate::error::Result;
use crate::store::{Change, Store};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PhotoOp {
    pub mime: String,
    pub sha256: String,
}

pub(crate) fn photo_op(p: &Photo) -> PhotoOp {
    PhotoOp { mime: p.mime.clone(), sha256: hex::encode(Sha256::digest(&p.data)) }
}

/// What the `photo` op holds: [`PhotoOp`] and the bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct PhotoValue {
    #[serde(flatten)]
    op: PhotoOp,
    /// Base64 (standard); absent in ops written before photos synced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    data: Option<String>,
}

fn photo_value(p: &Photo) -> PhotoValue {
    let data = base64::engine::general_purpose::STANDARD.encode(&p.data);
    PhotoValue { op: photo_op(p), data: Some(data) }
}

/// Puts a customer's photo as its ops say (sync's rebuild): `null` removes it, a value
/// with bytes sets it (checked against its SHA-256), an old value without bytes leaves
/// whatever this device has.
pub(crate) async fn apply_photo(
    ch: &mut Change<'_>,
    id: Uuid,
    value: Option<&serde_json::Value>,
) -> Result<()> {
    let value = match value {
        None => return Ok(()),
        Some(serde_json::Value::Null) => None,
        Some(v) => Some(serde_json::from_value::<PhotoValue>(v.clone()).map_err(|e| {
            crate::error::Error::Internal(format!("customer {id}: photo in its ops: {e}"))
        })?),
    };
    let Some(value) = value else {
        sqlx::query("DELETE FROM customer_photos WHERE customer_id = ?")
            .bind(id.to_string())
            .execute(ch.conn())
            .await?;
        return Ok(());
    };
    let Some(data) = value.data else { return Ok(()) };
    let bytes = base64::engine::general_purpose::STANDARD.decode(data).map_err(|e| {
        crate::error::Error::Internal(format!("customer {id}: photo bytes in its ops: {e}"))
    })?;
    if hex::encode(Sha256::digest(&bytes)) != value.op.sha256 {
        return Err(crate::error::Error::Internal(format!(
            "customer {id}: the photo's bytes don't match its SHA-256"
        )));
    }
    sqlx::query(
        "INSERT INTO customer_photos (customer_id, mime, data, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (customer_id) DO UPDATE SET mime = excluded.mime, data = excluded.data,
            updated_at = excluded.updated_at
         WHERE customer_photos.mime IS NOT excluded.mime OR customer_photos.data IS NOT excluded.data",
    )
    .bind(id.to_string())
    .bind(&value.op.mime)
    .bind(&bytes)
    .bind(ch.now().to_rfc3339())
    .execute(ch.conn())
    .await?;
    Ok(())
}

/// Sets (or, with `None`, removes) a customer's photo, with its op.
pub(crate) async fn write_photo(
    ch: &mut Change<'_>,
    id: Uuid,
    photo: Option<&Photo>,
) -> Result<()> {
    match photo {
        Some(p) => {
            sqlx::query(
                "INSERT INTO customer_photos (customer_id, mime, data, updated_at) VALUES (?, ?, ?, ?)
                 ON CONFLICT (customer_id) DO UPDATE SET mime = excluded.mime, data = excluded.data,
                    updated_at = excluded.updated_at",
            )
            .bind(id.to_string())
            .bind(&p.mime)
            .bind(&p.data)
            .bind(ch.now().to_rfc3339())
            .execute(ch.conn())
            .await?;
            ch.set(EntityKind::Customer, id, "photo", photo_value(p)).await
        }
        None => {
            sqlx::query("DELETE FROM customer_photos WHERE customer_id = ?")
                .bind(id.to_string())
                .execute(ch.conn())
                .await?;
            ch.set(EntityKind::Customer, id, "photo", serde_json::Value::Null).await
        }
    }
}

impl Store {
    /// A customer's photo, if it has one.
    pub async fn customer_photo(&self, id: Uuid) -> Result<Option<Photo>> {
        let row = sqlx::query("SELECT mime, data FROM customer_photos WHERE customer_id = ?")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| Photo { mime: r.get("mime"), data: r.get("data") }))
    }
}
