//! The admin UI under /admin: sign-in, the tenant's dashboard, and list,
//! create, edit and delete for every kind of record, with the same
//! validation as the API. Forms post back to the page they came from, so
//! it all works without JavaScript.

use std::sync::OnceLock;

use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use kreiskom_core::{FieldError, Kind, KindVisitor, Record, Scope, TenantSlug};
use kreiskom_publish::admin::{self as views, Conflict, Frame, ListQuery, RecordPage, TenantScope};
use kreiskom_publish::form;
use kreiskom_store::{LoginFailure, StoreError, Stored};
use serde::Deserialize;
use serde_json::Value;

use crate::access::{permit_in, SharedWrite};
use crate::auth::{self, Form, InTenant, SignedIn};
use crate::error::{Error, PageError};
use crate::routes::{Access, Routes};
use crate::AppState;

type Reply = Result<Response, PageError>;

pub(crate) fn routes(r: Routes) -> Routes {
    let r = r
        .get("/admin", Access::Public, || async {
            Redirect::permanent("/admin/")
        })
        .get("/admin/anmelden", Access::Public, login_form)
        .post("/admin/anmelden", Access::Public, login)
        .post("/admin/abmelden", Access::SignedIn, logout)
        .get("/admin/passwort", Access::SignedIn, password_form)
        .post("/admin/passwort", Access::SignedIn, change_password)
        .get("/admin/", Access::SignedIn, choose_tenant)
        .get("/admin/{tenant}/", Access::Tenant, dashboard)
        .get("/admin/{tenant}/hinweise", Access::Tenant, doubts)
        .get("/admin/{tenant}/protokoll", Access::Tenant, audit)
        .get("/admin/{tenant}/auswahl/{kind}", Access::Tenant, pick);
    let mut kinds = AdminRoutes(Some(r));
    kreiskom_core::each_kind(&mut kinds);
    crate::newsroom::routes(kinds.0.expect("routes"))
}

/// Registers the workspace's pages of every kind.
struct AdminRoutes(Option<Routes>);

impl KindVisitor for AdminRoutes {
    fn visit<R: Record>(&mut self) {
        self.0 = self.0.take().map(kind::<R>);
    }
}

fn kind<R: Record>(r: Routes) -> Routes {
    let base = format!("/admin/{{tenant}}/{}", R::KIND.path());
    let one = format!("{base}/{{slug}}");
    const T: Access = Access::Tenant;
    r.get(&format!("{base}/"), T, list::<R>)
        .get(&format!("{base}/neu"), T, new_form::<R>)
        .post(&format!("{base}/neu"), T, create::<R>)
        .get(&one, T, show::<R>)
        .post(&one, T, save::<R>)
        .get(&format!("{one}/loeschen"), T, confirm_delete::<R>)
        .post(&format!("{one}/loeschen"), T, delete::<R>)
        .add(
            Method::POST,
            &format!("{one}/hinweise/{{index}}/erledigt"),
            T,
            resolve_doubt::<R>,
        )
}

fn html(status: StatusCode, page: Result<String, kreiskom_publish::PublishError>) -> Reply {
    let page = page?;
    Ok((status, Html(page)).into_response())
}

async fn frame(s: &AppState, t: &InTenant, here: &str) -> Result<Frame, PageError> {
    let viewer = t.user.viewer(s, Some(&t.tenant)).await?;
    let tenant = viewer
        .tenants
        .iter()
        .find(|x| x.slug == t.tenant.as_str())
        .cloned();
    Ok(Frame::new(viewer, tenant, here))
}

pub(crate) async fn render(
    s: &AppState,
    t: &InTenant,
    here: &str,
    status: StatusCode,
    template: &str,
    view: impl serde::Serialize,
) -> Reply {
    let frame = frame(s, t, here).await?;
    html(status, s.site.admin_page(template, &frame, view))
}

// --- signing in and out ---------------------------------------------------

#[derive(Deserialize)]
struct LoginQuery {
    #[serde(default)]
    weiter: String,
    #[serde(default)]
    abgemeldet: Option<String>,
    /// Back from choosing a password through a one-time link.
    #[serde(default)]
    passwort: Option<String>,
}

/// Only pages of this site are valid places to return to.
pub(crate) fn safe_next(next: &str) -> &str {
    if next.starts_with("/admin/") && !next.contains("//") && !next.contains('\\') {
        next
    } else {
        "/admin/"
    }
}

fn login_page(
    s: &AppState,
    jar: CookieJar,
    status: StatusCode,
    next: &str,
    email: &str,
    error: Option<&str>,
    notice: Option<&str>,
) -> Reply {
    let csrf = auth::random_token();
    let page = s
        .site
        .login_page(&csrf, safe_next(next), email, error, notice)?;
    let jar = jar.add(auth::login_csrf_cookie(csrf, s.security.https));
    Ok((status, jar, Html(page)).into_response())
}

async fn login_form(
    State(s): State<AppState>,
    jar: CookieJar,
    Query(q): Query<LoginQuery>,
) -> Reply {
    let notice = match (q.abgemeldet, q.passwort) {
        (_, Some(_)) => Some("Ihr Passwort ist gespeichert. Bitte melden Sie sich damit an."),
        (Some(_), None) => Some("Sie sind abgemeldet."),
        (None, None) => None,
    };
    login_page(&s, jar, StatusCode::OK, &q.weiter, "", None, notice)
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    weiter: String,
}

/// Verifying against this when the account does not exist keeps the
/// answer as slow as for a wrong password, so timing tells nothing.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| auth::hash_password("kein Konto"))
}

fn locked_message(until: jiff::Timestamp) -> String {
    format!(
        "Zu viele Fehlversuche: Das Konto ist bis {} gesperrt. Bitte später erneut versuchen.",
        kreiskom_publish::german_timestamp(&until.to_string())
    )
}

async fn login(
    State(s): State<AppState>,
    jar: CookieJar,
    axum::Form(f): axum::Form<LoginForm>,
) -> Reply {
    if !auth::login_csrf_matches(&jar, &f.csrf) {
        return login_page(
            &s,
            jar,
            StatusCode::FORBIDDEN,
            &f.weiter,
            &f.email,
            Some("Das Anmeldeformular ist abgelaufen. Bitte erneut anmelden."),
            None,
        );
    }
    let now = s.now();
    // Known and unknown addresses are counted and locked alike.
    if let Some(until) = s.store.sign_in_locked_until(&f.email, now).await? {
        let msg = locked_message(until);
        return login_page(
            &s,
            jar,
            StatusCode::TOO_MANY_REQUESTS,
            &f.weiter,
            &f.email,
            Some(&msg),
            None,
        );
    }
    let account = s.store.account(&f.email).await?;
    let hash = account
        .as_ref()
        .map_or(dummy_hash(), |a| a.password_hash.as_str());
    let password = f.password.clone();
    let hash_owned = hash.to_owned();
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&hash_owned, &password))
        .await
        .unwrap_or(false);
    match account {
        // Only after the right password does anyone learn that the
        // account is disabled.
        Some(account) if ok && account.disabled_at.is_some() => login_page(
            &s,
            jar,
            StatusCode::FORBIDDEN,
            &f.weiter,
            &f.email,
            Some("Dieses Konto ist gesperrt. Bitte wenden Sie sich an die Administration Ihres Landkreises."),
            None,
        ),
        Some(account) if ok && account.second_factor.is_some() => {
            crate::accounts::ask_for_code(&s, jar, &account, safe_next(&f.weiter)).await
        }
        Some(account) if ok => start_session(&s, jar, &account, &f.weiter).await,
        _ => {
            let failure = s
                .store
                .login_failed(
                    &f.email,
                    now,
                    s.security.max_failed_logins,
                    s.security.lock_for,
                )
                .await?;
            let failures = match failure {
                LoginFailure::Counted { failures } => failures,
                LoginFailure::Locked { .. } => s.security.max_failed_logins,
            };
            tracing::warn!(email = %f.email, failures, "failed sign-in");
            tokio::time::sleep(s.security.failure_delay * failures.clamp(1, 5) as u32).await;
            match failure {
                LoginFailure::Locked { until } => {
                    let msg = locked_message(until);
                    login_page(
                        &s,
                        jar,
                        StatusCode::TOO_MANY_REQUESTS,
                        &f.weiter,
                        &f.email,
                        Some(&msg),
                        None,
                    )
                }
                LoginFailure::Counted { .. } => login_page(
                    &s,
                    jar,
                    StatusCode::UNAUTHORIZED,
                    &f.weiter,
                    &f.email,
                    Some("E-Mail-Adresse oder Passwort sind falsch."),
                    None,
                ),
            }
        }
    }
}

/// Signs `account` in: a new session, and on to `next`.
pub(crate) async fn start_session(
    s: &AppState,
    jar: CookieJar,
    account: &kreiskom_store::Account,
    next: &str,
) -> Reply {
    let now = s.now();
    let token = auth::random_token();
    let csrf = auth::random_token();
    let expires = now.checked_add(s.security.session_lifetime).unwrap_or(now);
    s.store
        .create_session(&account.email, &auth::token_hash(&token), &csrf, expires)
        .await?;
    tracing::info!(email = %account.email, "signed in");
    let jar = jar
        .remove(auth::login_csrf_cookie(String::new(), s.security.https))
        .add(auth::session_cookie(token, s.security.https));
    Ok((jar, Redirect::to(safe_next(next))).into_response())
}

async fn logout(State(s): State<AppState>, jar: CookieJar, form: Form) -> Reply {
    s.store.delete_session(&form.user.session_hash).await?;
    let jar = jar.remove(auth::session_cookie(String::new(), s.security.https));
    Ok((jar, Redirect::to("/admin/anmelden?abgemeldet=1")).into_response())
}

async fn password_page(
    s: &AppState,
    user: &SignedIn,
    status: StatusCode,
    error: Option<&str>,
) -> Reply {
    let viewer = user.viewer(s, None).await?;
    let must = user.account.must_change_password;
    let frame = Frame::new(viewer, None, "");
    html(
        status,
        s.site.admin_page(
            "admin/password.html",
            &frame,
            serde_json::json!({ "error": error, "must_change": must }),
        ),
    )
}

async fn password_form(State(s): State<AppState>, user: SignedIn) -> Reply {
    password_page(&s, &user, StatusCode::OK, None).await
}

pub const MIN_PASSWORD_LENGTH: usize = 12;

async fn change_password(State(s): State<AppState>, form: Form) -> Reply {
    let user = &form.user;
    let current = form.get("aktuell").unwrap_or("").to_owned();
    let new = form.get("neu").unwrap_or("").to_owned();
    let repeat = form.get("wiederholung").unwrap_or("");
    let hash = user.account.password_hash.clone();
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&hash, &current))
        .await
        .unwrap_or(false);
    let error = if !ok {
        Some("Das bisherige Passwort ist falsch.".to_owned())
    } else if new.chars().count() < MIN_PASSWORD_LENGTH {
        Some(format!(
            "Das neue Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen lang sein."
        ))
    } else if new != repeat {
        Some("Die beiden Eingaben des neuen Passworts stimmen nicht überein.".to_owned())
    } else if new == form.get("aktuell").unwrap_or("") {
        Some("Das neue Passwort muss sich vom bisherigen unterscheiden.".to_owned())
    } else {
        None
    };
    if let Some(e) = error {
        return password_page(&s, user, StatusCode::UNPROCESSABLE_ENTITY, Some(&e)).await;
    }
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&new))
        .await
        .map_err(|_| PageError(Error::Forbidden))?;
    s.store
        .set_password(&user.account.email, &hash, false, Some(&user.session_hash))
        .await?;
    Ok(Redirect::to("/admin/").into_response())
}

// --- overview pages -------------------------------------------------------

async fn choose_tenant(State(s): State<AppState>, user: SignedIn) -> Reply {
    let viewer = user.viewer(&s, None).await?;
    if let [only] = viewer.tenants.as_slice() {
        return Ok(Redirect::to(&format!("/admin/{}/", only.slug)).into_response());
    }
    let tenants = viewer.tenants.clone();
    let frame = Frame::new(viewer, None, "");
    html(
        StatusCode::OK,
        s.site.admin_page(
            "admin/tenants.html",
            &frame,
            serde_json::json!({ "tenants": tenants }),
        ),
    )
}

async fn tenant_scope(s: &AppState, t: &TenantSlug) -> Result<TenantScope, PageError> {
    Ok(s.store.tenant_scope(t).await?)
}

/// How many records a picker suggests for what was typed.
const PICKED: usize = 50;

/// The records of a kind whose titles (or slugs) contain what was typed,
/// folded as slugs fold ("iasi" finds "Iași"): the options of a picker's
/// datalist, fetched by htmx while typing. The query's one parameter is
/// the field's own name, which htmx sends with its value.
async fn pick(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, kind)): Path<(String, String)>,
    Query(q): Query<Vec<(String, String)>>,
) -> Reply {
    let kind = Kind::from_path(&kind).ok_or(PageError(Error::NotFound))?;
    if !t.user.actor.may_read_kind(&t.tenant, kind) {
        return Err(PageError(Error::Forbidden));
    }
    let typed = kreiskom_core::slugify(q.first().map_or("", |(_, v)| v.as_str()));
    let offered = s.site.offers().offered(&s.store, &t.tenant, kind).await?;
    let choices: Vec<form::Choice> = offered
        .iter()
        .filter(|(slug, title)| {
            slug.contains(&typed) || kreiskom_core::slugify(title).contains(&typed)
        })
        .take(PICKED)
        .map(|(slug, title)| form::Choice {
            value: slug.clone(),
            label: title.clone(),
            selected: false,
        })
        .collect();
    let html = s.site.fragment(
        "admin/options.html",
        serde_json::json!({ "choices": choices }),
    )?;
    Ok(Html(html).into_response())
}

async fn dashboard(State(s): State<AppState>, t: InTenant) -> Reply {
    let scope = tenant_scope(&s, &t.tenant).await?;
    let view = views::dashboard(&s.store, &t.tenant, &scope, s.now(), &t.user.actor).await?;
    let freshness_shown = view.freshness_shown;
    let mut view = serde_json::to_value(view).expect("views serialize");
    if freshness_shown {
        view["freshness"] = crate::freshness::view(&s, &t, None).await?.open().into();
    }
    view["channels"] = crate::social::channel_warnings(&s, &t).await?.into();
    render(
        &s,
        &t,
        "dashboard",
        StatusCode::OK,
        "admin/dashboard.html",
        view,
    )
    .await
}

async fn doubts(State(s): State<AppState>, t: InTenant) -> Reply {
    let scope = tenant_scope(&s, &t.tenant).await?;
    let doubts = views::doubts(&s.store, &t.tenant, &scope).await?;
    render(
        &s,
        &t,
        "hinweise",
        StatusCode::OK,
        "admin/doubts.html",
        serde_json::json!({ "doubts": doubts }),
    )
    .await
}

async fn audit(
    State(s): State<AppState>,
    t: InTenant,
    Query(q): Query<views::AuditQuery>,
) -> Reply {
    let readable = |k| t.user.actor.may_read_kind(&t.tenant, k);
    let view = views::audit(&s.store, &t.tenant, &q, &readable).await?;
    render(
        &s,
        &t,
        "protokoll",
        StatusCode::OK,
        "admin/audit.html",
        view,
    )
    .await
}

// --- records --------------------------------------------------------------

fn tenant_key<R: Record>(t: &TenantSlug) -> Option<&TenantSlug> {
    (R::KIND.scope() == Scope::Tenant).then_some(t)
}

/// Refuses what the viewer may not look at (personal data of the press
/// office), before anything is loaded.
fn may_read<R: Record>(t: &InTenant) -> Result<(), PageError> {
    if t.user.actor.may_read_kind(&t.tenant, R::KIND) {
        Ok(())
    } else {
        Err(PageError(Error::Forbidden))
    }
}

/// A record as this viewer in this tenant sees it; shared records outside
/// the tenant's scope are not found here.
pub(crate) async fn fetch<R: Record>(
    s: &AppState,
    t: &InTenant,
    slug: &str,
) -> Result<Stored<R>, PageError> {
    may_read::<R>(t)?;
    let t = &t.tenant;
    let in_scope = match R::KIND {
        Kind::Tenant => slug == t.as_str(),
        Kind::Region | Kind::Partnership => tenant_scope(s, t).await?.contains(R::KIND, slug),
        _ => true,
    };
    if !in_scope {
        return Err(PageError(Error::NotFound));
    }
    Ok(s.store.fetch::<R>(tenant_key::<R>(t), slug).await?)
}

async fn list<R: Record>(
    State(s): State<AppState>,
    t: InTenant,
    Query(q): Query<ListQuery>,
) -> Reply {
    may_read::<R>(&t)?;
    let scope = tenant_scope(&s, &t.tenant).await?;
    let can_create = R::KIND != Kind::Tenant && t.user.actor.may_edit(&t.tenant, R::KIND);
    let view = views::list::<R>(&s.store, &t.tenant, &scope, &q, can_create).await?;
    render(
        &s,
        &t,
        R::KIND.path(),
        StatusCode::OK,
        "admin/records.html",
        view,
    )
    .await
}

#[derive(Deserialize)]
struct Notice {
    gespeichert: Option<String>,
    angelegt: Option<String>,
    geklaert: Option<String>,
    eingereicht: Option<String>,
    freigegeben: Option<String>,
    zurueckgegeben: Option<String>,
    zurueckgezogen: Option<String>,
    geplant: Option<String>,
    abgesagt: Option<String>,
    zugang: Option<String>,
    zugang_entfernt: Option<String>,
    korrektur: Option<String>,
    rueckzug: Option<String>,
}

impl Notice {
    fn message(&self) -> Option<String> {
        if self.angelegt.is_some() {
            Some("Angelegt.".into())
        } else if self.gespeichert.is_some() {
            Some("Gespeichert.".into())
        } else if self.geklaert.is_some() {
            Some("Der Hinweis ist als geklärt markiert.".into())
        } else if self.eingereicht.is_some() {
            Some("Zur Freigabe eingereicht.".into())
        } else if self.freigegeben.is_some() {
            Some("Freigegeben und nummeriert.".into())
        } else if self.zurueckgegeben.is_some() {
            Some("In den Entwurf zurückgegeben.".into())
        } else if self.zurueckgezogen.is_some() {
            Some("Zurückgezogen: Die Mitteilung erscheint nirgends mehr öffentlich.".into())
        } else if self.geplant.is_some() {
            Some(
                "Geplant: Der Beitrag geht zum angegebenen Zeitpunkt auf allen Kanälen hinaus."
                    .into(),
            )
        } else if self.abgesagt.is_some() {
            Some("Abgesagt: Der Beitrag wird nicht veröffentlicht.".into())
        } else if self.zugang.is_some() {
            Some("Der Zugang ist verschlüsselt gespeichert; er wird nicht wieder angezeigt.".into())
        } else if self.zugang_entfernt.is_some() {
            Some("Der Zugang ist gelöscht.".into())
        } else if self.korrektur.is_some() {
            Some("Die Korrektur geht an alle Kanäle, auf denen der Beitrag erschienen ist.".into())
        } else if self.rueckzug.is_some() {
            Some("Der Beitrag wird auf allen Kanälen gelöscht, auf denen er erschienen ist.".into())
        } else {
            None
        }
    }
}

struct Shown<'a> {
    status: StatusCode,
    /// Why an action on the record was refused (scheduling a post).
    refusals: Vec<String>,
    value: &'a Value,
    version: i64,
    doubts: &'a [kreiskom_core::Doubt],
    errors: Vec<FieldError>,
    message: Option<String>,
    conflict: Option<Conflict>,
    is_new: bool,
}

async fn record_page<R: Record>(s: &AppState, t: &InTenant, shown: Shown<'_>) -> Reply {
    let can_edit = t.user.actor.may_edit(&t.tenant, R::KIND);
    let view = views::record::<R>(
        &s.store,
        RecordPage {
            tenant: &t.tenant,
            offers: s.site.offers(),
            value: shown.value,
            version: shown.version,
            doubts: shown.doubts,
            errors: shown.errors,
            message: shown.message,
            conflict: shown.conflict,
            is_new: shown.is_new,
            can_edit,
        },
    )
    .await?;
    let view = match R::KIND {
        Kind::PressRelease if !shown.is_new => {
            match serde_json::from_value::<kreiskom_core::PressRelease>(shown.value.clone()) {
                Ok(r) => view.with_panel(crate::newsroom::release_panel(s, t, &r).await?),
                Err(_) => view,
            }
        }
        Kind::Journalist if !shown.is_new => view.with_panel(crate::newsroom::journalist_panel()),
        Kind::Post | Kind::Channel if !shown.is_new => {
            let slug = shown.value["slug"].as_str().unwrap_or_default();
            view.with_panel(if R::KIND == Kind::Post {
                crate::social::post_panel(s, t, slug, shown.version, &shown.refusals).await?
            } else {
                crate::social::channel_panel(s, t, slug, &shown.refusals).await?
            })
        }
        _ => view,
    };
    let view = match shown.value.get("slug").and_then(|v| v.as_str()) {
        Some(slug) if !shown.is_new => view.with_print(
            crate::print::links(s, t, R::KIND, slug)
                .await?
                .into_iter()
                .map(|(href, label)| kreiskom_publish::admin::PrintLink { href, label })
                .collect(),
        ),
        _ => view,
    };
    render(
        s,
        t,
        R::KIND.path(),
        shown.status,
        "admin/record.html",
        view,
    )
    .await
}

async fn show<R: Record>(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
    Query(n): Query<Notice>,
) -> Reply {
    let stored = fetch::<R>(&s, &t, &slug).await?;
    let value = serde_json::to_value(&stored.record).expect("records serialize");
    record_page::<R>(
        &s,
        &t,
        Shown {
            refusals: Vec::new(),
            status: StatusCode::OK,
            value: &value,
            version: stored.version,
            doubts: stored.record.doubts(),
            errors: Vec::new(),
            message: n.message(),
            conflict: None,
            is_new: false,
        },
    )
    .await
}

/// The record's page again, saying why an action on it was refused.
pub(crate) async fn refused<R: Record>(
    s: &AppState,
    t: &InTenant,
    slug: &str,
    refusals: Vec<String>,
) -> Reply {
    let stored = fetch::<R>(s, t, slug).await?;
    let value = serde_json::to_value(&stored.record).expect("records serialize");
    record_page::<R>(
        s,
        t,
        Shown {
            refusals,
            status: StatusCode::UNPROCESSABLE_ENTITY,
            value: &value,
            version: stored.version,
            doubts: stored.record.doubts(),
            errors: Vec::new(),
            message: None,
            conflict: None,
            is_new: false,
        },
    )
    .await
}

pub(crate) fn may_edit<R: Record>(t: &InTenant) -> Result<(), PageError> {
    if t.user.actor.may_edit(&t.tenant, R::KIND) {
        Ok(())
    } else {
        Err(PageError(Error::Forbidden))
    }
}

async fn new_form<R: Record>(State(s): State<AppState>, t: InTenant) -> Reply {
    may_edit::<R>(&t)?;
    if R::KIND == Kind::Tenant {
        return Err(PageError(Error::Forbidden));
    }
    let value = serde_json::json!({});
    record_page::<R>(
        &s,
        &t,
        Shown {
            refusals: Vec::new(),
            status: StatusCode::OK,
            value: &value,
            version: 0,
            doubts: &[],
            errors: Vec::new(),
            message: None,
            conflict: None,
            is_new: true,
        },
    )
    .await
}

/// Fields whose text names a new record when its slug is left empty.
const NAMING_FIELDS: &[&str] = &[
    "title",
    "name",
    "names.0.name",
    "question",
    "file_name",
    "message",
];

/// A new record whose slug was left empty gets one made from its title
/// ("Neues Serviceportal" → `neues-serviceportal`), with a number added
/// where that is taken.
async fn name_new_record<R: Record>(
    s: &AppState,
    t: &InTenant,
    form: &mut Form,
) -> Result<(), PageError> {
    let typed = form.get("slug").map(str::trim).unwrap_or_default();
    if !typed.is_empty() {
        return Ok(());
    }
    let Some(base) = NAMING_FIELDS
        .iter()
        .filter_map(|f| form.get(f))
        .map(kreiskom_core::slugify)
        .find(|s| !s.is_empty())
    else {
        return Ok(());
    };
    // Short enough to read, cut at a word.
    let mut base: String = base.chars().take(60).collect();
    if base.len() == 60 {
        if let Some(cut) = base.rfind('-') {
            base.truncate(cut);
        }
    }
    let mut candidate = base.clone();
    for n in 2..100 {
        if s.store
            .get::<R>(tenant_key::<R>(&t.tenant), &candidate)
            .await?
            .is_none()
        {
            break;
        }
        candidate = format!("{base}-{n}");
    }
    form.fields.retain(|(k, _)| k != "slug");
    form.fields.push(("slug".to_owned(), candidate));
    Ok(())
}

/// The submitted form as a record, or the errors that keep it from being
/// one; `value` is always what the user typed, to show it again.
fn read_record<R: Record>(form: &Form, current: Option<&R>) -> (Value, Result<R, Vec<FieldError>>) {
    let submitted = form::submitted(
        form.fields
            .iter()
            .filter(|(k, _)| k != "csrf" && k != "version")
            .cloned()
            .collect(),
    );
    let (mut value, mut errors) = form::read::<R>(&submitted);
    if let Some(current) = current {
        let stored = serde_json::to_value(current).expect("records serialize");
        form::keep_unchanged_order(&mut value, &stored);
        value["slug"] = Value::String(current.slug().to_owned());
        if !current.doubts().is_empty() {
            value["doubts"] = stored["doubts"].clone();
        }
    }
    let mut trial = value.clone();
    if current.is_none() && trial["slug"].as_str().is_none_or(str::is_empty) {
        // Reads on without a slug, so the other fields are checked too.
        trial["slug"] = Value::String("neu".to_owned());
    }
    let record = match parse_all::<R>(trial, &mut errors) {
        Some(r) if errors.is_empty() => Ok(r),
        Some(r) => {
            // The record's own rules, for the fields that did read.
            for e in r.validate() {
                if !errors.iter().any(|x| x.field == e.field) {
                    errors.push(e);
                }
            }
            Err(errors)
        }
        None => Err(errors),
    };
    (value, record)
}

/// Reads the form's JSON as a record, setting each value that does not
/// read aside and reading on, so one save names every problem. `None`
/// when a required field is still missing.
fn parse_all<R: Record>(mut trial: Value, errors: &mut Vec<FieldError>) -> Option<R> {
    let mut set_aside: Vec<String> = Vec::new();
    for _ in 0..50 {
        match serde_path_to_error::deserialize::<_, R>(trial.clone()) {
            Ok(r) => return Some(r),
            Err(e) => {
                let error = crate::api::german_json_error(&e);
                if set_aside.contains(&error.field) || error.field.is_empty() {
                    if !errors.iter().any(|x| x.field == error.field) {
                        errors.push(error);
                    }
                    return None;
                }
                remove_path(&mut trial, &error.field);
                set_aside.push(error.field.clone());
                if !errors.iter().any(|x| x.field == error.field) {
                    errors.push(error);
                }
            }
        }
    }
    None
}

/// Takes the value at a dotted path (`appointment.start`) out of `v`.
fn remove_path(v: &mut Value, path: &str) {
    let mut parts: Vec<&str> = path.split('.').collect();
    let Some(last) = parts.pop() else { return };
    let mut at = v;
    for p in parts {
        at = match (at, p.parse::<usize>()) {
            (Value::Array(a), Ok(i)) if i < a.len() => &mut a[i],
            (Value::Object(m), _) => match m.get_mut(p) {
                Some(x) => x,
                None => return,
            },
            _ => return,
        };
    }
    match (at, last.parse::<usize>()) {
        (Value::Array(a), Ok(i)) if i < a.len() => {
            a.remove(i);
        }
        (Value::Object(m), _) => {
            m.remove(last);
        }
        _ => {}
    }
}

async fn create<R: Record>(State(s): State<AppState>, t: InTenant, form: Form) -> Reply {
    may_edit::<R>(&t)?;
    if R::KIND == Kind::Tenant {
        return Err(PageError(Error::Forbidden));
    }
    let mut form = form;
    name_new_record::<R>(&s, &t, &mut form).await?;
    let (value, mut record) = read_record::<R>(&form, None);
    // Without a title there is no slug to make; the title's error says it.
    if let Err(errors) = &mut record {
        if errors.len() > 1 && form.get("slug").is_none_or(|s| s.trim().is_empty()) {
            errors.retain(|e| e.field != "slug");
        }
    }
    let result = match record {
        Ok(record) => {
            let write = SharedWrite {
                existing: None,
                new: Some(&record),
            };
            match permit_in(&s, &t.user.actor, &t.tenant, &write).await {
                Ok(permit) => s
                    .store
                    .create(&permit, tenant_key::<R>(&t.tenant), record)
                    .await
                    .map_err(Error::from),
                Err(e) => Err(e),
            }
        }
        Err(errors) => Err(Error::Body(errors)),
    };
    match result {
        Ok(stored) => Ok(saved::<R>(&t, stored.record.slug(), "angelegt")),
        Err(Error::Body(errors) | Error::Store(StoreError::Invalid(errors))) => {
            invalid::<R>(&s, &t, &value, 0, &[], errors, true).await
        }
        Err(Error::Store(StoreError::AlreadyExists { .. })) => {
            let errors = vec![FieldError::new(
                "slug",
                "ist schon vergeben; bitte eine andere Kennung wählen",
            )];
            invalid::<R>(&s, &t, &value, 0, &[], errors, true).await
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn invalid<R: Record>(
    s: &AppState,
    t: &InTenant,
    value: &Value,
    version: i64,
    doubts: &[kreiskom_core::Doubt],
    errors: Vec<FieldError>,
    is_new: bool,
) -> Reply {
    record_page::<R>(
        s,
        t,
        Shown {
            refusals: Vec::new(),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            value,
            version,
            doubts,
            errors,
            message: None,
            conflict: None,
            is_new,
        },
    )
    .await
}

async fn save<R: Record>(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
    form: Form,
) -> Reply {
    may_edit::<R>(&t)?;
    let current = fetch::<R>(&s, &t, &slug).await?;
    let version: i64 = form
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(current.version);
    let (value, record) = read_record::<R>(&form, Some(&current.record));
    // A form that is no record is refused as the store refuses invalid ones.
    let result = match record {
        Ok(record) => update_in_tenant(&s, &t, &slug, record, version).await?,
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(_) => Ok(saved::<R>(&t, &slug, "gespeichert")),
        Err(StoreError::Invalid(errors)) => {
            invalid::<R>(
                &s,
                &t,
                &value,
                version,
                current.record.doubts(),
                errors,
                false,
            )
            .await
        }
        Err(StoreError::Conflict { .. }) => conflict::<R>(&s, &t, &slug, &value).await,
        Err(e) => Err(e.into()),
    }
}

/// Saves a changed record on behalf of the tenant, once the record is
/// known to concern it; the store's answer is left to the caller.
async fn update_in_tenant<R: Record>(
    s: &AppState,
    t: &InTenant,
    slug: &str,
    record: R,
    version: i64,
) -> Result<Result<Stored<R>, StoreError>, PageError> {
    let write = SharedWrite {
        existing: Some(slug),
        new: Some(&record),
    };
    let permit = permit_in(s, &t.user.actor, &t.tenant, &write).await?;
    Ok(s.store
        .update(
            &permit,
            tenant_key::<R>(&t.tenant),
            slug,
            record,
            Some(version),
        )
        .await)
}

/// Back to the record's page, which says what happened (`notice`).
pub(crate) fn saved<R: Record>(t: &InTenant, slug: &str, notice: &str) -> Response {
    let path = views::record_path(t.tenant.as_str(), R::KIND, slug);
    Redirect::to(&format!("{path}?{notice}=1")).into_response()
}

/// Someone else saved since this form was opened: show their change next
/// to the user's input and let the user decide; nothing is overwritten.
async fn conflict<R: Record>(s: &AppState, t: &InTenant, slug: &str, mine: &Value) -> Reply {
    let now = fetch::<R>(s, t, slug).await?;
    let theirs = serde_json::to_value(&now.record).expect("records serialize");
    let last = s
        .store
        .audit_of_record(R::KIND, tenant_key::<R>(&t.tenant), slug)
        .await?;
    let people = kreiskom_publish::people::People::load(&s.store).await?;
    let (actor, at) = last
        .first()
        .map(|e| {
            (
                people.name(&e.actor),
                kreiskom_publish::german_timestamp(&e.at),
            )
        })
        .unwrap_or_else(|| ("jemand".into(), now.updated_at.clone()));
    record_page::<R>(
        s,
        t,
        Shown {
            refusals: Vec::new(),
            status: StatusCode::CONFLICT,
            value: mine,
            // Saving again is now a decision made with the other change in view.
            version: now.version,
            doubts: now.record.doubts(),
            errors: Vec::new(),
            message: None,
            conflict: Some(Conflict {
                actor,
                at,
                changes: views::changes(&theirs, mine)
                    .into_iter()
                    .filter(|c| !c.field.starts_with("doubts"))
                    .collect(),
            }),
            is_new: false,
        },
    )
    .await
}

async fn delete_page<R: Record>(
    s: &AppState,
    t: &InTenant,
    slug: &str,
    status: StatusCode,
    error: Option<String>,
) -> Reply {
    let stored = fetch::<R>(s, t, slug).await?;
    let value = serde_json::to_value(&stored.record).expect("records serialize");
    let title = views::Names::load(&s.store, &t.tenant, [&value])
        .await?
        .title(&stored.record);
    let back = views::record_path(t.tenant.as_str(), R::KIND, slug);
    render(
        s,
        t,
        R::KIND.path(),
        status,
        "admin/delete.html",
        serde_json::json!({
            "kind_label": R::KIND.label(),
            "title": title,
            "back": back,
            "error": error,
        }),
    )
    .await
}

async fn confirm_delete<R: Record>(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
) -> Reply {
    may_edit::<R>(&t)?;
    delete_page::<R>(&s, &t, &slug, StatusCode::OK, None).await
}

async fn delete<R: Record>(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
    _form: Form,
) -> Reply {
    may_edit::<R>(&t)?;
    fetch::<R>(&s, &t, &slug).await?;
    if R::KIND == Kind::Post {
        if let Some(refusal) = crate::social::before_delete(&s, &t, &slug).await? {
            return delete_page::<R>(&s, &t, &slug, StatusCode::CONFLICT, Some(refusal)).await;
        }
    }
    let write = SharedWrite::<R> {
        existing: Some(&slug),
        new: None,
    };
    let permit = if R::KIND == Kind::Tenant {
        t.user
            .actor
            .operator_permit(R::KIND)
            .ok_or(Error::Forbidden)
    } else {
        permit_in(&s, &t.user.actor, &t.tenant, &write).await
    }?;
    match s
        .store
        .delete::<R>(&permit, tenant_key::<R>(&t.tenant), &slug)
        .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/admin/{}/{}/", t.tenant, R::KIND.path())).into_response())
        }
        Err(e @ StoreError::InUse { .. }) => {
            delete_page::<R>(
                &s,
                &t,
                &slug,
                StatusCode::CONFLICT,
                Some(format!("Nicht gelöscht: {e}.")),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn resolve_doubt<R: Record>(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug, index)): Path<(String, String, usize)>,
    form: Form,
) -> Reply {
    may_edit::<R>(&t)?;
    let stored = fetch::<R>(&s, &t, &slug).await?;
    let version: i64 = form
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(stored.version);
    let mut record = stored.record.clone();
    if index >= record.doubts().len() {
        return Err(PageError(Error::NotFound));
    }
    record.doubts_mut().remove(index);
    match update_in_tenant(&s, &t, &slug, record, version).await? {
        Ok(_) => Ok(saved::<R>(&t, &slug, "geklaert")),
        Err(StoreError::Conflict { .. }) => {
            let mine = serde_json::to_value(&stored.record).expect("records serialize");
            conflict::<R>(&s, &t, &slug, &mine).await
        }
        Err(e) => Err(e.into()),
    }
}
