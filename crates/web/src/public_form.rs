//! What the public forms (press inquiry, barrier report) share: their
//! fields as the templates show them, the token check and the sender's
//! address for the throttle.

use axum_extra::extract::CookieJar;
use kreiskom_core::FieldError;
use serde::Serialize;

use crate::auth;
use crate::error::{Error, PageError};

#[derive(Serialize)]
pub(crate) struct FormField {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub required: bool,
    pub hint: Option<&'static str>,
    pub value: String,
    pub error: Option<String>,
}

/// A public form's fields from its table (name, label, input type,
/// required, hint), filled with what was sent and the errors found.
pub(crate) fn form_fields<'a>(
    table: &[(
        &'static str,
        &'static str,
        &'static str,
        bool,
        Option<&'static str>,
    )],
    value: impl Fn(&str) -> &'a str,
    errors: &[FieldError],
) -> Vec<FormField> {
    table
        .iter()
        .map(|&(name, label, kind, required, hint)| FormField {
            name,
            label,
            kind,
            required,
            hint,
            value: value(name).to_owned(),
            error: errors
                .iter()
                .find(|e| e.field == name)
                .map(|e| e.message.clone()),
        })
        .collect()
}

/// Refuses a public form sent without the token its page set.
pub(crate) fn check_form_token(jar: &CookieJar, sent: &str) -> Result<(), PageError> {
    let expected = jar
        .get(auth::PUBLIC_FORM_COOKIE)
        .map(|c| c.value().to_owned());
    if expected
        .as_deref()
        .is_none_or(|e| e.is_empty() || e != sent)
    {
        return Err(PageError(Error::Csrf));
    }
    Ok(())
}

/// The sender's address, for the throttle. Without a peer address (behind
/// no listener, as in tests) all clients share one count.
pub(crate) fn client_of(
    client: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
) -> std::net::IpAddr {
    client.map_or(std::net::Ipv4Addr::UNSPECIFIED.into(), |c| c.0 .0.ip())
}

/// A trimmed text, or None when nothing was typed.
pub(crate) fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}
