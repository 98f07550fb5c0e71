//! A Bluesky PDS for tests, on its own thread like the Mastodon one. It
//! checks requests as the AT Protocol's XRPC methods do (a session from
//! handle and app password, bearer access tokens, blobs up to 1 MB of an
//! image type, `app.bsky.feed.post` records with a TID record key, at most
//! 3,000 bytes of text, link facets whose byte range holds their link) and
//! answers with XRPC's `{"error", "message"}` bodies.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

pub const DID: &str = "did:plc:landkreisstade";

#[derive(Default)]
pub struct Books {
    /// Posts by record key: the record as written.
    pub posts: BTreeMap<String, Value>,
    /// Blobs by their CID: content type and size.
    pub blobs: BTreeMap<String, (String, usize)>,
    pub sessions: usize,
    /// Calls of `createRecord`, repeats and refusals included.
    pub create_calls: usize,
    /// Access tokens still valid.
    valid: Vec<String>,
    handle: String,
    password: String,
}

type Shared = Arc<Mutex<Books>>;

pub struct BlueskyServer {
    pub url: String,
    pub books: Shared,
}

impl BlueskyServer {
    pub fn start(handle: &str, password: &str) -> Self {
        let books: Shared = Arc::new(Mutex::new(Books {
            handle: handle.to_owned(),
            password: password.to_owned(),
            ..Books::default()
        }));
        let app = Router::new()
            .route("/xrpc/com.atproto.server.createSession", post(session))
            .route("/xrpc/com.atproto.repo.uploadBlob", post(upload))
            .route("/xrpc/com.atproto.repo.createRecord", post(create))
            .route("/xrpc/com.atproto.repo.getRecord", get(record))
            .route("/xrpc/com.atproto.repo.deleteRecord", post(delete))
            .with_state(books.clone());
        Self {
            url: crate::serve_on_own_thread(app),
            books,
        }
    }

    pub fn books(&self) -> std::sync::MutexGuard<'_, Books> {
        self.books.lock().unwrap()
    }

    /// Every session's access token runs out, as after two hours.
    pub fn expire_sessions(&self) {
        self.books().valid.clear();
    }
}

fn error(status: StatusCode, name: &str, message: &str) -> Response {
    (status, Json(json!({ "error": name, "message": message }))).into_response()
}

/// XRPC's refusal of a call without a valid access token.
fn unauthorised(s: &Shared, headers: &HeaderMap) -> Option<Response> {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let books = s.lock().unwrap();
    match auth {
        Some(token) if books.valid.iter().any(|v| v == token) => None,
        Some(token) if token.starts_with("access-jwt-") => Some(error(
            StatusCode::BAD_REQUEST,
            "ExpiredToken",
            "Token has expired",
        )),
        _ => Some(error(
            StatusCode::UNAUTHORIZED,
            "AuthenticationRequired",
            "Authentication Required",
        )),
    }
}

async fn session(State(s): State<Shared>, Json(body): Json<Value>) -> Response {
    let mut books = s.lock().unwrap();
    if body["identifier"].as_str() != Some(books.handle.as_str())
        || body["password"].as_str() != Some(books.password.as_str())
    {
        return error(
            StatusCode::UNAUTHORIZED,
            "AuthenticationRequired",
            "Invalid identifier or password",
        );
    }
    books.sessions += 1;
    let access = format!("access-jwt-{}", books.sessions);
    books.valid.push(access.clone());
    Json(json!({
        "did": DID, "handle": books.handle, "accessJwt": access, "refreshJwt": "refresh-jwt-1"
    }))
    .into_response()
}

async fn upload(State(s): State<Shared>, headers: HeaderMap, bytes: Bytes) -> Response {
    if let Some(refused) = unauthorised(&s, &headers) {
        return refused;
    }
    let kind = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if !kind.starts_with("image/") {
        return error(
            StatusCode::BAD_REQUEST,
            "InvalidRequest",
            "Wrong type of file",
        );
    }
    if bytes.len() > 1_000_000 {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "BlobTooLarge",
            "This file is too large. It is 1.2MB but the maximum size is 976.56KB.",
        );
    }
    let mut books = s.lock().unwrap();
    let cid = format!("bafkreiblob{}", books.blobs.len() + 1);
    books.blobs.insert(cid.clone(), (kind.clone(), bytes.len()));
    Json(json!({ "blob": {
        "$type": "blob", "ref": { "$link": cid }, "mimeType": kind, "size": bytes.len()
    }}))
    .into_response()
}

/// A record key of the TID form: 13 characters of base32-sortable.
fn is_tid(key: &str) -> bool {
    key.len() == 13
        && key
            .chars()
            .all(|c| "234567abcdefghijklmnopqrstuvwxyz".contains(c))
        && "234567abcdefghij".contains(&key[..1])
}

/// XRPC's refusal of a post record that breaks the lexicon.
fn check_post(record: &Value, books: &Books) -> Option<Response> {
    let invalid = |m: &str| Some(error(StatusCode::BAD_REQUEST, "InvalidRequest", m));
    if record["$type"] != "app.bsky.feed.post" {
        return invalid("Invalid $type: must be app.bsky.feed.post");
    }
    let Some(text) = record["text"].as_str() else {
        return invalid("Input/record/text must be a string");
    };
    if text.len() > 3_000 {
        return invalid("Input/record/text must not be longer than 3000 characters");
    }
    if record["createdAt"]
        .as_str()
        .is_none_or(|t| t.parse::<jiff::Timestamp>().is_err())
    {
        return invalid("Input/record/createdAt must be an valid atproto datetime");
    }
    for facet in record["facets"].as_array().into_iter().flatten() {
        let start = facet["index"]["byteStart"].as_u64().unwrap_or(u64::MAX) as usize;
        let end = facet["index"]["byteEnd"].as_u64().unwrap_or(0) as usize;
        let uri = facet["features"][0]["uri"].as_str().unwrap_or_default();
        if text.get(start..end) != Some(uri) {
            return invalid("Input/record/facets: byte range does not hold the link");
        }
    }
    if let Some(images) = record["embed"]["images"].as_array() {
        if images.len() > 4 {
            return invalid("Input/record/embed/images must not have more than 4 elements");
        }
        for i in images {
            if i["alt"].as_str().is_none() {
                return invalid("Input/record/embed/images/0 must have the property \"alt\"");
            }
            let cid = i["image"]["ref"]["$link"].as_str().unwrap_or_default();
            if !books.blobs.contains_key(cid) {
                return invalid("Could not find blob");
            }
        }
    }
    None
}

async fn create(State(s): State<Shared>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if let Some(refused) = unauthorised(&s, &headers) {
        return refused;
    }
    let mut books = s.lock().unwrap();
    books.create_calls += 1;
    if body["repo"] != DID || body["collection"] != "app.bsky.feed.post" {
        return error(
            StatusCode::BAD_REQUEST,
            "InvalidRequest",
            "Invalid repo or collection",
        );
    }
    let rkey = body["rkey"].as_str().unwrap_or_default().to_owned();
    if !is_tid(&rkey) {
        return error(
            StatusCode::BAD_REQUEST,
            "InvalidRequest",
            "Invalid record key",
        );
    }
    if let Some(refused) = check_post(&body["record"], &books) {
        return refused;
    }
    if books.posts.contains_key(&rkey) {
        return error(
            StatusCode::BAD_REQUEST,
            "InvalidRequest",
            "Record already exists",
        );
    }
    books.posts.insert(rkey.clone(), body["record"].clone());
    Json(json!({
        "uri": format!("at://{DID}/app.bsky.feed.post/{rkey}"),
        "cid": format!("bafyreipost{}", books.posts.len())
    }))
    .into_response()
}

async fn record(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    if let Some(refused) = unauthorised(&s, &headers) {
        return refused;
    }
    let books = s.lock().unwrap();
    match q.get("rkey").and_then(|k| books.posts.get(k)) {
        Some(value) if q.get("repo").map(String::as_str) == Some(DID) => Json(json!({
            "uri": format!("at://{DID}/app.bsky.feed.post/{}", q["rkey"]), "value": value
        }))
        .into_response(),
        _ => error(
            StatusCode::BAD_REQUEST,
            "RecordNotFound",
            "Could not locate record",
        ),
    }
}

async fn delete(State(s): State<Shared>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if let Some(refused) = unauthorised(&s, &headers) {
        return refused;
    }
    let mut books = s.lock().unwrap();
    if let Some(rkey) = body["rkey"].as_str() {
        books.posts.remove(rkey);
    }
    // Deleting what is not there succeeds, as on a PDS.
    Json(json!({})).into_response()
}
