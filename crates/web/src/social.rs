//! Posts and channels in the workspace: scheduling a post after checking
//! it against every channel's rules, calling it off, the calendar of a
//! tenant's posts, and the sealed access of each channel.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use kreiskom_channels::posts::PostContext;
use kreiskom_core::post::{FollowUpAction, PostFollowUp, PostPublish};
use kreiskom_core::{Channel, Kind, LocalTime, Post, Record, TenantSlug};
use kreiskom_store::{credential_context, DeliveryState, JobState, ScheduledJob};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::admin::{fetch, may_edit, render};
use crate::auth::{Form, InTenant};
use crate::error::{Error, PageError};
use crate::routes::{Access, Routes};
use crate::AppState;

type Reply = Result<Response, PageError>;

pub(crate) fn routes(r: Routes) -> Routes {
    const T: Access = Access::Tenant;
    let post = "/admin/{tenant}/beitraege/{slug}";
    let channel = "/admin/{tenant}/kanaele/{slug}";
    r.get("/admin/{tenant}/beitraege/kalender", T, calendar)
        .post(&format!("{post}/planen"), T, schedule)
        .post(&format!("{post}/absagen"), T, cancel)
        .post(&format!("{post}/korrektur"), T, correct)
        .post(&format!("{post}/zurueckziehen"), T, withdraw)
        .post(&format!("{channel}/zugang"), T, set_access)
        .post(&format!("{channel}/zugang-entfernen"), T, remove_access)
}

fn job(slug: &str) -> PostPublish {
    PostPublish {
        post: slug.to_owned(),
    }
}

/// Where a post stands, in words, from its job.
fn state_label(job: Option<&ScheduledJob>) -> String {
    let Some(j) = job else {
        return "Entwurf, nicht geplant".to_owned();
    };
    let due = LocalTime::at(j.due).german_with_weekday();
    match j.state {
        JobState::Pending if j.error.is_some() => format!("Geplant, erneuter Versuch am {due}"),
        JobState::Pending => format!("Geplant für {due}"),
        JobState::Planning | JobState::Delivering => "Wird veröffentlicht".to_owned(),
        JobState::Cancelled => "Abgesagt".to_owned(),
        JobState::Failed => "Nicht veröffentlicht".to_owned(),
        JobState::Done if j.failed == 0 => "Veröffentlicht".to_owned(),
        JobState::Done if j.delivered > 0 => "Teilweise veröffentlicht".to_owned(),
        JobState::Done => "Nicht veröffentlicht".to_owned(),
    }
}

async fn job_of(s: &AppState, t: &TenantSlug, slug: &str) -> Result<Option<ScheduledJob>, Error> {
    Ok(s.store
        .scheduled_jobs::<PostPublish>(t)
        .await?
        .into_iter()
        .find(|j| j.subject == slug))
}

/// The post's panel on its page: where it stands, each channel's outcome
/// with its link, and scheduling for those who may.
pub(crate) async fn post_panel(
    s: &AppState,
    t: &InTenant,
    slug: &str,
    version: i64,
    problems: &[String],
) -> Result<Value, Error> {
    let scheduled = job_of(s, &t.tenant, slug).await?;
    let follow_ups = s.store.jobs_about::<PostFollowUp>(&t.tenant, slug).await?;
    let withdrawal = follow_ups
        .iter()
        .find(|(p, _, _)| p.action == FollowUpAction::Withdrawal);
    let corrected = follow_ups
        .iter()
        .any(|(p, _, _)| p.action == FollowUpAction::Correction && p.version == version);
    let published = scheduled
        .as_ref()
        .is_some_and(|j| j.state == JobState::Done && j.delivered > 0);
    let deliveries = match s.store.job_of(&t.tenant, &job(slug)).await? {
        Some((_, d)) => d,
        None => Vec::new(),
    };
    let channels: Vec<Value> = deliveries
        .iter()
        .map(|d| delivery_row(d, "veröffentlicht"))
        .collect();
    let follow_ups: Vec<Value> = follow_ups
        .iter()
        .map(|(p, j, d)| {
            let (what, done) = match p.action {
                FollowUpAction::Correction => {
                    (format!("Korrektur (Fassung {})", p.version), "korrigiert")
                }
                FollowUpAction::Withdrawal => ("Zurückziehen".to_owned(), "gelöscht"),
            };
            json!({
                "what": what,
                "state": follow_up_label(j),
                "error": j.error,
                "channels": d.iter().map(|d| delivery_row(d, done)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let open = scheduled
        .as_ref()
        .is_none_or(|j| j.deliveries == 0 && j.state != JobState::Planning);
    let can_edit = t.user.actor.may_edit(&t.tenant, Kind::Post);
    let due = scheduled
        .as_ref()
        .filter(|j| j.state == JobState::Pending)
        .map(|j| j.due)
        .unwrap_or_else(|| s.now() + jiff::SignedDuration::from_hours(1));
    let state = match withdrawal {
        Some((_, j, _)) if j.state == JobState::Done && j.delivered > 0 => {
            "Zurückgezogen".to_owned()
        }
        Some((_, j, _)) if !matches!(j.state, JobState::Done | JobState::Failed) => {
            "Wird zurückgezogen".to_owned()
        }
        _ => state_label(scheduled.as_ref()),
    };
    let out = published && withdrawal.is_none();
    Ok(json!({
        "kind": "post",
        "state": state,
        "follow_ups": follow_ups,
        "can_correct": can_edit && out && !corrected,
        "can_withdraw": can_edit && out,
        "error": scheduled.as_ref().filter(|j| j.state == JobState::Failed || j.state == JobState::Pending).and_then(|j| j.error.clone()),
        "channels": channels,
        "problems": problems,
        "can_schedule": can_edit && open,
        "can_cancel": can_edit && scheduled.as_ref().is_some_and(|j| j.state == JobState::Pending),
        "due": LocalTime::at(due).civil().strftime("%Y-%m-%dT%H:%M").to_string(),
    }))
}

/// Before a post is deleted: one that is out on a channel stays until it
/// is withdrawn there (else it would live on where nobody can reach it
/// from here); one still scheduled is called off.
pub(crate) async fn before_delete(
    s: &AppState,
    t: &InTenant,
    slug: &str,
) -> Result<Option<String>, Error> {
    let published = job_of(s, &t.tenant, slug)
        .await?
        .is_some_and(|j| j.deliveries > 0);
    let withdrawn = s
        .store
        .jobs_about::<PostFollowUp>(&t.tenant, slug)
        .await?
        .iter()
        .any(|(p, j, _)| {
            p.action == FollowUpAction::Withdrawal && j.state == JobState::Done && j.failed == 0
        });
    if published && !withdrawn {
        return Ok(Some(
            "Nicht gelöscht: Der Beitrag ist auf Kanälen erschienen. Ziehen Sie ihn zuerst zurück; dann lässt er sich löschen.".to_owned(),
        ));
    }
    s.store.cancel_job(&t.tenant, &job(slug)).await?;
    Ok(None)
}

/// One channel's line in a post's panel; `done` says what a success did.
fn delivery_row(d: &kreiskom_store::Delivery, done: &str) -> Value {
    let state = match d.state {
        DeliveryState::Delivered => done,
        DeliveryState::Failed => "fehlgeschlagen",
        DeliveryState::Uncertain => "unklar – bitte auf der Plattform prüfen",
        DeliveryState::Pending if d.attempts > 0 => "wird erneut versucht",
        DeliveryState::Pending => "wartet",
        DeliveryState::Sending => "wird gesendet",
    };
    json!({"name": d.name, "state": state, "url": d.receipt.url, "error": d.error})
}

fn follow_up_label(j: &ScheduledJob) -> &'static str {
    match j.state {
        JobState::Pending | JobState::Planning | JobState::Delivering => "läuft",
        JobState::Cancelled => "abgesagt",
        JobState::Failed => "nicht ausgeführt",
        JobState::Done if j.failed == 0 => "auf allen Kanälen ausgeführt",
        JobState::Done if j.delivered > 0 => "teilweise ausgeführt",
        JobState::Done => "nicht ausgeführt",
    }
}

/// The channel's panel: whether an access is kept, never the access.
pub(crate) async fn channel_panel(
    s: &AppState,
    t: &InTenant,
    slug: &str,
    problems: &[String],
) -> Result<Value, Error> {
    let info = s
        .store
        .channel_credentials(&t.tenant)
        .await?
        .into_iter()
        .find(|c| c.channel == slug);
    let people = kreiskom_publish::people::People::load(&s.store).await?;
    let channel = fetch::<Channel>(s, t, slug).await.map_err(|e| e.0)?.record;
    Ok(json!({
        "kind": "channel",
        "platform": channel.platform.name(),
        "connected": kreiskom_core::post::can_publish(channel.platform),
        "access": info.map(|i| json!({
            "set_by": people.name_of(Some(&i.set_by)),
            "set_at": kreiskom_publish::german::timestamp(&i.set_at),
            "expires": i.expires.as_deref().and_then(|d| d.parse::<Date>().ok()).map(|d| d.strftime("%d.%m.%Y").to_string()),
            "problem": i.problem,
        })),
        "can_edit": t.user.actor.may_edit(&t.tenant, Kind::Channel),
        "sealing": s.secret_key.is_some(),
        "problems": problems,
    }))
}

fn back(t: &InTenant, path: &str, slug: &str, note: &str) -> Response {
    Redirect::to(&format!("/admin/{}/{path}/{slug}?{note}=1", t.tenant)).into_response()
}

async fn schedule(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
    form: Form,
) -> Reply {
    may_edit::<Post>(&t)?;
    let stored = fetch::<Post>(&s, &t, &slug).await?;
    let mut problems = Vec::new();
    let at = match form.get("zeitpunkt").map(LocalTime::parse) {
        Some(Ok(at)) if at.instant() >= s.now() - jiff::SignedDuration::from_mins(1) => {
            Some(at.instant())
        }
        Some(Ok(_)) => {
            problems.push("Der Zeitpunkt liegt in der Vergangenheit.".to_owned());
            None
        }
        _ => {
            problems.push("Bitte Datum und Uhrzeit der Veröffentlichung angeben.".to_owned());
            None
        }
    };
    let context = PostContext::load(&s.store, &t.tenant, stored.record)
        .await
        .map_err(Error::Unavailable)?;
    match context.problems().await {
        Ok(p) => problems.extend(p),
        Err(e) => problems.push(format!(
            "Die Regeln des Servers ließen sich nicht abrufen: {e}"
        )),
    }
    let kept = s.store.channel_credentials(&t.tenant).await?;
    for v in &context.post.channels {
        if let Some(c) = context.channels.iter().find(|c| c.slug == v.channel) {
            if !kept.iter().any(|k| k.channel == c.slug()) {
                problems.push(format!("{}: Es ist kein Zugang hinterlegt.", c.title()));
            }
        }
    }
    if let (true, Some(at)) = (problems.is_empty(), at) {
        match s.store.schedule_job(&t.tenant, &job(&slug), at).await {
            Ok(()) => {
                s.jobs.notify_one();
                return Ok(back(&t, Kind::Post.path(), &slug, "geplant"));
            }
            Err(kreiskom_store::StoreError::Locked(m)) => problems.push(m),
            Err(e) => return Err(e.into()),
        }
    }
    crate::admin::refused::<Post>(&s, &t, &slug, problems).await
}

async fn cancel(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
    _form: Form,
) -> Reply {
    may_edit::<Post>(&t)?;
    fetch::<Post>(&s, &t, &slug).await?;
    if s.store.cancel_job(&t.tenant, &job(&slug)).await? {
        Ok(back(&t, Kind::Post.path(), &slug, "abgesagt"))
    } else {
        let problem =
            "Nichts abzusagen: Der Beitrag ist nicht geplant oder wird schon veröffentlicht.";
        crate::admin::refused::<Post>(&s, &t, &slug, vec![problem.to_owned()]).await
    }
}

/// Leave to change the channel's access, checked before anything else.
async fn channel_permit(
    s: &AppState,
    t: &InTenant,
    slug: &str,
) -> Result<kreiskom_core::Permit, PageError> {
    let permit = t
        .user
        .actor
        .permit(&t.tenant, Kind::Channel)
        .ok_or(PageError(Error::Forbidden))?;
    fetch::<Channel>(s, t, slug).await?;
    Ok(permit)
}

/// Sends the post as it reads now to every channel it went out on.
async fn correct(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
    _form: Form,
) -> Reply {
    may_edit::<Post>(&t)?;
    let stored = fetch::<Post>(&s, &t, &slug).await?;
    follow_up(&s, &t, &slug, FollowUpAction::Correction, stored.version).await
}

/// Deletes the post on every channel it went out on.
async fn withdraw(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
    _form: Form,
) -> Reply {
    may_edit::<Post>(&t)?;
    fetch::<Post>(&s, &t, &slug).await?;
    follow_up(&s, &t, &slug, FollowUpAction::Withdrawal, 0).await
}

async fn follow_up(
    s: &AppState,
    t: &InTenant,
    slug: &str,
    action: FollowUpAction,
    version: i64,
) -> Reply {
    let published = job_of(s, &t.tenant, slug)
        .await?
        .is_some_and(|j| j.state == JobState::Done && j.delivered > 0);
    if !published {
        let problem = "Der Beitrag ist noch auf keinem Kanal erschienen.".to_owned();
        return crate::admin::refused::<Post>(s, t, slug, vec![problem]).await;
    }
    let job = PostFollowUp {
        post: slug.to_owned(),
        action,
        version,
    };
    s.store.enqueue_job(&t.tenant, &job, s.now()).await?;
    s.jobs.notify_one();
    let note = match action {
        FollowUpAction::Correction => "korrektur",
        FollowUpAction::Withdrawal => "rueckzug",
    };
    Ok(back(t, Kind::Post.path(), slug, note))
}

async fn set_access(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
    form: Form,
) -> Reply {
    let permit = channel_permit(&s, &t, &slug).await?;
    let mut problems = Vec::new();
    let token = form.get("zugang").unwrap_or_default().trim();
    if token.is_empty() {
        problems.push("Bitte den Zugangsschlüssel (Access Token) eingeben.".to_owned());
    } else if token.len() > 4_096 || token.chars().any(char::is_control) {
        problems.push("Der Zugangsschlüssel enthält unzulässige Zeichen.".to_owned());
    }
    let expires = match form.get("ablauf").map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(d) => match d.parse::<Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                problems.push("Das Ablaufdatum ist kein gültiges Datum.".to_owned());
                None
            }
        },
    };
    let Some(key) = s.secret_key.as_ref() else {
        problems.push(
            "Zugänge lassen sich erst speichern, wenn secret_key (KREISKOM_SECRET_KEY) eingerichtet ist."
                .to_owned(),
        );
        return crate::admin::refused::<Channel>(&s, &t, &slug, problems).await;
    };
    if !problems.is_empty() {
        return crate::admin::refused::<Channel>(&s, &t, &slug, problems).await;
    }
    let sealed = key.seal(&credential_context(&t.tenant, &slug), token.as_bytes());
    s.store
        .set_channel_credential(&permit, &t.tenant, &slug, &sealed, expires)
        .await?;
    Ok(back(&t, Kind::Channel.path(), &slug, "zugang"))
}

async fn remove_access(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
    _form: Form,
) -> Reply {
    let permit = channel_permit(&s, &t, &slug).await?;
    s.store
        .remove_channel_credential(&permit, &t.tenant, &slug)
        .await?;
    Ok(back(&t, Kind::Channel.path(), &slug, "zugang_entfernt"))
}

/// Channels that need someone before they break: the platform refused
/// the token, or it runs out within two weeks.
pub(crate) async fn channel_warnings(s: &AppState, t: &InTenant) -> Result<Vec<Value>, Error> {
    if !t.user.actor.may_edit(&t.tenant, Kind::Channel) {
        return Ok(Vec::new());
    }
    let today = LocalTime::at(s.now()).civil().date();
    let soon = today + jiff::Span::new().days(14);
    let channels = s.store.records::<Channel>(Some(&t.tenant)).await?;
    let title = |slug: &str| {
        channels
            .iter()
            .find(|c| c.slug() == slug)
            .map_or_else(|| slug.to_owned(), Channel::title)
    };
    let mut out = Vec::new();
    for c in s.store.channel_credentials(&t.tenant).await? {
        let href = format!("/admin/{}/{}/{}", t.tenant, Kind::Channel.path(), c.channel);
        let expires = c.expires.as_deref().and_then(|d| d.parse::<Date>().ok());
        let text = if let Some(problem) = &c.problem {
            Some(format!("Zugang abgelehnt: {problem}"))
        } else {
            match expires {
                Some(d) if d < today => Some(format!(
                    "Zugang ist am {} abgelaufen",
                    d.strftime("%d.%m.%Y")
                )),
                Some(d) if d <= soon => {
                    Some(format!("Zugang läuft am {} ab", d.strftime("%d.%m.%Y")))
                }
                _ => None,
            }
        };
        if let Some(text) = text {
            out.push(json!({"href": href, "title": title(&c.channel), "text": text}));
        }
    }
    Ok(out)
}

#[derive(Deserialize)]
struct Month {
    monat: Option<String>,
}

/// The tenant's posts by the day they are (or were) due, one month at a
/// time, and the drafts that have no date yet.
async fn calendar(State(s): State<AppState>, t: InTenant, Query(q): Query<Month>) -> Reply {
    if !t.user.actor.may_read_kind(&t.tenant, Kind::Post) {
        return Err(PageError(Error::Forbidden));
    }
    let today = LocalTime::at(s.now()).civil().date();
    let first = match q.monat.as_deref() {
        None => today.first_of_month(),
        Some(m) => format!("{m}-01")
            .parse::<Date>()
            .map_err(|_| PageError(Error::NotFound))?,
    };
    let next = first + jiff::Span::new().months(1);
    let previous = first - jiff::Span::new().months(1);
    let posts = s.store.records::<Post>(Some(&t.tenant)).await?;
    let channels = s.store.records::<Channel>(Some(&t.tenant)).await?;
    let channel_name = |slug: &kreiskom_core::ChannelSlug| {
        channels
            .iter()
            .find(|c| &c.slug == slug)
            .map_or_else(|| slug.to_string(), Channel::title)
    };
    let jobs = s.store.scheduled_jobs::<PostPublish>(&t.tenant).await?;
    let mut days: Vec<(Date, Vec<Value>)> = Vec::new();
    for j in &jobs {
        let at = LocalTime::at(j.due).civil();
        if at.date() < first || at.date() >= next {
            continue;
        }
        let Some(p) = posts.iter().find(|p| p.slug() == j.subject) else {
            continue;
        };
        let entry = json!({
            "time": at.strftime("%H:%M").to_string(),
            "title": p.title(),
            "href": format!("/admin/{}/{}/{}", t.tenant, Kind::Post.path(), p.slug()),
            "state": state_label(Some(j)),
            "channels": p.channels.iter().map(|v| channel_name(&v.channel)).collect::<Vec<_>>().join(", "),
        });
        match days.last_mut() {
            Some((d, entries)) if *d == at.date() => entries.push(entry),
            _ => days.push((at.date(), vec![entry])),
        }
    }
    let drafts: Vec<Value> = posts
        .iter()
        .filter(|p| !jobs.iter().any(|j| j.subject == p.slug()))
        .map(|p| {
            json!({
                "title": p.title(),
                "href": format!("/admin/{}/{}/{}", t.tenant, Kind::Post.path(), p.slug()),
            })
        })
        .collect();
    let days: Vec<Value> = days
        .into_iter()
        .map(|(d, entries)| {
            json!({
                "date": format!(
                    "{}, {}",
                    kreiskom_core::time::weekday(d),
                    kreiskom_publish::german::date(&kreiskom_core::PartialDate::Day(d))
                ),
                "entries": entries,
            })
        })
        .collect();
    render(
        &s,
        &t,
        Kind::Post.path(),
        StatusCode::OK,
        "admin/post_calendar.html",
        json!({
            "month": kreiskom_publish::german::date(&kreiskom_core::PartialDate::Month {
                year: first.year(),
                month: first.month(),
            }),
            "previous": previous.strftime("%Y-%m").to_string(),
            "next": next.strftime("%Y-%m").to_string(),
            "days": days,
            "drafts": drafts,
            "can_edit": t.user.actor.may_edit(&t.tenant, Kind::Post),
        }),
    )
    .await
}
