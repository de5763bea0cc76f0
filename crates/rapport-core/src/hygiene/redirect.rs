//! A merged customer's id keeps working: it leads to the customer it was merged into
//! (through merges of merges), so an open page, a link or a script that still holds the
//! old id reads and edits the survivor.

use uuid::Uuid;

use crate::error::{Error, Result};
use crate::store::Store;
use crate::text::parse_id;

/// Longer chains than this mean damaged data (a loop), not real merges.
const MAX_HOPS: usize = 64;

impl Store {
    /// The live customer `id` stands for: itself, or the customer it was merged into.
    /// `NotFound` for unknown and deleted (not merged) customers.
    pub async fn live_customer_id(&self, id: Uuid) -> Result<Uuid> {
        let mut current = id;
        for _ in 0..MAX_HOPS {
            let row: Option<(Option<String>, Option<String>)> =
                sqlx::query_as("SELECT deleted_at, merged_into FROM customers WHERE id = ?")
                    .bind(current.to_string())
                    .fetch_optional(self.pool())
                    .await?;
            match row {
                Some((None, _)) => return Ok(current),
                Some((Some(_), Some(next))) => current = parse_id(&next)?,
                _ => return Err(Error::NotFound(format!("customer {id}"))),
            }
        }
        Err(Error::Internal(format!("customer {id}: merge redirects form a loop")))
    }
}
