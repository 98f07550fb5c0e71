//! Who may write. Until accounts exist, one API token from the
//! configuration grants writes; handlers that change data take a `Writer`,
//! so a write route without the check does not compile.

use std::fmt;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use base64::Engine;
use subtle::ConstantTimeEq;

use crate::error::{Error, PageError};
use crate::AppState;

/// The configured token; never printed.
#[derive(Clone)]
pub struct ApiToken(String);

impl ApiToken {
    pub fn new(token: String) -> Option<Self> {
        let token = token.trim().to_owned();
        (!token.is_empty()).then_some(Self(token))
    }

    fn matches(&self, given: &str) -> bool {
        self.0.as_bytes().ct_eq(given.as_bytes()).into()
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiToken(***)")
    }
}

/// Accepts `Authorization: Bearer <token>`, or HTTP Basic with the token as
/// password (what a browser sends for the admin pages).
fn check(headers: &HeaderMap, token: Option<&ApiToken>) -> Result<(), Error> {
    let token = token.ok_or(Error::WritesDisabled)?;
    let given = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let ok = if let Some(bearer) = given.strip_prefix("Bearer ") {
        token.matches(bearer.trim())
    } else if let Some(basic) = given.strip_prefix("Basic ") {
        base64::engine::general_purpose::STANDARD
            .decode(basic.trim())
            .ok()
            .and_then(|raw| String::from_utf8(raw).ok())
            .and_then(|pair| {
                pair.split_once(':')
                    .map(|(_, password)| token.matches(password))
            })
            .unwrap_or(false)
    } else {
        false
    };
    if ok {
        Ok(())
    } else {
        Err(Error::Unauthorized)
    }
}

/// Proof that the request may change data through the API.
pub struct Writer(());

impl FromRequestParts<AppState> for Writer {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        check(&parts.headers, state.api_token.as_ref()).map(|()| Writer(()))
    }
}

/// Proof that the request may see the admin pages.
pub struct Editor(());

impl FromRequestParts<AppState> for Editor {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        check(&parts.headers, state.api_token.as_ref())
            .map(|()| Editor(()))
            .map_err(|error| PageError {
                error,
                site: state.site.clone(),
            })
    }
}
