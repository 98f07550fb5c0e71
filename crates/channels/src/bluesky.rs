//! A Bluesky account through the AT Protocol's documented XRPC methods on
//! its PDS (`bsky.social` unless the user names another): a session from
//! the handle and an app password (`com.atproto.server.createSession`),
//! pictures as blobs with alt text (`com.atproto.repo.uploadBlob`), posts as
//! `app.bsky.feed.post` records with link facets by UTF-8 byte offset
//! (`com.atproto.repo.createRecord`), looked up (`getRecord`) and deleted
//! (`deleteRecord`). A post's record key is chosen by kreiskom from the
//! delivery, so a retry can ask whether that very post exists before it
//! tries again. Bluesky posts cannot be edited.

use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::time::{Duration, Instant};

use kreiskom_core::social::{links, server_base};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::{read_json, SendError};

const TIMEOUT: Duration = Duration::from_secs(30);
const POST: &str = "app.bsky.feed.post";
/// Bluesky's limit for one picture.
pub const MAX_IMAGE_BYTES: usize = 1_000_000;

/// A connection to one account. The app password never appears in
/// `Debug`.
#[derive(Clone)]
pub struct Bluesky {
    base: String,
    handle: String,
    password: String,
    http: reqwest::Client,
    sessions: Sessions,
}

/// How long a session is used before a new one is opened; a PDS's access
/// token lives about two hours.
const SESSION_KEPT: Duration = Duration::from_secs(90 * 60);

/// Open sessions by account, shared by every connection a handler makes:
/// a PDS allows only some 30 new sessions per account in five minutes.
#[derive(Clone, Default)]
pub struct Sessions(std::sync::Arc<std::sync::Mutex<HashMap<u64, (Session, Instant)>>>);

impl fmt::Debug for Bluesky {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bluesky")
            .field("base", &self.base)
            .field("handle", &self.handle)
            .field("password", &"…")
            .finish()
    }
}

/// A signed-in session: the account's DID and its access token.
#[derive(Clone)]
pub struct Session {
    did: String,
    access: String,
    /// Taken from [`Sessions`], so a refusal may mean it ran out.
    kept: bool,
}

/// A picture uploaded as a blob, to embed in a post.
pub struct Blob {
    blob: Value,
    alt: String,
}

/// What went out: the record key and the post's public address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    pub rkey: String,
    pub url: String,
}

impl Bluesky {
    /// `server` is the account's PDS ("bsky.social" when `None`), `handle`
    /// "landkreis-stade.bsky.social" (a leading "@" is dropped).
    pub fn new(server: Option<&str>, handle: &str, password: &str) -> Result<Self, String> {
        Self::with_sessions(server, handle, password, Sessions::default())
    }

    /// A connection that keeps its sessions in `sessions`.
    pub fn with_sessions(
        server: Option<&str>,
        handle: &str,
        password: &str,
        sessions: Sessions,
    ) -> Result<Self, String> {
        let base = server_base(server.unwrap_or("bsky.social"))
            .map_err(|e| format!("Der Bluesky-Server {e}"))?;
        let handle = handle.trim().trim_start_matches('@');
        if handle.is_empty() || handle.contains(char::is_whitespace) {
            return Err(
                "Für Bluesky fehlt der Name des Kontos (z. B. landkreis.bsky.social).".into(),
            );
        }
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .user_agent(concat!("kreiskom/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            base,
            handle: handle.to_owned(),
            password: password.to_owned(),
            http,
            sessions,
        })
    }

    /// The account, and the password it is opened with, as a cache key.
    fn account(&self) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (&self.base, &self.handle, &self.password).hash(&mut h);
        h.finish()
    }

    /// A session that was kept, or a new one.
    pub async fn session(&self) -> Result<Session, SendError> {
        let account = self.account();
        if let Some((session, opened)) = self.sessions.0.lock().expect("sessions").get(&account) {
            if opened.elapsed() < SESSION_KEPT {
                return Ok(session.clone());
            }
        }
        let session = self.open_session().await?;
        self.sessions
            .0
            .lock()
            .expect("sessions")
            .insert(account, (session.clone(), Instant::now()));
        Ok(Session {
            kept: false,
            ..session
        })
    }

    /// Drops a kept session the PDS refused; the next call opens a new one.
    /// Says whether `session` was a kept one, worth one more try.
    pub fn forget(&self, session: &Session) -> bool {
        self.sessions
            .0
            .lock()
            .expect("sessions")
            .remove(&self.account());
        session.kept
    }

    fn url(&self, method: &str) -> String {
        format!("{}/xrpc/{method}", self.base)
    }

    /// The public address of a post of this account.
    pub fn post_url(&self, rkey: &str) -> String {
        format!("https://bsky.app/profile/{}/post/{rkey}", self.handle)
    }

    async fn open_session(&self) -> Result<Session, SendError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Created {
            did: String,
            access_jwt: String,
        }
        let response = self
            .http
            .post(self.url("com.atproto.server.createSession"))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(json!({ "identifier": self.handle, "password": self.password }).to_string())
            .send()
            .await
            .map_err(unreachable)?;
        let created: Created = read_json(&answer(response).await?)?;
        Ok(Session {
            did: created.did,
            access: created.access_jwt,
            kept: true,
        })
    }

    pub async fn upload(
        &self,
        session: &Session,
        content_type: &str,
        bytes: Vec<u8>,
        alt: &str,
    ) -> Result<Blob, SendError> {
        if bytes.len() > MAX_IMAGE_BYTES {
            return Err(SendError::Permanent(format!(
                "Bluesky nimmt Bilder bis 1 MB; dieses hat {} KB.",
                bytes.len() / 1000
            )));
        }
        let response = self
            .http
            .post(self.url("com.atproto.repo.uploadBlob"))
            .bearer_auth(&session.access)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(bytes)
            .send()
            .await
            .map_err(unreachable)?;
        let body: Value = read_json(&answer(response).await?)?;
        Ok(Blob {
            blob: body["blob"].clone(),
            alt: alt.to_owned(),
        })
    }

    /// Writes the post under `rkey` (see [`record_key`]).
    pub async fn post(
        &self,
        session: &Session,
        rkey: &str,
        text: &str,
        language: &str,
        images: &[Blob],
    ) -> Result<Posted, SendError> {
        let facets: Vec<Value> = links(text)
            .into_iter()
            .map(|l| {
                json!({
                    "index": { "byteStart": l.byte_start, "byteEnd": l.byte_end },
                    "features": [{ "$type": "app.bsky.richtext.facet#link", "uri": l.uri }]
                })
            })
            .collect();
        let mut record = json!({
            "$type": POST,
            "text": text,
            "createdAt": jiff::Timestamp::now().round(jiff::Unit::Millisecond).unwrap_or_else(|_| jiff::Timestamp::now()).to_string(),
            "langs": [language],
        });
        if !facets.is_empty() {
            record["facets"] = json!(facets);
        }
        if !images.is_empty() {
            record["embed"] = json!({
                "$type": "app.bsky.embed.images",
                "images": images.iter().map(|b| json!({ "alt": b.alt, "image": b.blob })).collect::<Vec<_>>(),
            });
        }
        let response = self
            .http
            .post(self.url("com.atproto.repo.createRecord"))
            .bearer_auth(&session.access)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(
                json!({ "repo": session.did, "collection": POST, "rkey": rkey, "record": record })
                    .to_string(),
            )
            .send()
            .await
            .map_err(unreachable)?;
        answer(response).await?;
        Ok(Posted {
            rkey: rkey.to_owned(),
            url: self.post_url(rkey),
        })
    }

    /// Whether the post under `rkey` exists: what a retry asks first.
    pub async fn exists(&self, session: &Session, rkey: &str) -> Result<bool, SendError> {
        let response = self
            .http
            .get(self.url("com.atproto.repo.getRecord"))
            .query(&[
                ("repo", session.did.as_str()),
                ("collection", POST),
                ("rkey", rkey),
            ])
            .bearer_auth(&session.access)
            .send()
            .await
            .map_err(unreachable)?;
        match answer(response).await {
            Ok(_) => Ok(true),
            Err(SendError::Permanent(m)) if m.contains("RecordNotFound") => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub async fn delete(&self, session: &Session, rkey: &str) -> Result<(), SendError> {
        let response = self
            .http
            .post(self.url("com.atproto.repo.deleteRecord"))
            .bearer_auth(&session.access)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(json!({ "repo": session.did, "collection": POST, "rkey": rkey }).to_string())
            .send()
            .await
            .map_err(unreachable)?;
        answer(response).await.map(|_| ())
    }
}

/// A record key in the AT Protocol's TID form (13 characters of
/// base32-sortable: 53 bits of microseconds, 10 bits of clock id), made
/// from the delivery's planning time and token, so every try of one
/// delivery writes to the same key.
pub fn record_key(micros: i64, token: &str) -> String {
    const ALPHABET: &[u8] = b"234567abcdefghijklmnopqrstuvwxyz";
    let clock = token
        .bytes()
        .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
        & 0x3ff;
    let value = ((micros.max(0) as u64 & ((1 << 53) - 1)) << 10) | clock;
    (0..13)
        .rev()
        .map(|i| ALPHABET[((value >> (i * 5)) & 31) as usize] as char)
        .collect()
}

fn unreachable(e: reqwest::Error) -> SendError {
    SendError::Transient(format!("Bluesky nicht erreichbar: {e}"))
}

/// The body of a success, or the refusal in German. XRPC errors are
/// `{"error": "Name", "message": "…"}`.
async fn answer(response: reqwest::Response) -> Result<Vec<u8>, SendError> {
    let status = response.status();
    let reset = response
        .headers()
        .get("ratelimit-reset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok())
        .and_then(|s| jiff::Timestamp::from_second(s).ok());
    let body = response.bytes().await.map_err(unreachable)?.to_vec();
    if status.is_success() {
        return Ok(body);
    }
    let parsed = serde_json::from_slice::<Value>(&body).unwrap_or_default();
    let name = parsed["error"].as_str().unwrap_or_default().to_owned();
    let said = parsed["message"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| status.to_string());
    Err(match (status.as_u16(), name.as_str()) {
        (401, _) | (400, "AuthenticationRequired" | "AccountTakedown" | "ExpiredToken" | "InvalidToken") => {
            SendError::AccessRevoked(format!(
                "Bluesky nimmt den Zugang nicht an ({said}); bitte beim Kanal ein neues App-Passwort hinterlegen."
            ))
        }
        (429, _) => SendError::Transient(match reset {
            Some(at) => format!("Zu viele Anfragen an Bluesky; wieder möglich ab {at}."),
            None => "Zu viele Anfragen an Bluesky.".to_owned(),
        }),
        (500..=599, _) => SendError::Transient(format!("Bluesky meldet einen Fehler: {said}")),
        (_, "") => SendError::Permanent(format!("Bluesky antwortet {status}: {said}")),
        (_, name) => SendError::Permanent(format!("Bluesky lehnt ab ({name}): {said}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_key_is_a_tid_and_the_same_for_every_try() {
        let key = record_key(1_764_758_400_000_000, "a1b2c3");
        assert_eq!(key.len(), 13);
        assert!(key
            .chars()
            .all(|c| "234567abcdefghijklmnopqrstuvwxyz".contains(c)));
        assert!(
            key.starts_with([
                '2', '3', '4', '5', '6', '7', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'
            ]),
            "the top bit is zero"
        );
        assert_eq!(key, record_key(1_764_758_400_000_000, "a1b2c3"));
        assert_ne!(key, record_key(1_764_758_400_000_000, "d4e5f6"));
        assert!(
            record_key(1_764_758_400_000_001, "a1b2c3") > key,
            "later keys sort after earlier ones"
        );
    }
}
