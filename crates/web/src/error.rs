//! The one place where errors become HTTP: internals are logged, the user
//! gets a clear German message without internal text.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kreiskom_core::{FieldError, WorkflowError};
use kreiskom_publish::PublishError;
use kreiskom_store::StoreError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Publish(#[from] PublishError),
    #[error("nicht gefunden")]
    NotFound,
    /// The request body could not be read as the expected record.
    #[error("Eingaben ungültig")]
    Body(Vec<FieldError>),
    #[error("Anmeldung erforderlich")]
    Unauthorized,
    #[error("Schreibzugriff nicht eingerichtet")]
    WritesDisabled,
    /// An admin page without a session: sign in, then come back to `next`.
    #[error("Anmeldung erforderlich")]
    SignInRequired { next: String },
    #[error("neues Passwort nötig")]
    PasswordChangeRequired,
    #[error("keine Berechtigung")]
    Forbidden,
    #[error("CSRF-Token fehlt oder passt nicht")]
    Csrf,
    #[error("Inhalt zu groß")]
    TooLarge,
    /// A service kreiskom depends on (the media store) is missing or down.
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Print(#[from] kreiskom_print::ShopError),
}

/// The JSON body of every API error.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ErrorBody {
    pub message: String,
    /// One entry per invalid field; empty for errors of the whole request.
    pub fields: Vec<FieldError>,
}

use kreiskom_print::{PrintError, ShopError};

impl Error {
    fn status_and_body(&self) -> (StatusCode, ErrorBody) {
        let body = |message: String, fields: Vec<FieldError>| ErrorBody { message, fields };
        match self {
            Error::NotFound | Error::Publish(PublishError::NotFound) => {
                (StatusCode::NOT_FOUND, body("Die angeforderte Seite oder der Datensatz wurde nicht gefunden.".into(), vec![]))
            }
            Error::Body(fields) | Error::Store(StoreError::Invalid(fields)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                body("Die Eingaben sind unvollständig oder ungültig. Bitte die markierten Felder prüfen.".into(), fields.clone()),
            ),
            Error::Unauthorized | Error::SignInRequired { .. } | Error::PasswordChangeRequired => (
                StatusCode::UNAUTHORIZED,
                body("Bitte anmelden: im Browser mit Ihrem Konto, über die API mit gültigem API-Token.".into(), vec![]),
            ),
            Error::Forbidden | Error::Store(StoreError::Forbidden) => (
                StatusCode::FORBIDDEN,
                body("Für diese Aktion fehlt Ihnen die Berechtigung. Rollen vergibt die Administration Ihres Landkreises.".into(), vec![]),
            ),
            Error::Csrf => (
                StatusCode::FORBIDDEN,
                body("Das Formular ist abgelaufen oder stammt nicht von dieser Seite. Bitte die Seite neu laden und erneut absenden.".into(), vec![]),
            ),
            Error::Store(e @ StoreError::AccountExists(_)) => (StatusCode::CONFLICT, body(format!("{e}."), vec![])),
            Error::WritesDisabled => (
                StatusCode::FORBIDDEN,
                body("Schreibzugriff über die API ist nicht eingerichtet: api_token in der Konfiguration (KREISKOM_API_TOKEN) setzen.".into(), vec![]),
            ),
            Error::Store(e @ StoreError::NotFound { .. }) => (StatusCode::NOT_FOUND, body(format!("{e}."), vec![])),
            Error::Store(e @ StoreError::AlreadyExists { .. }) => {
                (StatusCode::CONFLICT, body(format!("{e}. Bitte eine andere Kennung wählen."), vec![FieldError::new("slug", "ist schon vergeben")]))
            }
            Error::Store(e @ StoreError::Conflict { .. }) => (
                StatusCode::PRECONDITION_FAILED,
                body(format!("{e}. Bitte neu laden und die Änderung erneut vornehmen."), vec![]),
            ),
            // Who may take a step is a permission; when is a conflict.
            Error::Store(e @ StoreError::Workflow(
                WorkflowError::NotApprover | WorkflowError::NotAuthor | WorkflowError::OwnSubmission,
            )) => (StatusCode::FORBIDDEN, body(e.to_string(), vec![])),
            Error::Store(e @ StoreError::Workflow(WorkflowError::NoReason)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                body(e.to_string(), vec![FieldError::new("grund", "Bitte den Grund angeben")]),
            ),
            Error::Store(e @ StoreError::Workflow(WorkflowError::BadComment)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                body(e.to_string(), vec![FieldError::new("kommentar", "zu lang oder mit Steuerzeichen")]),
            ),
            Error::Store(e @ (StoreError::Locked(_) | StoreError::Workflow(_))) => {
                (StatusCode::CONFLICT, body(e.to_string(), vec![]))
            }
            Error::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                body("Der Inhalt der Anfrage ist zu groß (höchstens 2 MB).".into(), vec![]),
            ),
            Error::Unavailable(why) => {
                tracing::error!(error = %why, "service unavailable");
                (StatusCode::SERVICE_UNAVAILABLE, body(format!("{why} Bitte später erneut versuchen."), vec![]))
            }
            Error::Store(e @ StoreError::InUse { .. }) => (StatusCode::CONFLICT, body(format!("{e}."), vec![])),
            Error::Store(e @ (StoreError::NotEmpty | StoreError::Dataset(_))) => {
                (StatusCode::UNPROCESSABLE_ENTITY, body(e.to_string(), vec![]))
            }
            Error::Print(ShopError::NotFound(why)) => (StatusCode::NOT_FOUND, body(why.clone(), vec![])),
            Error::Print(ShopError::Nothing(why) | ShopError::Print(PrintError::Content(why))) => {
                (StatusCode::UNPROCESSABLE_ENTITY, body(why.clone(), vec![]))
            }
            Error::Print(e @ ShopError::Print(_)) => {
                tracing::error!(error = %e, "print template failed");
                (StatusCode::INTERNAL_SERVER_ERROR, body(format!("Der Druck ist fehlgeschlagen: {e}"), vec![]))
            }
            Error::Store(_) | Error::Publish(_) | Error::Print(ShopError::Store(_)) => {
                tracing::error!(error = %self, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    body("Ein interner Fehler ist aufgetreten. Bitte später erneut versuchen.".into(), vec![]),
                )
            }
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, body) = self.status_and_body();
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                "Bearer".parse().expect("static header"),
            );
        }
        response
    }
}

/// The same mapping for pages: `?` turns any error into one, and
/// [`pages`] renders it in the site's look.
#[derive(Debug)]
pub struct PageError(pub Error);

impl<E: Into<Error>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

/// Marks a response whose body [`pages`] replaces with the error page.
#[derive(Clone)]
struct ErrorPage(String);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let Error::SignInRequired { next } = &self.0 {
            let to = format!(
                "/admin/anmelden?weiter={}",
                kreiskom_publish::url_encode(next)
            );
            return axum::response::Redirect::to(&to).into_response();
        }
        if let Error::PasswordChangeRequired = &self.0 {
            return axum::response::Redirect::to("/admin/passwort").into_response();
        }
        let (status, body) = self.0.status_and_body();
        let mut response = status.into_response();
        response.extensions_mut().insert(ErrorPage(body.message));
        response
    }
}

/// Renders the page errors of the handlers with the site's templates,
/// which the handlers' errors do not carry.
pub(crate) async fn pages(
    axum::extract::State(s): axum::extract::State<crate::AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    // The district whose address this is, so its error page keeps its header.
    let tenant = request
        .uri()
        .path()
        .split('/')
        .nth(1)
        .filter(|t| !t.is_empty() && *t != "admin" && *t != "api")
        .map(str::to_owned);
    let mut response = next.run(request).await;
    let Some(ErrorPage(message)) = response.extensions_mut().remove::<ErrorPage>() else {
        return response;
    };
    let status = response.status();
    let html = s
        .site
        .error_page(status.as_u16(), &message, tenant.as_deref())
        .await;
    let mut page = (status, axum::response::Html(html)).into_response();
    for (name, value) in response.headers() {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            page.headers_mut().append(name, value.clone());
        }
    }
    page
}
