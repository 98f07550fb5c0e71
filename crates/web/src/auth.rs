//! Who is asking. People sign in with e-mail and password and get a session
//! cookie (HttpOnly, SameSite=Strict); every form they send carries the
//! session's CSRF token. Scripts use the installation's API token, which
//! acts as the operator. Handlers take one of the extractors below, so a
//! route without the check does not compile.

use std::collections::HashMap;
use std::fmt;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine;
use kreiskom_core::{Actor, TenantSlug};
use kreiskom_publish::admin::{TenantLink, Viewer};
use kreiskom_store::Account;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::{Error, PageError};
use crate::AppState;

pub const SESSION_COOKIE: &str = "kreiskom_sitzung";
pub const LOGIN_CSRF_COOKIE: &str = "kreiskom_anmeldung";
pub const PUBLIC_FORM_COOKIE: &str = "kreiskom_formular";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Between a right password and the second factor's code.
pub const SECOND_FACTOR_COOKIE: &str = "kreiskom_zweiter_faktor";

/// The configured token; never printed.
#[derive(Clone)]
pub struct ApiToken(String);

impl ApiToken {
    pub fn new(token: String) -> Option<Self> {
        let token = token.trim().to_owned();
        (!token.is_empty()).then_some(Self(token))
    }

    fn matches(&self, given: &str) -> bool {
        same(&self.0, given)
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiToken(***)")
    }
}

pub(crate) fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes), as OWASP advises.
pub fn hash_password(password: &str) -> String {
    let salt =
        SaltString::encode_b64(&rand::random::<[u8; 16]>()).expect("16 bytes are a valid salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashes any password")
        .to_string()
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A one-time password people can type: no 0/O or 1/l/I to confuse.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    use rand::Rng;
    let mut rng = rand::thread_rng();
    let chars: String = (0..16)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!(
        "{}-{}-{}-{}",
        &chars[0..4],
        &chars[4..8],
        &chars[8..12],
        &chars[12..16]
    )
}

/// 256 random bits, URL-safe.
pub fn random_token() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// Sessions are stored by this hash, so a copy of the database opens none.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Ends with the browser; the server ends it earlier when it expires.
pub fn session_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .path("/")
        .build()
}

pub fn login_csrf_cookie(value: String, secure: bool) -> Cookie<'static> {
    csrf_cookie(LOGIN_CSRF_COOKIE, value, "/admin", secure)
}

/// Whether a form sent by someone not signed in (sign-in, reset, choosing
/// a password) carries the token of the cookie its page set.
pub fn login_csrf_matches(jar: &CookieJar, given: &str) -> bool {
    jar.get(LOGIN_CSRF_COOKIE)
        .is_some_and(|c| !c.value().is_empty() && same(c.value(), given))
}

pub fn second_factor_cookie(value: String, secure: bool) -> Cookie<'static> {
    csrf_cookie(SECOND_FACTOR_COOKIE, value, "/admin", secure)
}

/// The double-submit token of a public form (press inquiry), which has no
/// session to hold one.
pub fn public_form_cookie(value: String, secure: bool) -> Cookie<'static> {
    csrf_cookie(PUBLIC_FORM_COOKIE, value, "/", secure)
}

fn csrf_cookie(
    name: &'static str,
    value: String,
    path: &'static str,
    secure: bool,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .path(path)
        .build()
}

/// A signed-in person, from the session cookie.
#[derive(Clone)]
pub struct SignedIn {
    pub account: Account,
    pub actor: Actor,
    pub csrf: String,
    pub session_hash: String,
}

impl SignedIn {
    async fn from_parts(parts: &Parts, state: &AppState) -> Result<Option<Self>, Error> {
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(cookie) = jar.get(SESSION_COOKIE) else {
            return Ok(None);
        };
        let hash = token_hash(cookie.value());
        let Some(session) = state.store.session(&hash, state.now()).await? else {
            return Ok(None);
        };
        Ok(Some(Self {
            actor: session.account.actor(),
            account: session.account,
            csrf: session.csrf,
            session_hash: hash,
        }))
    }

    /// The person as the admin pages show them, in `tenant` if given.
    pub async fn viewer(
        &self,
        state: &AppState,
        tenant: Option<&TenantSlug>,
    ) -> Result<Viewer, Error> {
        let mut tenants = Vec::new();
        let mut seen: Vec<&TenantSlug> = Vec::new();
        for g in self.account.grants.iter() {
            if seen.contains(&&g.tenant) {
                continue;
            }
            seen.push(&g.tenant);
            if let Some(t) = state
                .store
                .get::<kreiskom_core::Tenant>(None, g.tenant.as_str())
                .await?
            {
                tenants.push(TenantLink {
                    slug: g.tenant.to_string(),
                    name: t.record.name,
                });
            }
        }
        let kinds = |allowed: &dyn Fn(kreiskom_core::Kind) -> bool| {
            kreiskom_core::Kind::ALL
                .iter()
                .filter(|k| allowed(**k))
                .map(|k| k.path().to_owned())
                .collect::<Vec<_>>()
        };
        let (roles, editable, readable) = match tenant {
            Some(t) => (
                self.actor
                    .roles_in(t)
                    .iter()
                    .map(|r| r.label().to_owned())
                    .collect(),
                kinds(&|k| self.actor.may_edit(t, k)),
                kinds(&|k| self.actor.may_read_kind(t, k)),
            ),
            None => (Vec::new(), Vec::new(), Vec::new()),
        };
        Ok(Viewer {
            name: self.account.name.clone(),
            email: self.account.email.clone(),
            csrf: self.csrf.clone(),
            tenants,
            roles,
            editable,
            readable,
            administers: tenant
                .is_some_and(|t| self.actor.has_role(t, kreiskom_core::Role::Administrator)),
        })
    }
}

/// For admin pages: without a session, the browser is sent to sign in and
/// comes back afterwards.
impl FromRequestParts<AppState> for SignedIn {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        match Self::from_parts(parts, state).await? {
            // A one-time password opens only the page that replaces it.
            Some(s)
                if s.account.must_change_password
                    && !matches!(parts.uri.path(), "/admin/passwort" | "/admin/abmelden") =>
            {
                Err(PageError(Error::PasswordChangeRequired))
            }
            Some(s) => Ok(s),
            None => Err(PageError(Error::SignInRequired {
                next: parts.uri.path().to_owned(),
            })),
        }
    }
}

/// A signed-in person inside one tenant they have a role in; anyone else
/// is refused before the handler runs.
pub struct InTenant {
    pub user: SignedIn,
    pub tenant: TenantSlug,
}

impl InTenant {
    /// Leave to write records of `kind` here, or 403: asked before any
    /// input is read.
    pub(crate) fn permit(
        &self,
        kind: kreiskom_core::Kind,
    ) -> Result<kreiskom_core::Permit, PageError> {
        self.user
            .actor
            .permit(&self.tenant, kind)
            .ok_or(PageError(Error::Forbidden))
    }
}

impl FromRequestParts<AppState> for InTenant {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let user = SignedIn::from_request_parts(parts, state).await?;
        let params: Path<HashMap<String, String>> = Path::from_request_parts(parts, state)
            .await
            .map_err(|_| PageError(Error::NotFound))?;
        let tenant = params
            .get("tenant")
            .and_then(|t| TenantSlug::parse(t).ok())
            .ok_or_else(|| PageError(Error::NotFound))?;
        if !user.actor.may_read(&tenant) {
            return Err(PageError(Error::Forbidden));
        }
        Ok(Self { user, tenant })
    }
}

/// A submitted admin form whose CSRF token matched the session's; the
/// handler sees the fields only after that check.
pub struct Form {
    pub user: SignedIn,
    pub fields: Vec<(String, String)>,
}

impl Form {
    pub fn get(&self, name: &str) -> Option<&str> {
        field(&self.fields, name)
    }
}

/// The first value sent under `name` in a form's fields.
pub fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

impl FromRequest<AppState> for Form {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, PageError> {
        let (mut parts, body) = req.into_parts();
        let user = SignedIn::from_request_parts(&mut parts, state).await?;
        let req = Request::from_parts(parts, body);
        let axum::Form(fields): axum::Form<Vec<(String, String)>> =
            axum::Form::from_request(req, state).await.map_err(|_| {
                PageError(Error::Body(vec![kreiskom_core::FieldError::new(
                    "",
                    "Das Formular konnte nicht gelesen werden",
                )]))
            })?;
        let given = fields
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        if !same(&user.csrf, given) {
            return Err(PageError(Error::Csrf));
        }
        Ok(Form { user, fields })
    }
}

/// Who writes through the API: the operator with `Authorization: Bearer
/// <api token>`, or a signed-in person whose request carries the session's
/// CSRF token in `X-CSRF-Token`.
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        if let Some(bearer) = bearer(&parts.headers) {
            let token = state.api_token.as_ref().ok_or(Error::WritesDisabled)?;
            return if token.matches(bearer) {
                Ok(ApiActor(Actor::operator("api-token")))
            } else {
                Err(Error::Unauthorized)
            };
        }
        let Some(user) = SignedIn::from_parts(parts, state).await? else {
            return Err(Error::Unauthorized);
        };
        let given = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !same(&user.csrf, given) {
            return Err(Error::Csrf);
        }
        Ok(ApiActor(user.actor))
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_verifies_only_the_right_password() {
        let hash = hash_password("Korrekt-Pferd-Batterie");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&hash, "Korrekt-Pferd-Batterie"));
        assert!(!verify_password(&hash, "korrekt-pferd-batterie"));
        assert!(!verify_password("kein hash", "x"));
    }

    #[test]
    fn generated_passwords_differ_and_avoid_confusable_letters() {
        let (a, b) = (generate_password(), generate_password());
        assert_ne!(a, b);
        assert_eq!(a.len(), 19);
        assert!(!a.contains(['0', 'O', '1', 'l', 'I']));
    }
}
