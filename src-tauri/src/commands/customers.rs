//! The customer list, the customer page, and adding, editing and deleting customers.

use rapport_core::customers::{
    Customer, CustomerDetail, CustomerFacets, CustomerPage, CustomerQuery, CustomerSummary,
    NewCustomer,
};
use rapport_core::ApiError;

use super::args::{capped, capped_opt, done, id};
use super::{invalid, task, Res, Shared};

const MAX_QUERY: usize = 200;
const MAX_LIMIT: u32 = 500;
const MAX_EDITS: usize = 100;
const MAX_EDIT_VALUE: usize = 100_000;

#[tauri::command]
pub async fn list_customers(session: Shared<'_>, query: CustomerQuery) -> Res<CustomerPage> {
    capped_opt("query", query.query.as_deref(), MAX_QUERY)?;
    capped_opt("tag", query.tag.as_deref(), 50)?;
    capped_opt("owner", query.owner.as_deref(), 500)?;
    let query = CustomerQuery { limit: query.limit.clamp(1, MAX_LIMIT), ..query };
    let session = session.inner().clone();
    let asked = super::bench::since_start_ms();
    let page = task(async move {
        let store = session.store().await?;
        let t = super::bench::since_start_ms();
        let page = store.customer_page(&query).await.map_err(ApiError::from);
        tracing::debug!(target: "startup", "customer_page from {t:.0} to {:.0} ms", super::bench::since_start_ms());
        page
    })
    .await;
    tracing::debug!(target: "startup", "list_customers from {asked:.0} to {:.0} ms", super::bench::since_start_ms());
    page
}

#[tauri::command]
pub async fn customer_facets(session: Shared<'_>) -> Res<CustomerFacets> {
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.customer_facets().await.map_err(ApiError::from)
    })
    .await
}

#[tauri::command]
pub async fn get_customer(session: Shared<'_>, id: String) -> Res<CustomerDetail> {
    let id = self::id("id", &id)?;
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.customer_detail(id).await.map_err(ApiError::from)
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

/// `edits` are `[field, value]` pairs in the edit language of `rapport customer edit`.
#[tauri::command]
pub async fn edit_customer(
    session: Shared<'_>,
    id: String,
    edits: Vec<(String, String)>,
) -> Res<Customer> {
    let id = self::id("id", &id)?;
    if edits.len() > MAX_EDITS {
        return Err(invalid(format!("edits: more than {MAX_EDITS} changes at once")));
    }
    for (field, value) in &edits {
        capped("edits: a field name", field, 100)?;
        capped(&format!("edits: {field}"), value, MAX_EDIT_VALUE)?;
    }
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.edit_customer(id, &edits).await.map_err(ApiError::from)
    })
    .await
}

#[tauri::command]
pub async fn delete_customer(session: Shared<'_>, id: String) -> Res<()> {
    let id = self::id("id", &id)?;
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        done(store.delete_customer(id).await)
    })
    .await
}
