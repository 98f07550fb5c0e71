//! The legal pages of each district (Impressum, Datenschutz,
//! Barrierefreiheit, Leichte Sprache, Gebärdensprache) and the form that
//! reports a barrier.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::CookieJar;
use kreiskom_core::{
    Feedback, FeedbackSlug, FieldError, LegalKind, LocalTime, Permit, Record, TenantSlug,
};
use serde::Deserialize;

use crate::auth;
use crate::error::{Error, PageError};
use crate::pages::{page, Page};
use crate::public_form::{check_form_token, client_of, form_fields, opt, FormField};
use crate::routes::{Access, Routes};
use crate::AppState;

pub(crate) fn routes(r: Routes) -> Routes {
    const P: Access = Access::Public;
    r.get("/{tenant}/impressum", P, |s, t| {
        legal(s, t, LegalKind::Imprint)
    })
    .get("/{tenant}/datenschutz", P, |s, t| {
        legal(s, t, LegalKind::Privacy)
    })
    .get("/{tenant}/barrierefreiheit", P, |s, t| {
        legal(s, t, LegalKind::Accessibility)
    })
    .get("/{tenant}/leichte-sprache", P, |s, t| {
        legal(s, t, LegalKind::EasyLanguage)
    })
    .get("/{tenant}/gebaerdensprache", P, |s, t| {
        legal(s, t, LegalKind::SignLanguage)
    })
    .get("/{tenant}/barrierefreiheit/rueckmeldung", P, feedback_form)
    .post("/{tenant}/barrierefreiheit/rueckmeldung", P, feedback)
}

async fn legal(State(s): State<AppState>, Path(t): Path<String>, kind: LegalKind) -> Page {
    page(s.site.legal(&t, kind).await)
}

type Reply = Result<Response, PageError>;

/// (name, label, input type, required, hint).
const FIELDS: [(&str, &str, &str, bool, Option<&str>); 4] = [
    (
        "page",
        "Seite",
        "text",
        false,
        Some(
            "Auf welcher Seite ist Ihnen die Barriere begegnet? Die Adresse oder der Titel genügt.",
        ),
    ),
    ("message", "Ihre Rückmeldung", "textarea", true, None),
    ("name", "Ihr Name", "text", false, None),
    (
        "email",
        "E-Mail-Adresse",
        "email",
        false,
        Some("Nur wenn Sie eine Antwort wünschen."),
    ),
];

#[derive(Deserialize, Default)]
struct FeedbackInput {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
}

impl FeedbackInput {
    fn value(&self, name: &str) -> &str {
        match name {
            "page" => &self.page,
            "message" => &self.message,
            "name" => &self.name,
            "email" => &self.email,
            _ => "",
        }
    }
}

fn view(csrf: &str, fields: &[FormField], done: Option<&str>, mail: bool) -> serde_json::Value {
    serde_json::json!({
        "csrf": csrf,
        "fields": fields,
        "errors": fields.iter().any(|f| f.error.is_some()),
        "done": done,
        "answer_by_mail": mail,
    })
}

async fn form_page(
    s: &AppState,
    jar: CookieJar,
    tenant: &str,
    status: StatusCode,
    input: &FeedbackInput,
    errors: &[FieldError],
) -> Reply {
    let csrf = auth::random_token();
    let fields = form_fields(&FIELDS, |name| input.value(name), errors);
    let html = s
        .site
        .feedback_page(tenant, view(&csrf, &fields, None, false))
        .await?;
    let jar = jar.add(auth::public_form_cookie(csrf, s.security.https));
    Ok((status, jar, Html(html)).into_response())
}

async fn feedback_form(State(s): State<AppState>, jar: CookieJar, Path(t): Path<String>) -> Reply {
    form_page(&s, jar, &t, StatusCode::OK, &FeedbackInput::default(), &[]).await
}

async fn feedback(
    State(s): State<AppState>,
    client: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    jar: CookieJar,
    Path(t): Path<String>,
    axum::Form(input): axum::Form<FeedbackInput>,
) -> Reply {
    let tenant = TenantSlug::parse(&t).map_err(|_| PageError(Error::NotFound))?;
    check_form_token(&jar, &input.csrf)?;
    let received = LocalTime::at(s.now());
    let slug = FeedbackSlug::parse(&format!(
        "rueckmeldung-{}-{:04x}",
        received.civil().strftime("%Y%m%d-%H%M"),
        rand::random::<u16>()
    ))
    .expect("generated slugs are valid");
    let record = Feedback {
        slug: slug.clone(),
        received,
        name: opt(&input.name),
        email: opt(&input.email),
        page: opt(&input.page),
        message: input.message.trim().to_owned(),
        answered: false,
        answer: None,
        doubts: vec![],
    };
    let errors = record.check();
    if !errors.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return form_page(&s, jar, &t, status, &input, &errors).await;
    }
    if !s.throttle.public_form(client_of(client), &input.email) {
        let busy = FieldError::new(
            "message",
            "In kurzer Zeit sind zu viele Rückmeldungen von Ihnen eingegangen. Bitte senden Sie diese später noch einmal.",
        );
        let status = StatusCode::TOO_MANY_REQUESTS;
        return form_page(&s, jar, &t, status, &input, &[busy]).await;
    }
    // A filled-in honeypot is a bot: it sees success, nothing is stored.
    if input.website.is_empty() {
        s.store
            .create(&Permit::public_feedback(&tenant), Some(&tenant), record)
            .await?;
    }
    let mail = opt(&input.email).is_some();
    let html = s
        .site
        .feedback_page(&t, view("", &[], Some(slug.as_str()), mail))
        .await?;
    Ok((StatusCode::CREATED, Html(html)).into_response())
}
