//! The Mastodon client against a local server that checks each request as
//! Mastodon does (bearer token, JSON body, the server's character limit,
//! `Idempotency-Key`, multipart media with a description) and answers
//! with Mastodon's documented bodies, errors included.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use kreiskom_channels::mastodon::{Mastodon, Status, Visibility};
use kreiskom_channels::SendError;
use kreiskom_core::social::{mastodon_length, ServerLimits};
use serde_json::{json, Value};

const TOKEN: &str = "geheim-token-123";
const LIMIT: usize = 1_000;

#[derive(Default)]
struct Server {
    /// Posts by id: their JSON as sent.
    statuses: HashMap<String, Value>,
    /// Idempotency keys and the post each made.
    keys: HashMap<String, String>,
    /// Alt texts by media id.
    media: HashMap<String, String>,
    /// Answer the next request with 429.
    throttle: bool,
    created: usize,
}

type Shared = Arc<Mutex<Server>>;

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// Mastodon's checks before any work: a valid token, then not throttled.
fn gate(s: &Shared, headers: &HeaderMap) -> Option<Response> {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    if auth != Some(&format!("Bearer {TOKEN}")) {
        return Some(error(
            StatusCode::UNAUTHORIZED,
            "The access token is invalid",
        ));
    }
    let mut server = s.lock().unwrap();
    if std::mem::take(&mut server.throttle) {
        return Some(
            (
                StatusCode::TOO_MANY_REQUESTS,
                [("x-ratelimit-reset", "2026-12-03T12:05:00.000Z")],
                Json(json!({ "error": "Too many requests" })),
            )
                .into_response(),
        );
    }
    None
}

fn check_status(body: &Value, server: &Server) -> Option<Response> {
    let text = body["status"].as_str().unwrap_or_default();
    let media: Vec<&str> = body["media_ids"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if text.is_empty() && media.is_empty() {
        return Some(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Validation failed: Text can't be blank",
        ));
    }
    let limits = ServerLimits {
        max_characters: LIMIT,
        ..ServerLimits::default()
    };
    if mastodon_length(text, &limits) > LIMIT {
        return Some(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("Validation failed: Text character limit of {LIMIT} exceeded"),
        ));
    }
    if !["public", "unlisted", "private", "direct"]
        .contains(&body["visibility"].as_str().unwrap_or("public"))
    {
        return Some(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Validation failed: Visibility is invalid",
        ));
    }
    if body["language"].as_str().is_some_and(|l| l.len() != 2) {
        return Some(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Validation failed: Language is invalid",
        ));
    }
    if media.iter().any(|m| !server.media.contains_key(*m)) {
        return Some(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Validation failed: Media is invalid",
        ));
    }
    None
}

/// The JSON body, or Mastodon's refusal of it.
fn json_body(headers: &HeaderMap, raw: &str) -> Result<Value, (StatusCode, &'static str)> {
    if headers.get("content-type").and_then(|v| v.to_str().ok()) != Some("application/json") {
        return Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported content type",
        ));
    }
    serde_json::from_str(raw).map_err(|_| (StatusCode::BAD_REQUEST, "Invalid JSON"))
}

fn status_json(id: &str, body: &Value) -> Value {
    json!({
        "id": id,
        "uri": format!("https://social.example/users/landkreis/statuses/{id}"),
        "url": format!("https://social.example/@landkreis/{id}"),
        "content": body["status"],
        "language": body["language"],
        "visibility": body["visibility"],
        "spoiler_text": body["spoiler_text"].as_str().unwrap_or(""),
    })
}

async fn instance() -> Json<Value> {
    Json(json!({
        "domain": "social.example",
        "configuration": {
            "statuses": { "max_characters": LIMIT, "max_media_attachments": 4, "characters_reserved_per_url": 23 },
            "media_attachments": { "image_size_limit": 16777216 }
        }
    }))
}

async fn create(State(s): State<Shared>, headers: HeaderMap, raw: String) -> Response {
    if let Some(refused) = gate(&s, &headers) {
        return refused;
    }
    let body = match json_body(&headers, &raw) {
        Ok(b) => b,
        Err((status, message)) => return error(status, message),
    };
    let mut server = s.lock().unwrap();
    if let Some(refused) = check_status(&body, &server) {
        return refused;
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(id) = key.as_ref().and_then(|k| server.keys.get(k)).cloned() {
        let first = server.statuses[&id].clone();
        return Json(status_json(&id, &first)).into_response();
    }
    server.created += 1;
    let id = format!("1100{}", server.created);
    server.statuses.insert(id.clone(), body.clone());
    if let Some(k) = key {
        server.keys.insert(k, id.clone());
    }
    Json(status_json(&id, &body)).into_response()
}

async fn edit(
    State(s): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: String,
) -> Response {
    if let Some(refused) = gate(&s, &headers) {
        return refused;
    }
    let body = match json_body(&headers, &raw) {
        Ok(b) => b,
        Err((status, message)) => return error(status, message),
    };
    let mut server = s.lock().unwrap();
    if !server.statuses.contains_key(&id) {
        return error(StatusCode::NOT_FOUND, "Record not found");
    }
    if let Some(refused) = check_status(&body, &server) {
        return refused;
    }
    server.statuses.insert(id.clone(), body.clone());
    Json(status_json(&id, &body)).into_response()
}

async fn remove(State(s): State<Shared>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if let Some(refused) = gate(&s, &headers) {
        return refused;
    }
    match s.lock().unwrap().statuses.remove(&id) {
        Some(body) => Json(status_json(&id, &body)).into_response(),
        None => error(StatusCode::NOT_FOUND, "Record not found"),
    }
}

async fn upload(State(s): State<Shared>, headers: HeaderMap, mut form: Multipart) -> Response {
    if let Some(refused) = gate(&s, &headers) {
        return refused;
    }
    let (mut file, mut description) = (None, String::new());
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("file") => {
                let kind = field.content_type().map(str::to_owned);
                file = Some((kind, field.bytes().await.unwrap()));
            }
            Some("description") => description = field.text().await.unwrap(),
            _ => {}
        }
    }
    let Some((Some(kind), bytes)) = file else {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Validation failed: File can't be blank",
        );
    };
    if !kind.starts_with("image/") || bytes.is_empty() {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Validation failed: File has contents that are not what they are reported to be",
        );
    }
    let mut server = s.lock().unwrap();
    let id = format!("2200{}", server.media.len() + 1);
    server.media.insert(id.clone(), description.clone());
    Json(json!({ "id": id, "type": "image", "description": description })).into_response()
}

async fn start() -> (String, Shared) {
    let shared: Shared = Arc::default();
    let app = Router::new()
        .route("/api/v2/instance", get(instance))
        .route("/api/v1/statuses", post(create))
        .route("/api/v1/statuses/{id}", put(edit).delete(remove))
        .route("/api/v2/media", post(upload))
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, shared)
}

fn status<'a>(text: &'a str, media_ids: Vec<String>) -> Status<'a> {
    Status {
        text,
        language: "de",
        visibility: Visibility::Public,
        content_warning: None,
        media_ids,
    }
}

#[tokio::test]
async fn limits_come_from_the_server() {
    let (url, _) = start().await;
    let m = Mastodon::new(&url, TOKEN).unwrap();
    let limits = m.limits().await.unwrap();
    assert_eq!(limits.max_characters, 1_000, "not Mastodon's default 500");
    assert_eq!(limits.characters_reserved_per_url, 23);
    assert_eq!(limits.max_media_attachments, 4);
}

#[tokio::test]
async fn a_retry_with_the_same_key_does_not_post_twice() {
    let (url, server) = start().await;
    let m = Mastodon::new(&url, TOKEN).unwrap();
    let text =
        "Der Landkreis Stade ist jetzt auch im Fediverse 🎉 https://www.landkreis-stade.de/presse";
    let first = m.post(&status(text, vec![]), "lieferung-42").await.unwrap();
    let again = m.post(&status(text, vec![]), "lieferung-42").await.unwrap();
    assert_eq!(first, again);
    assert_eq!(server.lock().unwrap().created, 1, "one post on the server");
    assert_eq!(
        first.url.as_deref(),
        Some(format!("https://social.example/@landkreis/{}", first.id).as_str())
    );
    let other = m.post(&status(text, vec![]), "lieferung-43").await.unwrap();
    assert_ne!(other.id, first.id);
}

#[tokio::test]
async fn language_visibility_and_content_warning_are_sent() {
    let (url, server) = start().await;
    let m = Mastodon::new(&url, TOKEN).unwrap();
    let mut s = status("Sperrung der K 12 wegen Bauarbeiten", vec![]);
    s.visibility = Visibility::Unlisted;
    s.content_warning = Some("Verkehr");
    let posted = m.post(&s, "k12").await.unwrap();
    let sent = server.lock().unwrap().statuses[&posted.id].clone();
    assert_eq!(sent["language"], "de");
    assert_eq!(sent["visibility"], "unlisted");
    assert_eq!(sent["spoiler_text"], "Verkehr");
    assert_eq!(sent["sensitive"], true);
}

#[tokio::test]
async fn pictures_go_up_with_their_alt_text() {
    let (url, server) = start().await;
    let m = Mastodon::new(&url, TOKEN).unwrap();
    let png = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../demo/media/wappen-stade.png"
    ))
    .unwrap();
    let id = m
        .upload_media(
            "wappen.png",
            "image/png",
            png,
            "Wappen des Landkreises Stade",
        )
        .await
        .unwrap();
    assert_eq!(
        server.lock().unwrap().media[&id],
        "Wappen des Landkreises Stade"
    );
    let posted = m
        .post(&status("Unser Wappen", vec![id.clone()]), "bild")
        .await
        .unwrap();
    assert_eq!(
        server.lock().unwrap().statuses[&posted.id]["media_ids"],
        json!([id])
    );
    let refused = m
        .upload_media("x.txt", "text/plain", b"kein Bild".to_vec(), "x")
        .await
        .unwrap_err();
    assert!(
        matches!(refused, SendError::Permanent(ref m) if m.contains("not what they are reported")),
        "{refused:?}"
    );
}

#[tokio::test]
async fn refusals_read_in_german_and_say_whether_to_retry() {
    let (url, server) = start().await;
    let wrong = Mastodon::new(&url, "abgelaufen").unwrap();
    let e = wrong.post(&status("Hallo", vec![]), "a").await.unwrap_err();
    assert_eq!(
        e,
        SendError::Permanent("Der Zugang zum Mastodon-Konto gilt nicht mehr (The access token is invalid); bitte den Kanal neu verbinden.".into())
    );
    let m = Mastodon::new(&url, TOKEN).unwrap();
    let long = "ä".repeat(1_001);
    let e = m.post(&status(&long, vec![]), "b").await.unwrap_err();
    assert_eq!(
        e,
        SendError::Permanent("Mastodon lehnt den Beitrag ab: Validation failed: Text character limit of 1000 exceeded".into())
    );
    server.lock().unwrap().throttle = true;
    let e = m.post(&status("Hallo", vec![]), "c").await.unwrap_err();
    assert_eq!(
        e,
        SendError::Transient(
            "Zu viele Anfragen an den Server; wieder möglich ab 2026-12-03T12:05:00.000Z.".into()
        )
    );
    assert_eq!(server.lock().unwrap().created, 0, "nothing went out");
    // A server that is not there is worth a retry.
    let gone = Mastodon::new("http://127.0.0.1:9", TOKEN).unwrap();
    assert!(matches!(gone.limits().await, Err(SendError::Transient(_))));
}

#[tokio::test]
async fn a_correction_edits_and_a_withdrawal_deletes() {
    let (url, server) = start().await;
    let m = Mastodon::new(&url, TOKEN).unwrap();
    let posted = m
        .post(&status("Termin am 3. Juli", vec![]), "t")
        .await
        .unwrap();
    let edited = m
        .edit(&posted.id, &status("Korrektur: Termin am 4. Juli", vec![]))
        .await
        .unwrap();
    assert_eq!(edited.id, posted.id);
    assert_eq!(
        server.lock().unwrap().statuses[&posted.id]["status"],
        "Korrektur: Termin am 4. Juli"
    );
    m.delete(&posted.id).await.unwrap();
    assert!(server.lock().unwrap().statuses.is_empty());
    m.delete(&posted.id)
        .await
        .expect("already gone counts as deleted");
}

#[test]
fn the_token_stays_out_of_logs_and_only_https_leaves_the_machine() {
    let m = Mastodon::new("social.bund.de", TOKEN).unwrap();
    let shown = format!("{m:?}");
    assert!(
        shown.contains("https://social.bund.de") && !shown.contains(TOKEN),
        "{shown}"
    );
    assert!(Mastodon::new("https://social.bund.de/", TOKEN).is_ok());
    assert!(Mastodon::new("http://social.bund.de", TOKEN).is_err());
    assert!(Mastodon::new("@presse@social.bund.de", TOKEN).is_err());
}
