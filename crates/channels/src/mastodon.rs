//! A Mastodon account on any server the user names, through Mastodon's
//! documented REST API: the server's limits (`GET /api/v2/instance`),
//! media with alt text (`POST /api/v2/media`), posting with an
//! `Idempotency-Key` so a retry never posts twice (`POST
//! /api/v1/statuses`), editing (`PUT /api/v1/statuses/:id`) and deleting.
//! Refusals come back in plain German, split into those worth a retry and
//! those that are final.

use std::fmt;
use std::time::Duration;

use kreiskom_core::social::ServerLimits;
use serde::Deserialize;
use serde_json::json;

use crate::{read_json, SendError};

/// How long one request to a Mastodon server may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Who may see a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    Public,
    Unlisted,
    Private,
}

impl Visibility {
    fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Unlisted => "unlisted",
            Visibility::Private => "private",
        }
    }
}

/// A post as Mastodon takes it.
#[derive(Debug, Clone)]
pub struct Status<'a> {
    pub text: &'a str,
    /// ISO 639-1, e.g. "de".
    pub language: &'a str,
    pub visibility: Visibility,
    /// Shown before the text, which stays folded ("Inhaltswarnung").
    pub content_warning: Option<&'a str>,
    /// Ids from `upload_media`.
    pub media_ids: Vec<String>,
}

/// What went out: the post's id and its public address.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Posted {
    pub id: String,
    pub url: Option<String>,
}

/// A connection to one account. The token never appears in `Debug`.
#[derive(Clone)]
pub struct Mastodon {
    /// `https://social.bund.de`, without a trailing slash.
    base: String,
    token: String,
    http: reqwest::Client,
}

impl fmt::Debug for Mastodon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mastodon")
            .field("base", &self.base)
            .field("token", &"…")
            .finish()
    }
}

#[derive(Deserialize)]
struct Instance {
    configuration: Configuration,
}

#[derive(Deserialize)]
struct Configuration {
    statuses: StatusesConfig,
}

#[derive(Deserialize)]
struct StatusesConfig {
    max_characters: usize,
    #[serde(default)]
    max_media_attachments: Option<usize>,
    #[serde(default)]
    characters_reserved_per_url: Option<usize>,
}

#[derive(Deserialize)]
struct MediaAttachment {
    id: String,
}

impl Mastodon {
    /// `server` as the user typed it: "social.bund.de" or
    /// "https://social.bund.de/".
    pub fn new(server: &str, token: &str) -> Result<Self, String> {
        let base = kreiskom_core::social::server_base(server)
            .map_err(|e| format!("Der Mastodon-Server „{}“ {e}", server.trim()))?;
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .user_agent(concat!("kreiskom/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            base,
            token: token.to_owned(),
            http,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The server's own limits; a server that does not tell gets Mastodon's
    /// defaults.
    pub async fn limits(&self) -> Result<ServerLimits, SendError> {
        let response = self
            .http
            .get(self.url("/api/v2/instance"))
            .send()
            .await
            .map_err(unreachable)?;
        let instance: Instance = read_json(&answer(response).await?)?;
        let s = instance.configuration.statuses;
        let default = ServerLimits::default();
        Ok(ServerLimits {
            max_characters: s.max_characters,
            characters_reserved_per_url: s
                .characters_reserved_per_url
                .unwrap_or(default.characters_reserved_per_url),
            max_media_attachments: s
                .max_media_attachments
                .unwrap_or(default.max_media_attachments),
        })
    }

    /// Uploads a picture with its alt text; the id goes into a status.
    pub async fn upload_media(
        &self,
        file_name: &str,
        content_type: &str,
        bytes: Vec<u8>,
        alt: &str,
    ) -> Result<String, SendError> {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(file_name.to_owned())
            .mime_str(content_type)
            .map_err(|e| SendError::Permanent(format!("Dateiart {content_type}: {e}")))?;
        let form = reqwest::multipart::Form::new()
            .part("file", part)
            .text("description", alt.to_owned());
        let response = self
            .http
            .post(self.url("/api/v2/media"))
            .bearer_auth(&self.token)
            .multipart(form)
            .send()
            .await
            .map_err(unreachable)?;
        let media: MediaAttachment = read_json(&answer(response).await?)?;
        Ok(media.id)
    }

    /// Posts once: the same `idempotency_key` (the delivery's own) makes
    /// the server return the first post instead of a second one.
    pub async fn post(
        &self,
        status: &Status<'_>,
        idempotency_key: &str,
    ) -> Result<Posted, SendError> {
        let response = self
            .http
            .post(self.url("/api/v1/statuses"))
            .bearer_auth(&self.token)
            .header("Idempotency-Key", idempotency_key)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body(status).to_string())
            .send()
            .await
            .map_err(unreachable)?;
        posted(answer(response).await?)
    }

    /// The post with this text that the account published at or after
    /// `since`, if any: what a retry looks for first, in case the try
    /// before went out but its answer was lost. Mastodon keeps an
    /// `Idempotency-Key` only for an hour; this check has no such limit.
    pub async fn find_posted(
        &self,
        text: &str,
        since: jiff::Timestamp,
    ) -> Result<Option<Posted>, SendError> {
        #[derive(Deserialize)]
        struct Account {
            id: String,
        }
        #[derive(Deserialize)]
        struct Listed {
            id: String,
            url: Option<String>,
            created_at: String,
            content: String,
        }
        let response = self
            .http
            .get(self.url("/api/v1/accounts/verify_credentials"))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(unreachable)?;
        let account: Account = read_json(&answer(response).await?)?;
        let response = self
            .http
            .get(self.url(&format!("/api/v1/accounts/{}/statuses", account.id)))
            .query(&[("limit", "40"), ("exclude_reblogs", "true")])
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(unreachable)?;
        let listed: Vec<Listed> = read_json(&answer(response).await?)?;
        let wanted = plain_words(text);
        // A little slack for clocks that disagree.
        let since = since - jiff::SignedDuration::from_mins(5);
        Ok(listed
            .into_iter()
            .filter(|s| {
                s.created_at
                    .parse::<jiff::Timestamp>()
                    .is_ok_and(|at| at >= since)
            })
            .find(|s| plain_words(&html_text(&s.content)) == wanted)
            .map(|s| Posted {
                id: s.id,
                url: s.url,
            }))
    }

    /// A correction: the same post, edited.
    pub async fn edit(&self, id: &str, status: &Status<'_>) -> Result<Posted, SendError> {
        let response = self
            .http
            .put(self.url(&format!("/api/v1/statuses/{id}")))
            .bearer_auth(&self.token)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body(status).to_string())
            .send()
            .await
            .map_err(unreachable)?;
        posted(answer(response).await?)
    }

    /// A withdrawal; a post already gone counts as deleted.
    pub async fn delete(&self, id: &str) -> Result<(), SendError> {
        let response = self
            .http
            .delete(self.url(&format!("/api/v1/statuses/{id}")))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(unreachable)?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(());
        }
        answer(response).await.map(|_| ())
    }
}

fn body(status: &Status) -> serde_json::Value {
    let mut b = json!({
        "status": status.text,
        "language": status.language,
        "visibility": status.visibility.as_str(),
        "media_ids": status.media_ids,
    });
    if let Some(cw) = status.content_warning {
        b["spoiler_text"] = json!(cw);
        b["sensitive"] = json!(true);
    }
    b
}

/// The words of a text as Mastodon shows it: mentions without their
/// server ("@presse@social.bund.de" is shown as "@presse").
fn plain_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(
            |w| match w.strip_prefix('@').and_then(|m| m.split_once('@')) {
                Some((user, _)) => format!("@{user}"),
                None => w.to_owned(),
            },
        )
        .collect()
}

/// The text of a status's HTML `content`: tags dropped (a line break or
/// paragraph becomes a space), the entities Mastodon writes decoded.
fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open + 1..open + close];
        if tag.starts_with("br") || tag.starts_with("/p") {
            out.push(' ');
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn posted(body: Vec<u8>) -> Result<Posted, SendError> {
    read_json(&body)
}

fn unreachable(e: reqwest::Error) -> SendError {
    SendError::Transient(format!("Mastodon-Server nicht erreichbar: {e}"))
}

/// The body of a success, or the refusal in German: 401/403 and 422 are
/// final, 429 and 5xx worth a retry.
async fn answer(response: reqwest::Response) -> Result<Vec<u8>, SendError> {
    let status = response.status();
    let reset = response
        .headers()
        .get("x-ratelimit-reset")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.bytes().await.map_err(unreachable)?.to_vec();
    if status.is_success() {
        return Ok(body);
    }
    // Mastodon's errors are `{"error": "…"}`.
    let said = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["error"].as_str().map(str::to_owned))
        .unwrap_or_else(|| status.to_string());
    Err(match status.as_u16() {
        401 | 403 => SendError::AccessRevoked(format!(
            "Der Zugang zum Mastodon-Konto gilt nicht mehr ({said}); bitte beim Kanal einen neuen Zugang hinterlegen."
        )),
        422 => SendError::Permanent(format!("Mastodon lehnt den Beitrag ab: {said}")),
        429 => SendError::Transient(match reset {
            Some(at) => format!("Zu viele Anfragen an den Server; wieder möglich ab {at}."),
            None => "Zu viele Anfragen an den Server.".to_owned(),
        }),
        500..=599 => {
            SendError::Transient(format!("Der Mastodon-Server meldet einen Fehler: {said}"))
        }
        _ => SendError::Permanent(format!("Mastodon antwortet {status}: {said}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_is_recognised_in_the_html_mastodon_shows() {
        let html = r#"<p>Adventsmarkt &amp; Konzert<br />am 5. Dezember</p><p>Mehr: <a href="https://www.landkreis-goslar.de/advent" rel="nofollow noopener" target="_blank"><span class="invisible">https://www.</span><span class="ellipsis">landkreis-goslar.de/adv</span><span class="invisible">ent</span></a> <span class="h-card"><a href="https://social.bund.de/@presse" class="u-url mention">@<span>presse</span></a></span></p>"#;
        let ours = "Adventsmarkt & Konzert\nam 5. Dezember\n\nMehr: https://www.landkreis-goslar.de/advent @presse@social.bund.de";
        assert_eq!(plain_words(&html_text(html)), plain_words(ours));
        assert_ne!(
            plain_words(&html_text(html)),
            plain_words("Adventsmarkt & Konzert am 6. Dezember")
        );
    }
}
