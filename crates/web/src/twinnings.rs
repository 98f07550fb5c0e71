//! A list of twinnings read in the workspace: upload, a preview of what
//! the import would do with the unsure places to decide, then the import.
//! Nothing is kept between the two steps: the preview carries the list on
//! to the second, so any node can take it.

use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::handler::Handler;
use axum::http::StatusCode;
use kreiskom_core::twinning::{self, Decision, Decisions, Plan};
use kreiskom_core::{country, CountryCode, Partnership, Region, RegionSlug};

use crate::admin::{may_edit, render};
use crate::auth::{self, InTenant};
use crate::error::{Error, PageError};
use crate::routes::{Access, Routes};
use crate::AppState;

/// The twin-town list of the whole world is 1 MB; room for ten of it.
const MAX_LIST_BYTES: usize = 10 * 1024 * 1024;
/// How many problems and new partnerships the preview lists.
const SHOWN: usize = 50;

const PATH: &str = "partnerschaften/liste";

pub(crate) fn routes(r: Routes) -> Routes {
    let limit = || DefaultBodyLimit::max(MAX_LIST_BYTES + 64 * 1024);
    r.get(
        "/admin/{tenant}/partnerschaften/liste",
        Access::Tenant,
        form,
    )
    .post(
        "/admin/{tenant}/partnerschaften/liste",
        Access::Tenant,
        preview.layer(limit()),
    )
    .post(
        "/admin/{tenant}/partnerschaften/liste/uebernehmen",
        Access::Tenant,
        take.layer(limit()),
    )
}

type Reply = Result<axum::response::Response, PageError>;

fn may_import(t: &InTenant) -> Result<(), PageError> {
    may_edit::<Region>(t)?;
    may_edit::<Partnership>(t)
}

async fn form(State(s): State<AppState>, t: InTenant) -> Reply {
    may_import(&t)?;
    page(&s, &t, StatusCode::OK, serde_json::json!({})).await
}

async fn page(s: &AppState, t: &InTenant, status: StatusCode, view: serde_json::Value) -> Reply {
    let mut view = view;
    view["csrf"] = t.user.csrf.clone().into();
    view["max_mb"] = (MAX_LIST_BYTES / (1024 * 1024)).into();
    render(s, t, PATH, status, "admin/twinnings.html", view).await
}

/// The form's fields as sent: the list (an uploaded file or the text the
/// preview carried on) and the answers to its questions.
#[derive(Default)]
struct Sent {
    csrf: String,
    file_name: String,
    list: Vec<u8>,
    fields: std::collections::HashMap<String, String>,
}

async fn read(mut multipart: Multipart) -> Result<Sent, String> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            format!(
                "Die Liste ist zu groß (höchstens {} MB).",
                MAX_LIST_BYTES / (1024 * 1024)
            )
        } else {
            format!("Das Formular konnte nicht gelesen werden: {e}")
        }
    };
    let mut sent = Sent::default();
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" | "list" => {
                if name == "file" {
                    sent.file_name = field.file_name().unwrap_or_default().to_owned();
                }
                sent.list = field.bytes().await.map_err(unreadable)?.to_vec();
            }
            _ => {
                let text = field.text().await.map_err(unreadable)?;
                if name == "csrf" {
                    sent.csrf = text;
                } else {
                    sent.fields.insert(name, text);
                }
            }
        }
    }
    Ok(sent)
}

/// Permission, then the form's token, then the input.
async fn accepted(
    t: &InTenant,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Result<Sent, String>, PageError> {
    may_import(t)?;
    let multipart = multipart.map_err(|_| PageError(Error::Csrf))?;
    let sent = read(multipart).await;
    if let Ok(sent) = &sent {
        if !auth::same(&t.user.csrf, &sent.csrf) {
            return Err(PageError(Error::Csrf));
        }
    }
    Ok(sent)
}

async fn preview(
    State(s): State<AppState>,
    t: InTenant,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Reply {
    submitted(&s, &t, multipart, true).await
}

async fn take(
    State(s): State<AppState>,
    t: InTenant,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Reply {
    submitted(&s, &t, multipart, false).await
}

async fn submitted(
    s: &AppState,
    t: &InTenant,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
    dry_run: bool,
) -> Reply {
    match accepted(t, multipart).await? {
        Ok(sent) => run(s, t, &sent, dry_run).await,
        Err(e) => refused(s, t, &e).await,
    }
}

async fn refused(s: &AppState, t: &InTenant, message: &str) -> Reply {
    page(
        s,
        t,
        StatusCode::UNPROCESSABLE_ENTITY,
        serde_json::json!({"error": message}),
    )
    .await
}

/// The answers of the preview's questions: `place_{i}`, `country_{i}`
/// and `decision_{i}` (a region's slug, `neu`, or empty for open).
fn decisions(sent: &Sent) -> Result<Decisions, String> {
    let mut out = Decisions::new();
    for i in 0.. {
        let Some(place) = sent.fields.get(&format!("place_{i}")) else {
            break;
        };
        let country = sent
            .fields
            .get(&format!("country_{i}"))
            .and_then(|c| CountryCode::parse(c).ok())
            .ok_or_else(|| format!("Land der Frage {} fehlt", i + 1))?;
        let decision = match sent.fields.get(&format!("decision_{i}")).map(|d| d.trim()) {
            None | Some("") => continue,
            Some("neu") => Decision::New,
            Some(slug) => Decision::Same(RegionSlug::parse(slug).map_err(|e| e.to_string())?),
        };
        out.insert((place.clone(), country), decision);
    }
    Ok(out)
}

async fn run(s: &AppState, t: &InTenant, sent: &Sent, dry_run: bool) -> Reply {
    let Ok(text) = String::from_utf8(sent.list.clone()) else {
        return refused(
            s,
            t,
            "Die Liste ist keine Textdatei in UTF-8 (als CSV UTF-8 speichern).",
        )
        .await;
    };
    if text.trim().is_empty() {
        return refused(s, t, "Bitte eine Liste (CSV-Datei) auswählen.").await;
    }
    let (rows, mut problems) = match twinning::read_csv(&text) {
        Ok(read) => read,
        Err(e) => return refused(s, t, &e).await,
    };
    let decisions = match decisions(sent) {
        Ok(d) => d,
        Err(e) => return refused(s, t, &e).await,
    };
    let lines = rows.len() + problems.len();
    let plan = s
        .store
        .import_twinnings(
            &t.user.actor,
            Some(&t.tenant),
            &rows,
            &decisions,
            dry_run,
            |_| {},
        )
        .await
        .map_err(|e| PageError(e.into()))?;
    problems.extend(plan.problems.iter().cloned());
    problems.sort_by_key(|p| p.line);
    // The names of the sample's regions, new or already there.
    let mut names: std::collections::HashMap<String, String> = plan
        .regions
        .iter()
        .map(|r| (r.slug.to_string(), r.name().to_owned()))
        .collect();
    let known: Vec<&str> = plan
        .partnerships
        .iter()
        .take(SHOWN)
        .flat_map(|p| p.regions.iter().map(RegionSlug::as_str))
        .filter(|slug| !names.contains_key(*slug))
        .collect();
    for r in s
        .store
        .get_many::<Region>(None, &known)
        .await
        .map_err(|e| PageError(e.into()))?
    {
        names.insert(r.record.slug.to_string(), r.record.name().to_owned());
    }
    let mut view = view(&plan, &problems, lines, &decisions, &names, dry_run);
    view["file_name"] = sent.file_name.clone().into();
    if dry_run {
        view["list"] = text.into();
    }
    page(s, t, StatusCode::OK, view).await
}

fn view(
    plan: &Plan,
    problems: &[twinning::RowProblem],
    lines: usize,
    decisions: &Decisions,
    names: &std::collections::HashMap<String, String>,
    dry_run: bool,
) -> serde_json::Value {
    let count = kreiskom_publish::german_count;
    let name = |slug: &RegionSlug| {
        names
            .get(slug.as_str())
            .cloned()
            .unwrap_or_else(|| slug.to_string())
    };
    let questions: Vec<serde_json::Value> = plan
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let shown: Vec<String> = q.lines.iter().take(8).map(usize::to_string).collect();
            serde_json::json!({
                "i": i,
                "place": q.name,
                "country": q.country,
                "country_name": country::german_name(q.country.as_str()).unwrap_or(q.country.as_str()),
                "lines": format!("{} {}{}", if q.lines.len() == 1 { "Zeile" } else { "Zeilen" }, shown.join(", "), if q.lines.len() > 8 { " …" } else { "" }),
                "candidates": q.candidates.iter().map(|(slug, name)| serde_json::json!({"slug": slug, "name": name})).collect::<Vec<_>>(),
                "decided": decisions.get(&(q.name.clone(), q.country.clone())).map(|d| match d {
                    Decision::New => "neu".to_owned(),
                    Decision::Same(slug) => slug.to_string(),
                }),
            })
        })
        .collect();
    let waiting: usize = plan.questions.iter().map(|q| q.lines.len()).sum();
    serde_json::json!({
        "done": !dry_run,
        "summary": {
            "lines": count(lines, "Zeile", "Zeilen"),
            "regions": count(plan.regions.len(), "Gebietskörperschaft", "Gebietskörperschaften"),
            "partnerships": count(plan.partnerships.len(), "Partnerschaft", "Partnerschaften"),
            "aliased": (!plan.aliased.is_empty()).then(|| count(plan.aliased.len(), "Gebietskörperschaft", "Gebietskörperschaften")),
            "known": count(plan.known, "Zeile", "Zeilen"),
            "waiting": (waiting > 0).then(|| count(waiting, "Zeile wartet", "Zeilen warten")),
            "problems": (!problems.is_empty()).then(|| count(problems.len(), "Zeile", "Zeilen")),
        },
        "nothing": plan.changes_nothing(),
        "questions": questions,
        "problems": problems.iter().take(SHOWN).map(|p| serde_json::json!({"line": p.line, "message": p.message})).collect::<Vec<_>>(),
        "more_problems": problems.len().saturating_sub(SHOWN),
        "sample": plan.partnerships.iter().take(SHOWN).map(|p| serde_json::json!({
            "a": name(&p.regions[0]), "b": name(&p.regions[1]),
            "since": p.timeline.first().and_then(|e| e.date).map(|d| kreiskom_publish::german_date(&d)),
        })).collect::<Vec<_>>(),
        "more_sample": plan.partnerships.len().saturating_sub(SHOWN),
    })
}
