//! The freshness dashboard over HTTP: what may be stale, and marking a
//! finding as checked with a comment.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kreiskom_core::{FindingCheck, Kind, LocalTime};
use serde::Deserialize;

use crate::admin::render;
use crate::auth::{Form, InTenant};
use crate::error::{Error, PageError};
use crate::public_form::opt;
use crate::routes::{Access, Routes};
use crate::AppState;

type Reply = Result<Response, PageError>;

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/admin/{tenant}/aktualitaet", Access::Tenant, dashboard)
        .post("/admin/{tenant}/aktualitaet", Access::Tenant, check)
}

#[derive(Deserialize)]
struct Filter {
    /// Only the findings of this unit.
    #[serde(default)]
    stelle: Option<String>,
    #[serde(default)]
    geprueft: Option<String>,
}

pub(crate) async fn view(
    s: &AppState,
    t: &InTenant,
    owner: Option<&str>,
) -> Result<kreiskom_publish::freshness::FreshnessView, PageError> {
    let scope = s.store.tenant_scope(&t.tenant).await?;
    Ok(s.site
        .freshness(&t.tenant, &scope, s.now(), s.fact_years, owner)
        .await?)
}

async fn dashboard(State(s): State<AppState>, t: InTenant, Query(f): Query<Filter>) -> Reply {
    let owner = f.stelle.as_deref().filter(|o| !o.is_empty());
    let view = view(&s, &t, owner).await?;
    let may_check = t.permit(Kind::FindingCheck).is_ok();
    render(
        &s,
        &t,
        "aktualitaet",
        StatusCode::OK,
        "admin/freshness.html",
        serde_json::json!({
            "view": view,
            "may_check": may_check,
            "owner": owner,
            "done": f.geprueft.is_some(),
        }),
    )
    .await
}

/// Marks a finding as checked: it stays quiet until its cause changes.
async fn check(State(s): State<AppState>, t: InTenant, form: Form) -> Reply {
    // The permission first, then the input.
    let permit = t.permit(Kind::FindingCheck)?;
    let key = form.get("key").unwrap_or_default().to_owned();
    let fingerprint = form.get("fingerprint").unwrap_or_default().to_owned();
    let comment = opt(form.get("comment").unwrap_or_default());
    // Only what the dashboard lists now: a finding changed since the page
    // was opened is shown again, not checked unseen.
    if !view(&s, &t, None).await?.lists(&key, &fingerprint) {
        return Err(PageError(Error::Body(vec![kreiskom_core::FieldError::new(
            "key",
            "Dieser Hinweis hat sich geändert, seit die Seite geladen wurde; bitte neu laden und erneut prüfen.",
        )])));
    }
    let record = FindingCheck {
        slug: FindingCheck::slug_for(&key),
        key,
        fingerprint,
        comment,
        checked: LocalTime::at(s.now()),
        doubts: vec![],
    };
    let slug = record.slug.to_string();
    match s.store.get::<FindingCheck>(Some(&t.tenant), &slug).await? {
        Some(_) => {
            s.store
                .update(&permit, Some(&t.tenant), &slug, record, None)
                .await?;
        }
        None => {
            s.store.create(&permit, Some(&t.tenant), record).await?;
        }
    }
    Ok(Redirect::to(&format!("/admin/{}/aktualitaet?geprueft=1", t.tenant)).into_response())
}
