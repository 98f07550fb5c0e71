//! A Mastodon server for tests, on its own thread and runtime so sync and
//! async tests (and other processes) can talk to it alike. It checks each
//! request as Mastodon does (bearer token, JSON body, its character limit,
//! `Idempotency-Key`, multipart media with a description) and answers with
//! Mastodon's documented bodies, errors included. Its status content is
//! HTML, as Mastodon renders it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::{json, Value};

/// The server's `max_characters`, twice Mastodon's default so a client
/// that assumes 500 is caught.
pub const LIMIT: usize = 1_000;

#[derive(Default)]
pub struct Books {
    /// Posts by id: their JSON as sent, with `created_at`.
    pub statuses: HashMap<String, Value>,
    /// Idempotency keys and the post each made.
    pub keys: HashMap<String, String>,
    /// Alt texts by media id.
    pub media: HashMap<String, String>,
    /// Answer the next request with 429.
    pub throttle: bool,
    /// After making the next post, wait this long before answering (to cut
    /// a client off mid-request).
    pub hold: Option<Duration>,
    /// Posts made, including deleted ones.
    pub created: usize,
    /// Requests to `POST /api/v1/statuses`, repeats included.
    pub post_requests: usize,
    token: String,
}

type Shared = Arc<Mutex<Books>>;

pub struct MastodonServer {
    /// `http://127.0.0.1:port`.
    pub url: String,
    pub books: Shared,
}

impl MastodonServer {
    /// A server that takes `token` as the account's access token.
    pub fn start(token: &str) -> Self {
        let books: Shared = Arc::new(Mutex::new(Books {
            token: token.to_owned(),
            ..Books::default()
        }));
        let app = Router::new()
            .route("/api/v2/instance", get(instance))
            .route("/api/v1/statuses", post(create))
            .route("/api/v1/statuses/{id}", put(edit).delete(remove))
            .route("/api/v2/media", post(upload))
            .route("/api/v1/accounts/verify_credentials", get(verify))
            .route("/api/v1/accounts/{id}/statuses", get(listed))
            .with_state(books.clone());
        Self {
            url: crate::serve_on_own_thread(app),
            books,
        }
    }

    pub fn books(&self) -> std::sync::MutexGuard<'_, Books> {
        self.books.lock().unwrap()
    }

    /// The texts of the posts there now.
    pub fn texts(&self) -> Vec<String> {
        let books = self.books();
        let mut posts: Vec<(&String, &Value)> = books.statuses.iter().collect();
        posts.sort_by_key(|(id, _)| id.len() * 1000 + id.parse::<usize>().unwrap_or(0));
        posts
            .iter()
            .map(|(_, v)| v["status"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// Mastodon's checks before any work: a valid token, then not throttled.
fn gate(s: &Shared, headers: &HeaderMap) -> Option<Response> {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    let mut books = s.lock().unwrap();
    if auth != Some(&format!("Bearer {}", books.token)) {
        return Some(error(
            StatusCode::UNAUTHORIZED,
            "The access token is invalid",
        ));
    }
    if std::mem::take(&mut books.throttle) {
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

/// Mastodon's count: code points, every link as 23.
fn length(text: &str) -> usize {
    text.split_inclusive(char::is_whitespace)
        .map(|w| {
            let word = w.trim_end();
            if word.starts_with("https://") || word.starts_with("http://") {
                23 + (w.chars().count() - word.chars().count())
            } else {
                w.chars().count()
            }
        })
        .sum()
}

fn check_status(body: &Value, books: &Books) -> Option<Response> {
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
    if length(text) > LIMIT {
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
    if media.iter().any(|m| !books.media.contains_key(*m)) {
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

/// The text as Mastodon renders it: escaped, paragraphs and line breaks.
fn html(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;");
    let paragraphs: Vec<String> = escaped
        .split("\n\n")
        .map(|p| format!("<p>{}</p>", p.replace('\n', "<br />")))
        .collect();
    paragraphs.concat()
}

fn status_json(id: &str, body: &Value) -> Value {
    json!({
        "id": id,
        "created_at": body["created_at"],
        "uri": format!("https://social.example/users/landkreis/statuses/{id}"),
        "url": format!("https://social.example/@landkreis/{id}"),
        "content": html(body["status"].as_str().unwrap_or_default()),
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

async fn verify(State(s): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(refused) = gate(&s, &headers) {
        return refused;
    }
    Json(json!({ "id": "109", "username": "landkreis", "acct": "landkreis" })).into_response()
}

/// The account's posts, newest first, as `GET /api/v1/accounts/:id/statuses`.
async fn listed(State(s): State<Shared>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if let Some(refused) = gate(&s, &headers) {
        return refused;
    }
    if id != "109" {
        return error(StatusCode::NOT_FOUND, "Record not found");
    }
    let books = s.lock().unwrap();
    let mut posts: Vec<(u64, Value)> = books
        .statuses
        .iter()
        .map(|(id, body)| (id.parse().unwrap_or(0), status_json(id, body)))
        .collect();
    posts.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
    Json(
        posts
            .into_iter()
            .map(|(_, v)| v)
            .take(40)
            .collect::<Vec<_>>(),
    )
    .into_response()
}

async fn create(State(s): State<Shared>, headers: HeaderMap, raw: String) -> Response {
    if let Some(refused) = gate(&s, &headers) {
        return refused;
    }
    let mut body = match json_body(&headers, &raw) {
        Ok(b) => b,
        Err((status, message)) => return error(status, message),
    };
    let (answer, hold) = {
        let mut books = s.lock().unwrap();
        books.post_requests += 1;
        if let Some(refused) = check_status(&body, &books) {
            return refused;
        }
        let key = headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if let Some(id) = key.as_ref().and_then(|k| books.keys.get(k)).cloned() {
            let first = books.statuses[&id].clone();
            return Json(status_json(&id, &first)).into_response();
        }
        books.created += 1;
        let id = format!("1100{}", books.created);
        body["created_at"] = json!(jiff_now());
        books.statuses.insert(id.clone(), body.clone());
        if let Some(k) = key {
            books.keys.insert(k, id.clone());
        }
        (status_json(&id, &body), books.hold.take())
    };
    if let Some(pause) = hold {
        tokio::time::sleep(pause).await;
    }
    Json(answer).into_response()
}

/// Now as Mastodon writes it ("2026-12-03T10:00:00.123Z").
fn jiff_now() -> String {
    let now = jiff::Timestamp::now();
    now.round(jiff::Unit::Millisecond)
        .unwrap_or(now)
        .to_string()
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
    let mut body = match json_body(&headers, &raw) {
        Ok(b) => b,
        Err((status, message)) => return error(status, message),
    };
    let mut books = s.lock().unwrap();
    let Some(created) = books.statuses.get(&id).map(|s| s["created_at"].clone()) else {
        return error(StatusCode::NOT_FOUND, "Record not found");
    };
    if let Some(refused) = check_status(&body, &books) {
        return refused;
    }
    body["created_at"] = created;
    books.statuses.insert(id.clone(), body.clone());
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
    let mut books = s.lock().unwrap();
    let id = format!("2200{}", books.media.len() + 1);
    books.media.insert(id.clone(), description.clone());
    Json(json!({ "id": id, "type": "image", "description": description })).into_response()
}
