//! The customer list and adding customers.

use rapport_core::customers::{CustomerFilter, CustomerSummary, NewCustomer};
use rapport_core::ApiError;

use super::{invalid, task, Res, Shared};

const MAX_QUERY: usize = 200;
const MAX_LIMIT: u32 = 1000;

#[tauri::command]
pub async fn list_customers(
    session: Shared<'_>,
    query: Option<String>,
    limit: u32,
) -> Res<Vec<CustomerSummary>> {
    if query.as_ref().is_some_and(|q| q.chars().count() > MAX_QUERY) {
        return Err(invalid(format!("query: longer than {MAX_QUERY} characters")));
    }
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        let filter =
            CustomerFilter { query, tag: None, limit: limit.clamp(1, MAX_LIMIT), offset: 0 };
        store.list_customers(&filter).await.map_err(ApiError::from)
    })
    .await
}

#[tauri::command]
pub async fn add_customer(session: Shared<'_>, input: NewCustomer) -> Res<CustomerSummary> {
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.add_customer(&input).await.map_err(ApiError::from)
    })
    .await
}
