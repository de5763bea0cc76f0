//! Customer photos (from vCards): at most 256 KiB each, in `customer_photos`. The `photo`
//! op carries the type and SHA-256 of the bytes (the bytes themselves travel with sync later).

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
            ch.set(EntityKind::Customer, id, "photo", photo_op(p)).await
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
