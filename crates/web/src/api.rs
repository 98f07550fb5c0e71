//! The JSON API under /api/v1: list, read, create, update and delete for
//! every kind of record the table of kinds marks `api`. One registry
//! (`entries`) drives both the routes and the OpenAPI document, so the two
//! cannot drift apart.

use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kreiskom_core::{
    Actor, FieldError, KindVisitor, PartialDate, Partnership, Permit, Record, Scope, Tenant,
    TenantSlug,
};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::access::{permit_any, SharedWrite};
use crate::auth::ApiActor;
use crate::error::Error;
use crate::openapi;
use crate::routes::{Access, Routes};
use crate::AppState;

pub(crate) type Route = fn(Routes) -> Routes;

/// One kind of record as the API offers it.
pub(crate) struct Entry {
    pub route: Route,
    pub doc: openapi::Describe,
}

const fn global<R: Record>() -> Entry {
    Entry {
        route: route_global::<R>,
        doc: openapi::describe_global::<R>,
    }
}

const fn scoped<R: Record>() -> Entry {
    Entry {
        route: route_scoped::<R>,
        doc: openapi::describe_scoped::<R>,
    }
}

/// The kinds the API serves, from the table of kinds.
pub(crate) fn entries() -> Vec<Entry> {
    struct Served(Vec<Entry>);
    impl KindVisitor for Served {
        fn visit<R: Record>(&mut self) {
            if !R::KIND.in_api() {
                return;
            }
            self.0.push(match R::KIND.scope() {
                Scope::Global => global::<R>(),
                Scope::Tenant => scoped::<R>(),
            });
        }
    }
    let mut served = Served(Vec::new());
    kreiskom_core::each_kind(&mut served);
    served.0
}

pub(crate) fn routes(r: Routes) -> Routes {
    let mut r = r
        .get("/api/v1/openapi.json", Access::Public, || async {
            Json(openapi::document())
        })
        .get(
            "/api/v1/partnerships/{slug}/status",
            Access::Public,
            partnership_status,
        )
        .get(
            "/api/v1/regions/{slug}/partners-of-partners",
            Access::Public,
            partners_of_partners,
        );
    for entry in entries() {
        r = (entry.route)(r);
    }
    r
}

fn route_global<R: Record>(r: Routes) -> Routes {
    let base = format!("/api/v1/{}", R::KIND.plural());
    let one = format!("{base}/{{slug}}");
    r.get(&base, Access::Public, list_global::<R>)
        .post(&base, Access::ApiWrite, create_global::<R>)
        .get(&one, Access::Public, get_global::<R>)
        .add(Method::PUT, &one, Access::ApiWrite, update_global::<R>)
        .add(Method::DELETE, &one, Access::ApiWrite, delete_global::<R>)
}

fn route_scoped<R: Record>(r: Routes) -> Routes {
    let base = format!("/api/v1/tenants/{{tenant}}/{}", R::KIND.plural());
    let one = format!("{base}/{{slug}}");
    r.get(&base, Access::Public, list_scoped::<R>)
        .post(&base, Access::ApiWrite, create_scoped::<R>)
        .get(&one, Access::Public, get_scoped::<R>)
        .add(Method::PUT, &one, Access::ApiWrite, update_scoped::<R>)
        .add(Method::DELETE, &one, Access::ApiWrite, delete_scoped::<R>)
}

/// The raw body of a write; it is read as a record only after the
/// permission check, so a stranger learns nothing about its fields.
pub struct ApiBody(Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiBody {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        Bytes::from_request(req, state)
            .await
            .map(ApiBody)
            .map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    Error::TooLarge
                } else {
                    Error::Body(vec![FieldError::new(
                        "",
                        "Der Inhalt der Anfrage konnte nicht gelesen werden",
                    )])
                }
            })
    }
}

impl ApiBody {
    /// The body as `T`, with errors that name the field, in German.
    fn parse<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let mut de = serde_json::Deserializer::from_slice(&self.0);
        let value = serde_path_to_error::deserialize(&mut de)
            .map_err(|e| Error::Body(vec![german_json_error(&e)]))?;
        de.end()
            .map_err(|e| Error::Body(vec![german_json_error_plain(&e)]))?;
        Ok(value)
    }
}

/// Refuses before the body is read whoever may not write this kind at all.
fn may_write_some<R: Record>(actor: &Actor) -> Result<(), Error> {
    if actor.is_operator() || actor.grants().iter().any(|g| g.role.may_edit(R::KIND)) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

fn german_json_error_plain(e: &serde_json::Error) -> FieldError {
    FieldError::new(
        "",
        format!(
            "Kein gültiges JSON (Zeile {}, Spalte {})",
            e.line(),
            e.column()
        ),
    )
}

fn german_expected(expected: &str) -> String {
    let e = expected.trim();
    if e.starts_with("a sequence") || e.starts_with("an array") {
        "eine Liste".into()
    } else if e.contains("string") {
        "einen Text".into()
    } else if [
        "f64", "f32", "i64", "i32", "u32", "u64", "u16", "i16", "u8", "i8",
    ]
    .contains(&e)
    {
        "eine Zahl".into()
    } else if e.contains("boolean") {
        "true oder false".into()
    } else if e.starts_with("struct") || e.contains("map") {
        "ein Objekt".into()
    } else {
        e.to_owned()
    }
}

/// serde's English messages, said in German with the field they concern.
pub(crate) fn german_json_error(e: &serde_path_to_error::Error<serde_json::Error>) -> FieldError {
    let inner = e.inner();
    if matches!(
        inner.classify(),
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof
    ) {
        return german_json_error_plain(inner);
    }
    // `facts[0].as_of` → `facts.0.as_of`, the form validation uses.
    let path = match e.path().to_string() {
        p if p == "." => String::new(),
        p => p
            .replace('[', ".")
            .replace(']', "")
            .trim_start_matches('.')
            .to_owned(),
    };
    let join = |name: &str| {
        if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    let text = inner.to_string();
    let text = text.split(" at line ").next().unwrap_or(&text).to_owned();
    let between = |s: &str| s.split('`').nth(1).unwrap_or("").to_owned();
    if let Some(rest) = text.strip_prefix("missing field ") {
        return FieldError::new(join(&between(rest)), "Pflichtfeld fehlt");
    }
    if let Some(rest) = text.strip_prefix("unknown field ") {
        // The path already ends in the unknown field.
        let field = if path.is_empty() { between(rest) } else { path };
        return FieldError::new(field, "ist kein bekanntes Feld");
    }
    if let Some(rest) = text.strip_prefix("unknown variant ") {
        let allowed: Vec<&str> = rest
            .split("expected ")
            .nth(1)
            .unwrap_or("")
            .split('`')
            .skip(1)
            .step_by(2)
            .collect();
        return FieldError::new(
            path,
            format!(
                "unbekannter Wert „{}“; erlaubt: {}",
                between(rest),
                allowed.join(", ")
            ),
        );
    }
    if let Some(rest) = text.strip_prefix("invalid type: ") {
        let expected = rest.split(", expected ").nth(1).unwrap_or("");
        return FieldError::new(
            path,
            format!(
                "hat den falschen Datentyp, erwartet wird {}",
                german_expected(expected)
            ),
        );
    }
    if let Some(rest) = text.strip_prefix("invalid length ") {
        let expected = rest.split("expected ").nth(1).unwrap_or("");
        let n: String = expected.chars().filter(char::is_ascii_digit).collect();
        return FieldError::new(path, format!("muss genau {n} Einträge haben"));
    }
    if text.starts_with("invalid value") {
        return FieldError::new(path, "hat einen ungültigen Wert");
    }
    // Our own types already speak German (slugs, dates, country codes).
    FieldError::new(path, text)
}

fn tenant(slug: &str) -> Result<TenantSlug, Error> {
    TenantSlug::parse(slug).map_err(|_| Error::NotFound)
}

pub(crate) async fn existing_tenant(state: &AppState, slug: &str) -> Result<TenantSlug, Error> {
    let t = tenant(slug)?;
    state
        .store
        .get::<Tenant>(None, t.as_str())
        .await?
        .ok_or(Error::NotFound)?;
    Ok(t)
}

fn with_etag<R: Record>(status: StatusCode, stored: kreiskom_store::Stored<R>) -> Response {
    let etag = HeaderValue::from_str(&format!("\"{}\"", stored.version))
        .expect("digits are a valid header");
    (status, [(header::ETAG, etag)], Json(stored.record)).into_response()
}

/// `If-Match: "3"` → Some(3); a record changed since must not be
/// overwritten.
fn if_match(headers: &HeaderMap) -> Option<i64> {
    let value = headers.get(header::IF_MATCH)?.to_str().ok()?;
    value
        .trim()
        .trim_start_matches("W/")
        .trim_matches('"')
        .parse()
        .ok()
}

async fn list_global<R: Record>(State(state): State<AppState>) -> Result<Json<Vec<R>>, Error> {
    Ok(Json(
        state
            .store
            .list::<R>(None)
            .await?
            .into_iter()
            .map(|s| s.record)
            .collect(),
    ))
}

async fn get_global<R: Record>(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    Ok(with_etag(
        StatusCode::OK,
        state.store.fetch::<R>(None, &slug).await?,
    ))
}

async fn create_global<R: Record>(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: ApiBody,
) -> Result<Response, Error> {
    may_write_some::<R>(&actor)?;
    let record: R = body.parse()?;
    let write = SharedWrite {
        existing: None,
        new: Some(&record),
    };
    let permit = permit_any(&state, &actor, &write).await?;
    Ok(with_etag(
        StatusCode::CREATED,
        state.store.create(&permit, None, record).await?,
    ))
}

async fn update_global<R: Record>(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: ApiBody,
) -> Result<Response, Error> {
    may_write_some::<R>(&actor)?;
    let record: R = body.parse()?;
    let write = SharedWrite {
        existing: Some(&slug),
        new: Some(&record),
    };
    let permit = permit_any(&state, &actor, &write).await?;
    Ok(with_etag(
        StatusCode::OK,
        state
            .store
            .update(&permit, None, &slug, record, if_match(&headers))
            .await?,
    ))
}

async fn delete_global<R: Record>(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(slug): Path<String>,
) -> Result<StatusCode, Error> {
    let write = SharedWrite::<R> {
        existing: Some(&slug),
        new: None,
    };
    let permit = permit_any(&state, &actor, &write).await?;
    state.store.delete::<R>(&permit, None, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn list_scoped<R: Record>(
    State(state): State<AppState>,
    Path(t): Path<String>,
) -> Result<Json<Vec<R>>, Error> {
    let t = existing_tenant(&state, &t).await?;
    Ok(Json(
        state
            .store
            .list::<R>(Some(&t))
            .await?
            .into_iter()
            .map(|s| s.record)
            .collect(),
    ))
}

async fn get_scoped<R: Record>(
    State(state): State<AppState>,
    Path((t, slug)): Path<(String, String)>,
) -> Result<Response, Error> {
    Ok(with_etag(
        StatusCode::OK,
        state.store.fetch::<R>(Some(&tenant(&t)?), &slug).await?,
    ))
}

/// Records of a tenant are written by people with a fitting role there.
fn scoped_permit<R: Record>(actor: &Actor, t: &str) -> Result<(TenantSlug, Permit), Error> {
    let t = tenant(t)?;
    let permit = actor.permit(&t, R::KIND).ok_or(Error::Forbidden)?;
    Ok((t, permit))
}

async fn create_scoped<R: Record>(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(t): Path<String>,
    body: ApiBody,
) -> Result<Response, Error> {
    let (t, permit) = scoped_permit::<R>(&actor, &t)?;
    let record: R = body.parse()?;
    Ok(with_etag(
        StatusCode::CREATED,
        state.store.create(&permit, Some(&t), record).await?,
    ))
}

async fn update_scoped<R: Record>(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((t, slug)): Path<(String, String)>,
    headers: HeaderMap,
    body: ApiBody,
) -> Result<Response, Error> {
    let (t, permit) = scoped_permit::<R>(&actor, &t)?;
    let record: R = body.parse()?;
    Ok(with_etag(
        StatusCode::OK,
        state
            .store
            .update(&permit, Some(&t), &slug, record, if_match(&headers))
            .await?,
    ))
}

async fn delete_scoped<R: Record>(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((t, slug)): Path<(String, String)>,
) -> Result<StatusCode, Error> {
    let (t, permit) = scoped_permit::<R>(&actor, &t)?;
    state.store.delete::<R>(&permit, Some(&t), &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct AtDate {
    date: Option<String>,
}

/// The status derived from the timeline, today or at `?date=2010-06-01`.
/// The partners of a region's partners, best first, each with the
/// partners it shares with the region (the way there).
async fn partners_of_partners(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<serde_json::Value>, Error> {
    let region = state
        .store
        .fetch::<kreiskom_core::Region>(None, &slug)
        .await?
        .record;
    let neighbours =
        kreiskom_publish::partners_of_partners(&state.store, &region.slug, state.today()).await?;
    Ok(Json(serde_json::json!({
        "region": region.slug,
        "neighbours": neighbours,
    })))
}

async fn partnership_status(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    at: Result<Query<AtDate>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<serde_json::Value>, Error> {
    let Ok(Query(at)) = at else {
        return Err(Error::Body(vec![FieldError::new(
            "date",
            "Die Abfrage ist unlesbar; erwartet wird ?date=JJJJ-MM-TT",
        )]));
    };
    let day = match at.date {
        Some(d) => match PartialDate::parse(&d) {
            Ok(PartialDate::Day(day)) => day,
            _ => {
                return Err(Error::Body(vec![FieldError::new(
                    "date",
                    "muss ein Tag im Format JJJJ-MM-TT sein",
                )]))
            }
        },
        None => state.today(),
    };
    let p = state.store.fetch::<Partnership>(None, &slug).await?.record;
    let at = p.status_at(day);
    Ok(Json(serde_json::json!({
        "date": day.to_string(),
        "status": at.status,
        "since": at.since.map(|d| d.to_string()),
        "text": kreiskom_publish::german_status(&at),
    })))
}
