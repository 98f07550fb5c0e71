//! Accounts in the browser: an administrator of a tenant invites people,
//! sets their roles and disables accounts; anyone may ask for a reset link
//! ("Passwort vergessen") and choose a password through a one-time link;
//! each person may protect their account with a second factor (TOTP).
//!
//! One-time links are secrets: they reach the person by mail at once (or
//! are shown once to the administrator when no mail server is set) and are
//! stored only as their hash.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use jiff::{SignedDuration, Timestamp};
use kreiskom_core::validation::Errors;
use kreiskom_core::{FieldError, Grant, Role};
use kreiskom_publish::AccountMail;
use kreiskom_store::{Account, LinkPurpose, StoreError};
use serde::Serialize;
use serde_json::json;
use totp_rs::{Algorithm, TOTP};

use crate::admin::render;
use crate::auth::{self, Form, InTenant, SignedIn};
use crate::error::{Error, PageError};
use crate::routes::{Access, Routes};
use crate::AppState;

type Reply = Result<Response, PageError>;

/// An invitation waits a week for its person …
const INVITATION_VALID: SignedDuration = SignedDuration::from_hours(7 * 24);
/// … a reset link an hour …
const RESET_VALID: SignedDuration = SignedDuration::from_hours(1);
/// … and the second factor's code five minutes after the password.
const SECOND_FACTOR_VALID: SignedDuration = SignedDuration::from_mins(5);

pub(crate) fn routes(r: Routes) -> Routes {
    const T: Access = Access::Tenant;
    const P: Access = Access::Public;
    const S: Access = Access::SignedIn;
    r.get("/admin/{tenant}/konten/", T, list)
        .get("/admin/{tenant}/konten/neu", T, invite_form)
        .post("/admin/{tenant}/konten/neu", T, invite)
        .get("/admin/{tenant}/konten/{email}", T, show)
        .post("/admin/{tenant}/konten/{email}/rollen", T, set_roles)
        .post("/admin/{tenant}/konten/{email}/sperren", T, disable)
        .post("/admin/{tenant}/konten/{email}/entsperren", T, enable)
        .post("/admin/{tenant}/konten/{email}/einladung", T, reinvite)
        .get("/admin/passwort-vergessen", P, forgot_form)
        .post("/admin/passwort-vergessen", P, forgot)
        .get("/admin/konto/{token}", P, link_form)
        .post("/admin/konto/{token}", P, choose_password)
        .post("/admin/anmelden/code", P, second_factor_sign_in)
        .get("/admin/zweiter-faktor", S, second_factor_page)
        .post("/admin/zweiter-faktor", S, second_factor_on)
        .post("/admin/zweiter-faktor/aus", S, second_factor_off)
}

/// Only the tenant's administration manages its accounts: asked before
/// anything else is read.
fn administers(t: &InTenant) -> Result<(), PageError> {
    if t.user.actor.has_role(&t.tenant, Role::Administrator) {
        Ok(())
    } else {
        Err(PageError(Error::Forbidden))
    }
}

fn account_path(t: &InTenant, email: &str) -> String {
    format!(
        "/admin/{}/konten/{}",
        t.tenant,
        kreiskom_publish::url_encode(email)
    )
}

fn state_label(a: &Account) -> &'static str {
    if a.disabled_at.is_some() {
        "gesperrt"
    } else if a.invited() {
        "eingeladen"
    } else {
        "aktiv"
    }
}

fn german_time(at: Timestamp) -> String {
    kreiskom_publish::german_timestamp(&at.to_string())
}

#[derive(Serialize)]
struct RoleChoice {
    key: &'static str,
    label: &'static str,
    checked: bool,
}

fn role_choices(held: &[Role]) -> Vec<RoleChoice> {
    Role::ALL
        .iter()
        .map(|r| RoleChoice {
            key: r.key(),
            label: r.label(),
            checked: held.contains(r),
        })
        .collect()
}

/// A form's errors as the summary links them.
fn summary(errors: &[FieldError]) -> Vec<serde_json::Value> {
    errors
        .iter()
        .map(|e| {
            let label = match e.field.as_str() {
                "name" => "Name",
                "email" => "E-Mail-Adresse",
                "rollen" => "Rollen",
                "neu" => "Passwort",
                "wiederholung" => "Passwort wiederholen",
                _ => "Eingabe",
            };
            json!({ "label": label, "message": e.message, "href": format!("#f-{}", e.field) })
        })
        .collect()
}

fn chosen_roles(form: &Form, errors: &mut Errors) -> Vec<Role> {
    let roles: Vec<Role> = form
        .fields
        .iter()
        .filter(|(k, _)| k == "rollen")
        .filter_map(|(_, v)| Role::parse(v))
        .collect();
    if roles.is_empty() {
        errors.add(
            "rollen",
            "Bitte mindestens eine Rolle wählen (wer keine mehr braucht, wird gesperrt)",
        );
    }
    roles
}

// --- the tenant's accounts ------------------------------------------------

async fn list(State(s): State<AppState>, t: InTenant) -> Reply {
    administers(&t)?;
    let members = s.store.members(&t.tenant).await?;
    let rows: Vec<_> = members
        .iter()
        .map(|m| {
            json!({
                "name": m.account.name,
                "email": m.account.email,
                "href": account_path(&t, &m.account.email),
                "roles": m.roles.iter().map(|r| r.label()).collect::<Vec<_>>(),
                "state": state_label(&m.account),
                "second_factor": m.account.second_factor.is_some(),
            })
        })
        .collect();
    let count = kreiskom_publish::german_count(rows.len(), "Konto", "Konten");
    render(
        &s,
        &t,
        "konten/",
        StatusCode::OK,
        "admin/accounts.html",
        json!({ "members": rows, "count": count }),
    )
    .await
}

async fn invite_form(State(s): State<AppState>, t: InTenant) -> Reply {
    administers(&t)?;
    render(
        &s,
        &t,
        "konten/",
        StatusCode::OK,
        "admin/invite.html",
        json!({ "name": "", "email": "", "roles": role_choices(&[]) }),
    )
    .await
}

async fn invite(State(s): State<AppState>, t: InTenant, form: Form) -> Reply {
    administers(&t)?;
    let name = form.get("name").unwrap_or("").trim().to_owned();
    let email = form.get("email").unwrap_or("").trim().to_owned();
    let mut errors = Errors::default();
    errors.line("name", &name, 200);
    errors.email("email", &Some(email.clone()));
    let roles = chosen_roles(&form, &mut errors);
    let mut errors = errors.into_vec();
    let mut outcome = None;
    if errors.is_empty() {
        let token = auth::random_token();
        let expires = s.now() + INVITATION_VALID;
        let grants: Vec<Grant> = roles
            .iter()
            .map(|r| Grant {
                tenant: t.tenant.clone(),
                role: *r,
            })
            .collect();
        match s
            .store
            .invite(
                &t.user.actor,
                &email,
                &name,
                &grants,
                &auth::token_hash(&token),
                expires,
            )
            .await
        {
            Ok(new) => outcome = Some((new, token, expires)),
            Err(StoreError::Invalid(e)) => errors.extend(e),
            Err(e) => return Err(e.into()),
        }
    }
    let Some((new, token, expires)) = outcome else {
        return render(
            &s,
            &t,
            "konten/",
            StatusCode::UNPROCESSABLE_ENTITY,
            "admin/invite.html",
            json!({
                "name": name, "email": email, "roles": role_choices(&roles),
                "errors": summary(&errors),
            }),
        )
        .await;
    };
    let email = kreiskom_store::normalize_email(&email);
    if !new {
        return Ok(notice_redirect(
            &account_path(&t, &email),
            "Diese Person hat schon ein Konto; sie hat die gewählten Rollen dazu erhalten.",
        ));
    }
    deliver_invitation(&s, &t, &name, &email, &token, expires).await
}

async fn deliver_invitation(
    s: &AppState,
    t: &InTenant,
    name: &str,
    email: &str,
    token: &str,
    expires: Timestamp,
) -> Reply {
    let link = link_url(s, token);
    let tenant = tenant_name(s, t).await?;
    let mail = AccountMail {
        invitation: true,
        name,
        inviter: &t.user.account.name,
        tenant: &tenant,
        link: &link,
        expires: &german_time(expires),
    };
    let back = account_path(t, email);
    match send(s, email, name, &mail).await {
        Ok(()) => Ok(notice_redirect(
            &back,
            &format!("Die Einladung ist an {email} unterwegs."),
        )),
        Err(reason) => {
            render(
                s,
                t,
                "konten/",
                StatusCode::OK,
                "admin/link_shown.html",
                json!({
                    "name": name, "link": link, "expires": german_time(expires),
                    "back": back, "reason": reason,
                }),
            )
            .await
        }
    }
}

async fn tenant_name(s: &AppState, t: &InTenant) -> Result<String, PageError> {
    Ok(s.store
        .get::<kreiskom_core::Tenant>(None, t.tenant.as_str())
        .await?
        .map_or_else(|| t.tenant.to_string(), |x| x.record.name))
}

fn link_url(s: &AppState, token: &str) -> String {
    format!("{}/admin/konto/{token}", s.site.public_url())
}

/// Sends an account mail now; the reason in German when it did not go out.
async fn send(s: &AppState, email: &str, name: &str, mail: &AccountMail<'_>) -> Result<(), String> {
    let Some(mailer) = &s.mailer else {
        return Err("Es ist kein Mailserver eingerichtet (smtp).".to_owned());
    };
    let (subject, text, html) = s.site.account_mail(mail).map_err(|e| e.to_string())?;
    let host = s
        .site
        .public_url()
        .split("://")
        .nth(1)
        .unwrap_or("kreiskom")
        .split(['/', ':'])
        .next()
        .unwrap_or("kreiskom")
        .to_owned();
    let message = kreiskom_channels::smtp::Outgoing {
        from_name: "kreiskom".to_owned(),
        to_name: name.to_owned(),
        to_email: email.to_owned(),
        subject,
        text,
        html,
        unsubscribe_url: None,
        message_id: format!("<{}@{host}>", auth::random_token()),
        attachments: Vec::new(),
    };
    mailer.send(&message).await.map_err(|e| {
        tracing::warn!(error = %e, "account mail not sent");
        "Die E-Mail konnte nicht gesendet werden.".to_owned()
    })
}

/// Back to a page with a message on it (`?hinweis=`), after a change.
fn notice_redirect(path: &str, notice: &str) -> Response {
    Redirect::to(&format!(
        "{path}?hinweis={}",
        kreiskom_publish::url_encode(notice)
    ))
    .into_response()
}

#[derive(serde::Deserialize)]
struct NoticeQuery {
    #[serde(default)]
    hinweis: Option<String>,
}

/// A member of this tenant, or 404.
async fn member(
    s: &AppState,
    t: &InTenant,
    email: &str,
) -> Result<(Account, Vec<Role>), PageError> {
    let account = s
        .store
        .account(email)
        .await?
        .ok_or(PageError(Error::NotFound))?;
    let roles: Vec<Role> = account
        .grants
        .iter()
        .filter(|g| g.tenant == t.tenant)
        .map(|g| g.role)
        .collect();
    if roles.is_empty() {
        return Err(PageError(Error::NotFound));
    }
    Ok((account, roles))
}

async fn show(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, email)): Path<(String, String)>,
    axum::extract::Query(q): axum::extract::Query<NoticeQuery>,
) -> Reply {
    administers(&t)?;
    let (account, roles) = member(&s, &t, &email).await?;
    account_page(
        &s,
        &t,
        &account,
        &roles,
        StatusCode::OK,
        q.hinweis.as_deref(),
        None,
    )
    .await
}

async fn account_page(
    s: &AppState,
    t: &InTenant,
    account: &Account,
    roles: &[Role],
    status: StatusCode,
    notice: Option<&str>,
    error: Option<&str>,
) -> Reply {
    render(
        s,
        t,
        "konten/",
        status,
        "admin/account.html",
        json!({
            "name": account.name,
            "email": account.email,
            "href": account_path(t, &account.email),
            "state": state_label(account),
            "invited": account.invited(),
            "disabled": account.disabled_at.is_some(),
            "second_factor": account.second_factor.is_some(),
            "own": account.email == t.user.account.email,
            "roles": role_choices(roles),
            "notice": notice,
            "error": error,
        }),
    )
    .await
}

/// A refusal of the store shown on the account's page.
async fn refused(
    s: &AppState,
    t: &InTenant,
    email: &str,
    e: StoreError,
    roles: Option<&[Role]>,
) -> Reply {
    let StoreError::Invalid(errors) = e else {
        return Err(e.into());
    };
    let (account, held) = member(s, t, email).await?;
    let message: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    account_page(
        s,
        t,
        &account,
        roles.unwrap_or(&held),
        StatusCode::UNPROCESSABLE_ENTITY,
        None,
        Some(&format!("{}.", message.join(". "))),
    )
    .await
}

async fn set_roles(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, email)): Path<(String, String)>,
    form: Form,
) -> Reply {
    administers(&t)?;
    member(&s, &t, &email).await?;
    let mut errors = Errors::default();
    let roles = chosen_roles(&form, &mut errors);
    let result = match errors.into_vec() {
        e if e.is_empty() => {
            s.store
                .set_roles(&t.user.actor, &t.tenant, &email, &roles)
                .await
        }
        e => Err(StoreError::Invalid(e)),
    };
    match result {
        Ok(()) => Ok(notice_redirect(
            &account_path(&t, &email),
            "Die Rollen sind gespeichert.",
        )),
        Err(e) => refused(&s, &t, &email, e, Some(&roles)).await,
    }
}

async fn disable(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, email)): Path<(String, String)>,
    _form: Form,
) -> Reply {
    switch(s, t, email, true).await
}

async fn enable(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, email)): Path<(String, String)>,
    _form: Form,
) -> Reply {
    switch(s, t, email, false).await
}

async fn switch(s: AppState, t: InTenant, email: String, disabled: bool) -> Reply {
    administers(&t)?;
    member(&s, &t, &email).await?;
    match s.store.set_disabled(&t.user.actor, &email, disabled).await {
        Ok(()) => Ok(notice_redirect(
            &account_path(&t, &email),
            if disabled {
                "Das Konto ist gesperrt; seine Sitzungen sind beendet."
            } else {
                "Das Konto ist entsperrt."
            },
        )),
        Err(e) => refused(&s, &t, &email, e, None).await,
    }
}

async fn reinvite(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, email)): Path<(String, String)>,
    _form: Form,
) -> Reply {
    administers(&t)?;
    let (account, _) = member(&s, &t, &email).await?;
    if !account.invited() {
        return Ok(notice_redirect(
            &account_path(&t, &email),
            "Diese Person hat ihr Passwort schon gewählt.",
        ));
    }
    let token = auth::random_token();
    let expires = s.now() + INVITATION_VALID;
    s.store
        .issue_link(
            &account.email,
            LinkPurpose::Invitation,
            &auth::token_hash(&token),
            expires,
        )
        .await?;
    deliver_invitation(&s, &t, &account.name, &account.email, &token, expires).await
}

// --- "Passwort vergessen" and the one-time link ---------------------------

fn signed_out(
    s: &AppState,
    jar: CookieJar,
    status: StatusCode,
    template: &str,
    mut view: serde_json::Value,
) -> Reply {
    let csrf = auth::random_token();
    view["csrf"] = csrf.clone().into();
    let page = s.site.signed_out_page(template, view)?;
    let jar = jar.add(auth::login_csrf_cookie(csrf, s.security.https));
    Ok((status, jar, Html(page)).into_response())
}

async fn forgot_form(State(s): State<AppState>, jar: CookieJar) -> Reply {
    signed_out(
        &s,
        jar,
        StatusCode::OK,
        "admin/forgot.html",
        json!({ "can_mail": s.mailer.is_some(), "email": "" }),
    )
}

async fn forgot(
    State(s): State<AppState>,
    jar: CookieJar,
    axum::Form(f): axum::Form<Vec<(String, String)>>,
) -> Reply {
    let field = |name: &str| auth::field(&f, name).unwrap_or("");
    if !auth::login_csrf_matches(&jar, field("csrf")) {
        return signed_out(
            &s,
            jar,
            StatusCode::FORBIDDEN,
            "admin/forgot.html",
            json!({ "can_mail": s.mailer.is_some(), "email": field("email"),
                    "error": "Das Formular ist abgelaufen. Bitte erneut senden." }),
        );
    }
    let email = field("email").trim().to_owned();
    let mut errors = Errors::default();
    errors.email("email", &Some(email.clone()));
    if !errors.into_vec().is_empty() || email.chars().any(char::is_control) {
        return signed_out(
            &s,
            jar,
            StatusCode::UNPROCESSABLE_ENTITY,
            "admin/forgot.html",
            json!({ "can_mail": s.mailer.is_some(), "email": email,
                    "error": "Bitte eine gültige E-Mail-Adresse angeben." }),
        );
    }
    // The answer is the same and comes as fast whether the account exists
    // or not: the work goes on after it.
    if s.mailer.is_some() && s.throttle.reset_request(&email) {
        let s = s.clone();
        let email = email.clone();
        tokio::spawn(async move {
            if let Err(e) = send_reset(&s, &email).await {
                tracing::warn!(error = %e, "reset link not sent");
            }
        });
    }
    signed_out(
        &s,
        jar,
        StatusCode::OK,
        "admin/forgot.html",
        json!({ "can_mail": s.mailer.is_some(), "email": "",
                "notice": "Wenn zu dieser Adresse ein Konto besteht, ist ein Link zum Zurücksetzen unterwegs. Er gilt eine Stunde." }),
    )
}

async fn send_reset(s: &AppState, email: &str) -> Result<(), String> {
    let token = auth::random_token();
    let expires = s.now() + RESET_VALID;
    let usable = s
        .store
        .issue_link(
            email,
            LinkPurpose::Reset,
            &auth::token_hash(&token),
            expires,
        )
        .await
        .map_err(|e| e.to_string())?;
    let Some(account) = s.store.account(email).await.map_err(|e| e.to_string())? else {
        return Ok(());
    };
    if !usable {
        return Ok(());
    }
    let link = link_url(s, &token);
    let mail = AccountMail {
        invitation: false,
        name: &account.name,
        inviter: "",
        tenant: "",
        link: &link,
        expires: &german_time(expires),
    };
    send(s, &account.email, &account.name, &mail).await
}

/// The account a link opens, and what for.
async fn opened(s: &AppState, token: &str) -> Result<Option<(Account, LinkPurpose)>, PageError> {
    let hash = auth::token_hash(token);
    for purpose in [LinkPurpose::Invitation, LinkPurpose::Reset] {
        if let Some(a) = s.store.link_account(&hash, purpose, s.now()).await? {
            return Ok(Some((a, purpose)));
        }
    }
    Ok(None)
}

fn link_gone(s: &AppState) -> Reply {
    let page = s.site.signed_out_page("admin/link_gone.html", json!({}))?;
    Ok((StatusCode::GONE, Html(page)).into_response())
}

fn password_view(a: &Account, purpose: LinkPurpose, errors: &[FieldError]) -> serde_json::Value {
    json!({
        "name": a.name, "email": a.email,
        "invitation": purpose == LinkPurpose::Invitation,
        "min_length": crate::admin::MIN_PASSWORD_LENGTH,
        "errors": summary(errors),
    })
}

async fn link_form(State(s): State<AppState>, jar: CookieJar, Path(token): Path<String>) -> Reply {
    let Some((account, purpose)) = opened(&s, &token).await? else {
        return link_gone(&s);
    };
    signed_out(
        &s,
        jar,
        StatusCode::OK,
        "admin/choose_password.html",
        password_view(&account, purpose, &[]),
    )
}

async fn choose_password(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(token): Path<String>,
    axum::Form(f): axum::Form<Vec<(String, String)>>,
) -> Reply {
    let field = |name: &str| auth::field(&f, name).unwrap_or("").to_owned();
    let Some((account, purpose)) = opened(&s, &token).await? else {
        return link_gone(&s);
    };
    let (new, repeat) = (field("neu"), field("wiederholung"));
    let mut errors = Vec::new();
    if !auth::login_csrf_matches(&jar, &field("csrf")) {
        errors.push(FieldError::new(
            "neu",
            "Das Formular ist abgelaufen. Bitte das Passwort erneut eingeben",
        ));
    } else if new.chars().count() < crate::admin::MIN_PASSWORD_LENGTH {
        errors.push(FieldError::new(
            "neu",
            format!(
                "muss mindestens {} Zeichen lang sein",
                crate::admin::MIN_PASSWORD_LENGTH
            ),
        ));
    } else if new != repeat {
        errors.push(FieldError::new(
            "wiederholung",
            "stimmt nicht mit dem Passwort überein",
        ));
    }
    if !errors.is_empty() {
        return signed_out(
            &s,
            jar,
            StatusCode::UNPROCESSABLE_ENTITY,
            "admin/choose_password.html",
            password_view(&account, purpose, &errors),
        );
    }
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&new))
        .await
        .map_err(|_| PageError(Error::Forbidden))?;
    let redeemed = s
        .store
        .redeem_link(&auth::token_hash(&token), purpose, s.now(), &hash)
        .await?;
    if redeemed.is_none() {
        return link_gone(&s);
    }
    tracing::info!(email = %account.email, "password chosen through a one-time link");
    Ok(Redirect::to("/admin/anmelden?passwort=1").into_response())
}

// --- the second factor ------------------------------------------------------

const ISSUER: &str = "kreiskom";

fn totp(secret: Vec<u8>, email: &str) -> Option<TOTP> {
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        secret,
        Some(ISSUER.to_owned()),
        email.to_owned(),
    )
    .ok()
}

/// The time step whose code was typed, within one step either way (clocks
/// of phones drift); `None` for a wrong code.
fn code_step(totp: &TOTP, code: &str, now: Timestamp) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let step = now.as_second() / 30;
    (step - 1..=step + 1).find(|s| auth::same(&totp.generate((s * 30) as u64), &code))
}

fn setup_context(email: &str) -> String {
    format!("second_factor_setup:{email}")
}

fn active_context(email: &str) -> String {
    format!("second_factor:{email}")
}

/// The account's second factor, opened with the installation's key.
fn account_totp(s: &AppState, a: &Account) -> Option<TOTP> {
    let sealed = a.second_factor.as_deref()?;
    let secret = s
        .secret_key
        .as_ref()?
        .open(&active_context(&a.email), sealed)
        .ok()?;
    totp(secret, &a.email)
}

const NO_KEY: &str = "Für diese Installation ist kein Schlüssel eingerichtet (secret_key, KREISKOM_SECRET_KEY). Ohne ihn kann kreiskom den zweiten Faktor nicht sicher speichern; bitte wenden Sie sich an den Betrieb.";

async fn second_factor_view(
    s: &AppState,
    user: &SignedIn,
    status: StatusCode,
    notice: Option<&str>,
    error: Option<&str>,
) -> Reply {
    let viewer = user.viewer(s, None).await?;
    let frame = kreiskom_publish::admin::Frame::new(viewer, None, "");
    let mut view = json!({ "notice": notice, "error": error });
    if user.account.second_factor.is_some() {
        view["active"] = true.into();
    } else if let Some(key) = &s.secret_key {
        let secret: [u8; 20] = rand::random();
        let t = totp(secret.to_vec(), &user.account.email).ok_or(PageError(Error::Forbidden))?;
        let svg = qrcode::QrCode::new(t.get_url().as_bytes())
            .map(|q| {
                q.render::<qrcode::render::svg::Color>()
                    .min_dimensions(200, 200)
                    .build()
            })
            .unwrap_or_default();
        // The renderer's XML declaration does not belong inside HTML.
        let svg = svg.find("<svg").map_or("", |i| &svg[i..]).to_owned();
        view["qr"] = svg.into();
        view["secret"] = t.get_secret_base32().into();
        view["sealed"] = key
            .seal(&setup_context(&user.account.email), &secret)
            .into();
    } else {
        view["unavailable"] = NO_KEY.into();
    }
    html(
        status,
        s.site.admin_page("admin/second_factor.html", &frame, view),
    )
}

fn html(status: StatusCode, page: Result<String, kreiskom_publish::PublishError>) -> Reply {
    Ok((status, Html(page?)).into_response())
}

async fn second_factor_page(
    State(s): State<AppState>,
    user: SignedIn,
    axum::extract::Query(q): axum::extract::Query<NoticeQuery>,
) -> Reply {
    second_factor_view(&s, &user, StatusCode::OK, q.hinweis.as_deref(), None).await
}

async fn second_factor_on(State(s): State<AppState>, form: Form) -> Reply {
    let user = &form.user;
    let email = &user.account.email;
    let Some(key) = &s.secret_key else {
        return second_factor_view(&s, user, StatusCode::CONFLICT, None, Some(NO_KEY)).await;
    };
    let secret = key
        .open(&setup_context(email), form.get("schluessel").unwrap_or(""))
        .ok();
    let step = secret
        .clone()
        .and_then(|secret| totp(secret, email))
        .and_then(|t| code_step(&t, form.get("code").unwrap_or(""), s.now()));
    let (Some(secret), Some(step)) = (secret, step) else {
        return second_factor_view(
            &s,
            user,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some("Der Code passt nicht. Bitte den neuen Schlüssel in der App einrichten und den Code eingeben, den sie gerade zeigt."),
        )
        .await;
    };
    s.store
        .set_second_factor(
            email,
            Some(&key.seal(&active_context(email), &secret)),
            Some(step),
        )
        .await?;
    tracing::info!(email = %email, "second factor turned on");
    Ok(notice_redirect(
        "/admin/zweiter-faktor",
        "Der zweite Faktor ist eingeschaltet. Bei der nächsten Anmeldung fragt kreiskom nach dem Code.",
    ))
}

async fn second_factor_off(State(s): State<AppState>, form: Form) -> Reply {
    let user = &form.user;
    let ok = account_totp(&s, &user.account)
        .and_then(|t| code_step(&t, form.get("code").unwrap_or(""), s.now()))
        .is_some();
    if !ok {
        return second_factor_view(
            &s,
            user,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some("Der Code passt nicht; der zweite Faktor bleibt eingeschaltet."),
        )
        .await;
    }
    s.store
        .set_second_factor(&user.account.email, None, None)
        .await?;
    tracing::info!(email = %user.account.email, "second factor turned off");
    Ok(notice_redirect(
        "/admin/zweiter-faktor",
        "Der zweite Faktor ist ausgeschaltet.",
    ))
}

/// After the right password of an account with a second factor: a
/// short-lived link in a cookie, and the page that asks for the code.
pub(crate) async fn ask_for_code(
    s: &AppState,
    jar: CookieJar,
    account: &Account,
    next: &str,
) -> Reply {
    let token = auth::random_token();
    s.store
        .issue_link(
            &account.email,
            LinkPurpose::SecondFactor,
            &auth::token_hash(&token),
            s.now() + SECOND_FACTOR_VALID,
        )
        .await?;
    let jar = jar.add(auth::second_factor_cookie(token, s.security.https));
    code_page(s, jar, StatusCode::OK, next, None)
}

fn code_page(
    s: &AppState,
    jar: CookieJar,
    status: StatusCode,
    next: &str,
    error: Option<&str>,
) -> Reply {
    signed_out(
        s,
        jar,
        status,
        "admin/login_code.html",
        json!({ "next": next, "error": error }),
    )
}

async fn second_factor_sign_in(
    State(s): State<AppState>,
    jar: CookieJar,
    axum::Form(f): axum::Form<Vec<(String, String)>>,
) -> Reply {
    let field = |name: &str| auth::field(&f, name).unwrap_or("");
    let next = crate::admin::safe_next(field("weiter")).to_owned();
    let again = || Redirect::to("/admin/anmelden").into_response();
    if !auth::login_csrf_matches(&jar, field("csrf")) {
        return Ok(again());
    }
    let Some(token) = jar
        .get(auth::SECOND_FACTOR_COOKIE)
        .map(|c| c.value().to_owned())
    else {
        return Ok(again());
    };
    let hash = auth::token_hash(&token);
    let now = s.now();
    let Some(account) = s
        .store
        .link_account(&hash, LinkPurpose::SecondFactor, now)
        .await?
    else {
        return Ok(again());
    };
    if s.store
        .sign_in_locked_until(&account.email, now)
        .await?
        .is_some()
    {
        return Ok(again());
    }
    let step = account_totp(&s, &account).and_then(|t| code_step(&t, field("code"), now));
    let accepted = match step {
        Some(step) => {
            s.store
                .accept_second_factor(&hash, &account.email, step)
                .await?
        }
        None => false,
    };
    if !accepted {
        let failure = s
            .store
            .login_failed(
                &account.email,
                now,
                s.security.max_failed_logins,
                s.security.lock_for,
            )
            .await?;
        tracing::warn!(email = %account.email, "wrong second factor code");
        if matches!(failure, kreiskom_store::LoginFailure::Locked { .. }) {
            return Ok(again());
        }
        return code_page(
            &s,
            jar,
            StatusCode::UNAUTHORIZED,
            &next,
            Some("Der Code passt nicht. Bitte den aktuellen Code aus der App eingeben."),
        );
    }
    let jar = jar.remove(auth::second_factor_cookie(String::new(), s.security.https));
    crate::admin::start_session(&s, jar, &account, &next).await
}
