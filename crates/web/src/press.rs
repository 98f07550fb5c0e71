//! The press office's public routes: archive, release, text version, feed,
//! calendar, sitemap, the inquiry form and the unsubscribe link.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::CookieJar;
use kreiskom_core::{FieldError, InquirySlug, LocalTime, Permit, PressInquiry, Record, TenantSlug};
use serde::Deserialize;

use crate::auth;
use crate::error::{Error, PageError};
use crate::pages::{page, shareable};
use crate::public_form::{check_form_token, client_of, form_fields, opt, FormField};
use crate::routes::{Access, Routes};
use crate::AppState;

pub(crate) fn routes(r: Routes) -> Routes {
    const P: Access = Access::Public;
    r.get("/{tenant}/presse", P, archive)
        .get("/{tenant}/presse/feed.atom", P, feed)
        .get("/{tenant}/presse/{year}/{number}", P, release)
        .get("/{tenant}/presse/{year}/{number}/text", P, text)
        .get("/{tenant}/termine.ics", P, calendar)
        .get("/{tenant}/sitemap.xml", P, sitemap)
        .get("/{tenant}/presse/anfrage", P, inquiry_form)
        .post("/{tenant}/presse/anfrage", P, inquiry)
        .get("/{tenant}/presse/abmelden/{token}", P, unsubscribe_form)
        .post("/{tenant}/presse/abmelden/{token}", P, unsubscribe)
}

type Reply = Result<Response, PageError>;

#[derive(Deserialize)]
struct ArchiveQuery {
    jahr: Option<i16>,
    seite: Option<usize>,
}

async fn archive(
    State(s): State<AppState>,
    Path(t): Path<String>,
    Query(q): Query<ArchiveQuery>,
) -> Reply {
    page(
        s.site
            .press_archive(&t, s.now(), q.jahr, q.seite.unwrap_or(1))
            .await,
    )
}

async fn release(
    State(s): State<AppState>,
    Path((t, year, number)): Path<(String, i16, u32)>,
) -> Reply {
    match s.site.press_release(&t, year, number, s.now()).await {
        // A withdrawn release says so to whoever follows an old link
        // (from the mail, a search engine) instead of "not found".
        Err(kreiskom_publish::PublishError::NotFound) => {
            match s.site.withdrawal_note(&t, year, number).await? {
                Some(note) => Ok((
                    StatusCode::GONE,
                    Html(s.site.error_page(410, &note, Some(&t)).await),
                )
                    .into_response()),
                None => Err(PageError(Error::NotFound)),
            }
        }
        other => page(other),
    }
}

async fn text(
    State(s): State<AppState>,
    Path((t, year, number)): Path<(String, i16, u32)>,
) -> Reply {
    shareable(
        "text/plain; charset=utf-8",
        s.site.press_text(&t, year, number, s.now()).await,
    )
}

async fn feed(State(s): State<AppState>, Path(t): Path<String>) -> Reply {
    shareable(
        "application/atom+xml; charset=utf-8",
        s.site.press_feed(&t, s.now()).await,
    )
}

async fn calendar(State(s): State<AppState>, Path(t): Path<String>) -> Reply {
    shareable(
        "text/calendar; charset=utf-8",
        s.site.appointments(&t, s.now()).await,
    )
}

async fn sitemap(State(s): State<AppState>, Path(t): Path<String>) -> Reply {
    shareable(
        "application/xml; charset=utf-8",
        s.site.sitemap(&t, s.now()).await,
    )
}

/// The fields of the public form: (name, label, input type, required, hint).
const INQUIRY_FIELDS: [(&str, &str, &str, bool, Option<&str>); 6] = [
    ("journalist", "Ihr Name", "text", true, None),
    ("medium", "Medium / Redaktion", "text", false, None),
    ("email", "E-Mail-Adresse", "email", true, None),
    ("phone", "Telefon", "tel", false, None),
    ("question", "Ihre Frage", "textarea", true, None),
    (
        "deadline",
        "Redaktionsschluss",
        "datetime-local",
        false,
        Some("Bis wann brauchen Sie die Antwort?"),
    ),
];

#[derive(Deserialize, Default)]
struct InquiryInput {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    journalist: String,
    #[serde(default)]
    medium: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    question: String,
    #[serde(default)]
    deadline: String,
}

impl InquiryInput {
    fn value(&self, name: &str) -> &str {
        match name {
            "journalist" => &self.journalist,
            "medium" => &self.medium,
            "email" => &self.email,
            "phone" => &self.phone,
            "question" => &self.question,
            "deadline" => &self.deadline,
            _ => "",
        }
    }
}

async fn inquiry_page(
    s: &AppState,
    jar: CookieJar,
    tenant: &str,
    status: StatusCode,
    input: &InquiryInput,
    errors: &[FieldError],
) -> Reply {
    let csrf = auth::random_token();
    let fields = form_fields(&INQUIRY_FIELDS, |name| input.value(name), errors);
    let html = s
        .site
        .inquiry_page(tenant, inquiry_view(&csrf, &fields, None, None))
        .await?;
    let jar = jar.add(auth::public_form_cookie(csrf, s.security.https));
    Ok((status, jar, Html(html)).into_response())
}

fn inquiry_view(
    csrf: &str,
    fields: &[FormField],
    done: Option<&str>,
    deadline: Option<String>,
) -> serde_json::Value {
    serde_json::json!({ "csrf": csrf, "fields": fields, "errors": fields.iter().any(|f| f.error.is_some()), "done": done, "deadline": deadline })
}

async fn inquiry_form(State(s): State<AppState>, jar: CookieJar, Path(t): Path<String>) -> Reply {
    inquiry_page(&s, jar, &t, StatusCode::OK, &InquiryInput::default(), &[]).await
}

async fn inquiry(
    State(s): State<AppState>,
    client: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    jar: CookieJar,
    Path(t): Path<String>,
    axum::Form(input): axum::Form<InquiryInput>,
) -> Reply {
    let tenant = TenantSlug::parse(&t).map_err(|_| PageError(Error::NotFound))?;
    check_form_token(&jar, &input.csrf)?;
    let now = s.now();
    let received = LocalTime::at(now);
    let slug = InquirySlug::parse(&format!(
        "anfrage-{}-{:04x}",
        received.civil().strftime("%Y%m%d-%H%M"),
        rand::random::<u16>()
    ))
    .expect("generated slugs are valid");
    let mut errors = Vec::new();
    let deadline = match opt(&input.deadline) {
        Some(d) => match LocalTime::parse(&d) {
            Ok(d) if d.instant() < now => {
                errors.push(FieldError::new("deadline", "liegt in der Vergangenheit"));
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(FieldError::new("deadline", e.to_string()));
                None
            }
        },
        None => None,
    };
    let record = PressInquiry {
        slug: slug.clone(),
        received,
        journalist: input.journalist.trim().to_owned(),
        medium: opt(&input.medium),
        email: opt(&input.email),
        phone: opt(&input.phone),
        question: input.question.trim().to_owned(),
        deadline,
        assignee: None,
        status: Default::default(),
        answer: None,
        answered: None,
        doubts: vec![],
    };
    errors.extend(record.check());
    if input.email.trim().is_empty() && !errors.iter().any(|e| e.field == "email") {
        errors.push(FieldError::new("email", "darf nicht leer sein"));
    }
    if !errors.is_empty() {
        return inquiry_page(
            &s,
            jar,
            &t,
            StatusCode::UNPROCESSABLE_ENTITY,
            &input,
            &errors,
        )
        .await;
    }
    if !s.throttle.public_form(client_of(client), &input.email) {
        let busy = FieldError::new(
            "question",
            "In kurzer Zeit sind zu viele Anfragen von Ihnen eingegangen. Bitte senden Sie diese später noch einmal oder rufen Sie die Pressestelle an.",
        );
        return inquiry_page(&s, jar, &t, StatusCode::TOO_MANY_REQUESTS, &input, &[busy]).await;
    }
    // A filled-in honeypot is a bot: it sees success, nothing is stored.
    if input.website.is_empty() {
        s.store
            .create(&Permit::public_inquiry(&tenant), Some(&tenant), record)
            .await?;
    }
    let html = s
        .site
        .inquiry_page(
            &t,
            inquiry_view("", &[], Some(slug.as_str()), deadline.map(|d| d.german())),
        )
        .await?;
    Ok((StatusCode::CREATED, Html(html)).into_response())
}

async fn unsubscribe_form(
    State(s): State<AppState>,
    Path((t, _token)): Path<(String, String)>,
) -> Reply {
    let html = s.site.unsubscribe_page(&t, "confirm", None).await?;
    Ok(Html(html).into_response())
}

/// The button on the page and the one-click POST of RFC 8058 both land
/// here; neither needs a session, the token is the proof.
async fn unsubscribe(State(s): State<AppState>, Path((t, token)): Path<(String, String)>) -> Reply {
    let name = s.store.unsubscribe(&token).await?;
    let (status, state) = match &name {
        Some(_) => (StatusCode::OK, "done"),
        None => (StatusCode::NOT_FOUND, "unknown"),
    };
    let html = s.site.unsubscribe_page(&t, state, name.as_deref()).await?;
    Ok((status, Html(html)).into_response())
}
