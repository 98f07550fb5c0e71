//! The press office's admin steps beyond editing: submitting, approving
//! and returning a release, and a journalist's data rights (GDPR).

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use kreiskom_core::{press::may_approve, Kind, PressRelease, ReleaseMail, ReleaseState, Stage};
use kreiskom_publish::german_timestamp;
use kreiskom_publish::people::People;
use serde_json::{json, Value};

use crate::auth::{Form, InTenant};
use crate::error::{Error, PageError};
use crate::routes::{Access, Routes};
use crate::AppState;

pub(crate) fn routes(r: Routes) -> Routes {
    const T: Access = Access::Tenant;
    let release = "/admin/{tenant}/pressemitteilungen/{slug}";
    let journalist = "/admin/{tenant}/medienkontakte/{slug}";
    r.get(&format!("{release}/vorschau"), T, preview)
        .post(&format!("{release}/einreichen"), T, submit)
        .post(&format!("{release}/freigeben"), T, approve)
        .post(&format!("{release}/zurueckgeben"), T, return_to_draft)
        .post(&format!("{release}/zurueckziehen"), T, withdraw)
        .get(&format!("{journalist}/auskunft"), T, export)
        .post(&format!("{journalist}/dsgvo-loeschen"), T, erase)
}

type Reply = Result<Response, PageError>;

fn back(t: &InTenant, slug: &str, note: &str) -> Response {
    Redirect::to(&format!(
        "/admin/{}/pressemitteilungen/{slug}?{note}=1",
        t.tenant
    ))
    .into_response()
}

async fn submit(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
    _form: Form,
) -> Reply {
    s.store
        .submit_release(&t.user.actor, &t.tenant, &slug, s.now())
        .await?;
    Ok(back(&t, &slug, "eingereicht"))
}

async fn approve(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
    _form: Form,
) -> Reply {
    s.store
        .approve_release(&t.user.actor, &t.tenant, &slug, s.now())
        .await?;
    s.jobs.notify_one();
    Ok(back(&t, &slug, "freigegeben"))
}

async fn return_to_draft(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
    form: Form,
) -> Reply {
    s.store
        .return_release(
            &t.user.actor,
            &t.tenant,
            &slug,
            s.now(),
            form.get("kommentar").unwrap_or_default(),
        )
        .await?;
    Ok(back(&t, &slug, "zurueckgegeben"))
}

async fn withdraw(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
    form: Form,
) -> Reply {
    s.store
        .withdraw_release(
            &t.user.actor,
            &t.tenant,
            &slug,
            s.now(),
            form.get("grund").unwrap_or_default(),
        )
        .await?;
    Ok(back(&t, &slug, "zurueckgezogen"))
}

/// GDPR Art. 15: everything about one journalist, as a download.
async fn export(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
) -> Reply {
    if !t.user.actor.may_edit(&t.tenant, Kind::Journalist) {
        return Err(PageError(Error::Forbidden));
    }
    let data = s.store.journalist_export(&t.tenant, &slug).await?;
    let body = serde_json::to_string_pretty(&data).expect("JSON values serialize");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"auskunft-{slug}.json\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// GDPR Art. 17, after an explicit confirmation on the page.
async fn erase(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
    form: Form,
) -> Reply {
    let permit = t.permit(Kind::Journalist)?;
    if form.get("bestaetigt") != Some("1") {
        return Err(PageError(Error::Body(vec![
            kreiskom_core::FieldError::new(
                "bestaetigt",
                "Bitte bestätigen, dass die Person die Löschung verlangt hat",
            ),
        ])));
    }
    s.store.erase_journalist(&permit, &t.tenant, &slug).await?;
    Ok(Redirect::to(&format!("/admin/{}/medienkontakte/?geloescht=1", t.tenant)).into_response())
}

/// The release as its public page will show it, with the workflow steps
/// the viewer may take on top: the approver reads what readers will read.
async fn preview(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
) -> Reply {
    let stored = s
        .store
        .fetch::<PressRelease>(Some(&t.tenant), &slug)
        .await?;
    let panel = release_panel(&s, &t, &stored.record).await?;
    let actions = json!({
        "stage": panel["stage"],
        "hint": panel["hint"],
        "actions": panel["actions"],
        "csrf": t.user.csrf,
        "base": format!("/admin/{}/pressemitteilungen/{slug}", t.tenant),
    });
    let page = s
        .site
        .release_preview(t.tenant.as_str(), &stored.record, s.now(), actions)
        .await?;
    Ok(axum::response::Html(page).into_response())
}

fn when(ts: Option<jiff::Timestamp>) -> Option<String> {
    ts.map(|t| german_timestamp(&t.to_string()))
}

/// What a release's page shows about its workflow, and which steps the
/// viewer may take now.
pub(crate) async fn release_panel(
    s: &AppState,
    t: &InTenant,
    release: &PressRelease,
) -> Result<Value, Error> {
    let actor = &t.user.actor;
    let people = People::load(&s.store).await?;
    let w = &release.workflow;
    let stage = release.stage(s.now());
    let mut actions = Vec::new();
    let author = actor.may_edit(&t.tenant, Kind::PressRelease);
    let approver = may_approve(actor, &t.tenant);
    match w.state {
        ReleaseState::Draft if author => actions.push(json!({
            "path": "einreichen", "label": "Zur Freigabe einreichen", "style": "primary"
        })),
        ReleaseState::Submitted => {
            if approver && w.submitted_by.as_deref() != Some(actor.name()) {
                actions
                    .push(json!({"path": "freigeben", "label": "Freigeben", "style": "primary"}));
            }
            if author || approver {
                actions.push(json!({
                    "path": "zurueckgeben", "label": "Zurück in den Entwurf", "style": "secondary",
                    "comment": "Kommentar für die Pressestelle"
                }));
            }
        }
        ReleaseState::Approved if author || approver => actions.push(json!({
            "path": "zurueckziehen", "label": "Zurückziehen", "style": "secondary",
            "reason": "Grund des Zurückziehens"
        })),
        _ => {}
    }
    let hint = match (w.state, approver) {
        (ReleaseState::Submitted, true) if w.submitted_by.as_deref() == Some(actor.name()) => {
            Some("Vier-Augen-Prinzip: Sie haben eingereicht, freigeben muss jemand anderes.")
        }
        (ReleaseState::Submitted, false) => {
            Some("Wartet auf Freigabe durch die Verwaltungsleitung.")
        }
        (ReleaseState::Approved, _) if stage == Stage::Scheduled => Some(
            "Sperrfrist: Bis zur Veröffentlichung erscheint die Mitteilung nirgends öffentlich.",
        ),
        _ => None,
    };
    let mailing = s
        .store
        .job_of(
            &t.tenant,
            &ReleaseMail {
                release: release.slug.to_string(),
            },
        )
        .await?
        .map(|(state, deliveries)| json!({ "state": state.label(), "deliveries": deliveries }));
    Ok(json!({
        "kind": "release",
        "stage": stage.label(),
        "number": w.number.map(|n| n.to_string()),
        "submitted_by": people.name_of(w.submitted_by.as_deref()),
        "submitted_at": when(w.submitted_at),
        "approved_by": people.name_of(w.approved_by.as_deref()),
        "approved_at": when(w.approved_at),
        "released_at": when(w.released_at),
        "withdrawn_by": people.name_of(w.withdrawn_by.as_deref()),
        "withdrawn_at": when(w.withdrawn_at),
        "withdrawal_reason": w.withdrawal_reason,
        "returned_by": people.name_of(w.returned_by.as_deref()),
        "returned_at": when(w.returned_at),
        "return_comment": w.return_comment,
        "preview": (stage != Stage::Published && stage != Stage::Withdrawn)
            .then(|| format!("/admin/{}/pressemitteilungen/{}/vorschau", t.tenant, release.slug)),
        "actions": actions,
        "hint": hint,
        "mailing": mailing,
    }))
}

pub(crate) fn journalist_panel() -> Value {
    json!({ "kind": "journalist" })
}
