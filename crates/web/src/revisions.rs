//! A content page's earlier versions in the workspace: compared line by
//! line and restored. They come from the audit log, which keeps every
//! version a change wrote.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kreiskom_core::{FieldError, Kind, Page};
use kreiskom_publish::revisions;
use serde::Deserialize;

use crate::admin::render;
use crate::auth::{Form, InTenant};
use crate::error::{Error, PageError};
use crate::routes::{Access, Routes};
use crate::AppState;

type Reply = Result<Response, PageError>;

const PATH: &str = "/admin/{tenant}/seiten/{slug}/fassungen";

pub(crate) fn routes(r: Routes) -> Routes {
    r.get(PATH, Access::Tenant, list)
        .post(PATH, Access::Tenant, restore)
}

#[derive(Deserialize)]
struct Compare {
    von: Option<i64>,
    bis: Option<i64>,
    wiederhergestellt: Option<i64>,
}

async fn list(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
    Query(q): Query<Compare>,
) -> Reply {
    let current = s
        .store
        .get::<Page>(Some(&t.tenant), &slug)
        .await?
        .ok_or(PageError(Error::NotFound))?;
    let entries = s
        .store
        .audit_of_record(Kind::Page, Some(&t.tenant), &slug)
        .await?;
    let view = revisions::revisions(&current.record, current.version, &entries, q.von.zip(q.bis));
    let may_edit = t.permit(Kind::Page).is_ok();
    render(
        &s,
        &t,
        Kind::Page.path(),
        StatusCode::OK,
        "admin/revisions.html",
        serde_json::json!({
            "view": view,
            "may_edit": may_edit,
            "restored": q.wiederhergestellt,
        }),
    )
    .await
}

/// Writes an earlier version as the newest; the version replaced stays in
/// the log, so a restore can itself be undone.
async fn restore(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
    form: Form,
) -> Reply {
    let permit = t.permit(Kind::Page)?;
    let Some(version) = form.get("version").and_then(|v| v.parse::<i64>().ok()) else {
        return Err(PageError(Error::Body(vec![FieldError::new(
            "version",
            "Bitte eine Fassung wählen.",
        )])));
    };
    let current = s
        .store
        .get::<Page>(Some(&t.tenant), &slug)
        .await?
        .ok_or(PageError(Error::NotFound))?;
    let entries = s
        .store
        .audit_of_record(Kind::Page, Some(&t.tenant), &slug)
        .await?;
    let old = revisions::page_at(&entries, version).ok_or(PageError(Error::NotFound))?;
    s.store
        .update(&permit, Some(&t.tenant), &slug, old, Some(current.version))
        .await?;
    Ok(Redirect::to(&format!(
        "/admin/{}/seiten/{slug}/fassungen?wiederhergestellt={version}",
        t.tenant
    ))
    .into_response())
}
