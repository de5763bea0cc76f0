//! Column mappings the user saved (for files no known format describes). Kept in the
//! store; an import uses one automatically when its columns are exactly the file's.

use super::mapping::validate_mapping;
use super::{ColumnMapping, SavedMapping};
use crate::error::{Error, Result};
use crate::store::Store;
use crate::text;

impl Store {
    pub async fn list_mappings(&self) -> Result<Vec<SavedMapping>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT name, mapping FROM import_mappings ORDER BY name COLLATE NOCASE",
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(name, m)| Ok(SavedMapping { mapping: text::json("mapping", &m)?, name }))
            .collect()
    }

    /// Saves (or replaces) a mapping under a name.
    pub async fn save_mapping(&self, name: &str, mapping: &ColumnMapping) -> Result<SavedMapping> {
        let name = text::required("name", name, 100)?;
        validate_mapping(mapping)?;
        if mapping.columns.is_empty() {
            return Err(Error::invalid("mapping", "has no columns"));
        }
        let mut ch = self.change().await?;
        sqlx::query(
            "INSERT INTO import_mappings (name, mapping, updated_at) VALUES (?, ?, ?)
             ON CONFLICT (name) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at",
        )
        .bind(&name)
        .bind(text::to_json(mapping))
        .bind(ch.now().to_rfc3339())
        .execute(ch.conn())
        .await?;
        ch.commit().await?;
        Ok(SavedMapping { name, mapping: mapping.clone() })
    }

    pub async fn delete_mapping(&self, name: &str) -> Result<()> {
        let mut ch = self.change().await?;
        let n = sqlx::query("DELETE FROM import_mappings WHERE name = ?")
            .bind(name.trim())
            .execute(ch.conn())
            .await?
            .rows_affected();
        if n == 0 {
            return Err(Error::NotFound(format!("saved mapping `{}`", name.trim())));
        }
        ch.commit().await
    }
}
