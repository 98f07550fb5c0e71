//! Public responses rendered once per change, then served from memory.
//!
//! A handler marks a response it may share with everyone by adding
//! `Shareable` to it; the middleware keeps its bytes (plain, gzip and
//! brotli) with the site generation and the timed window it was rendered
//! in. A later request in the same generation and window gets the bytes
//! without the handler running, with `ETag` and `Last-Modified`, or a 304.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{
    HeaderMap, HeaderValue, ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG,
    IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, VARY,
};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jiff::{Timestamp, ToSpan};
use kreiskom_core::berlin;
use sha2::{Digest, Sha256};

use crate::AppState;

/// Marks a response as the same for every visitor, so it may be kept.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shareable;

/// How many responses are kept at most; beyond that new ones are served
/// but not kept (a flood of made-up query strings cannot fill memory).
const MAX_ENTRIES: usize = 20_000;
/// Bodies larger than this are not kept.
const MAX_BODY: usize = 4 * 1024 * 1024;

/// The period in which a rendered page stays right without a change to
/// the data: from the last timed change (or midnight in Germany, when
/// "today" changes) to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) since: Timestamp,
    pub(crate) until: Timestamp,
}

impl Window {
    pub(crate) fn contains(&self, at: Timestamp) -> bool {
        self.since <= at && at < self.until
    }
}

struct Entry {
    generation: i64,
    window: Window,
    content_type: HeaderValue,
    /// Hash of the plain bytes, shared by its encodings with a suffix.
    tag: String,
    last_modified: Timestamp,
    plain: Bytes,
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
}

#[derive(Default)]
pub struct PageCache {
    entries: RwLock<HashMap<String, Arc<Entry>>>,
}

impl PageCache {
    fn get(&self, key: &str) -> Option<Arc<Entry>> {
        self.entries.read().ok()?.get(key).cloned()
    }

    fn put(&self, key: String, entry: Arc<Entry>) {
        let Ok(mut map) = self.entries.write() else {
            return;
        };
        if map.len() >= MAX_ENTRIES && !map.contains_key(&key) {
            // Pages of older generations are of no use any more.
            let generation = entry.generation;
            map.retain(|_, e| e.generation == generation);
            if map.len() >= MAX_ENTRIES {
                return;
            }
        }
        map.insert(key, entry);
    }

    /// Forgets every kept response (tests, and an operator's last resort).
    pub fn clear(&self) {
        if let Ok(mut map) = self.entries.write() {
            map.clear();
        }
    }

    /// How many responses are kept now (for tests and benchmarks).
    pub fn len(&self) -> usize {
        self.entries.read().map_or(0, |m| m.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Midnight in Germany before and after `at`: "today" changes there.
fn day_around(at: Timestamp) -> Window {
    let zoned = at.to_zoned(berlin());
    let date = zoned.date();
    let start = |d: jiff::civil::Date| {
        d.to_zoned(berlin())
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MAX)
    };
    Window {
        since: start(date),
        until: date
            .checked_add(1.day())
            .map(start)
            .unwrap_or(Timestamp::MAX),
    }
}

pub(crate) async fn window(store: &kreiskom_store::Store, at: Timestamp) -> Option<Window> {
    let timed = store
        .timed_window(at)
        .await
        .inspect_err(|e| tracing::warn!(error = %e, "timed window unknown; not caching"))
        .ok()?;
    let day = day_around(at);
    Some(Window {
        since: timed.since.map_or(day.since, |t| t.max(day.since)),
        until: timed.until.map_or(day.until, |t| t.min(day.until)),
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Plain,
    Gzip,
    Brotli,
}

/// The best encoding the client accepts (ignoring ones with q=0).
fn preferred(headers: &HeaderMap) -> Encoding {
    let Some(accept) = headers.get(ACCEPT_ENCODING).and_then(|v| v.to_str().ok()) else {
        return Encoding::Plain;
    };
    let accepted = |name: &str| {
        accept.split(',').any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let refused = |p: &str| {
                p.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            };
            parts.next().is_some_and(|n| n.eq_ignore_ascii_case(name)) && !parts.any(refused)
        })
    };
    if accepted("br") {
        Encoding::Brotli
    } else if accepted("gzip") {
        Encoding::Gzip
    } else {
        Encoding::Plain
    }
}

fn gzip(data: &[u8]) -> Option<Bytes> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

fn brotli(data: &[u8]) -> Option<Bytes> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 6,
        lgwin: 20,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &data[..], &mut out, &params).ok()?;
    Some(Bytes::from(out))
}

/// HTTP dates (RFC 9110): "Sun, 06 Nov 1994 08:49:37 GMT".
fn http_date(t: Timestamp) -> String {
    t.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn parse_http_date(s: &str) -> Option<Timestamp> {
    jiff::fmt::strtime::parse("%a, %d %b %Y %H:%M:%S GMT", s)
        .ok()?
        .to_datetime()
        .ok()?
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

impl Entry {
    fn new(
        generation: i64,
        window: Window,
        content_type: HeaderValue,
        plain: Bytes,
        now: Timestamp,
        previous: Option<&Entry>,
    ) -> Self {
        let digest = Sha256::digest(&plain);
        let tag: String = digest[..10].iter().map(|b| format!("{b:02x}")).collect();
        // The same bytes as before keep their date: nothing changed for
        // whoever fetched them then.
        let last_modified = previous
            .filter(|p| p.tag == tag)
            .map_or(now, |p| p.last_modified);
        let worth = plain.len() > 512;
        Self {
            generation,
            window,
            content_type,
            tag,
            last_modified: last_modified.round(jiff::Unit::Second).unwrap_or(now),
            gzip: worth.then(|| gzip(&plain)).flatten(),
            brotli: worth.then(|| brotli(&plain)).flatten(),
            plain,
        }
    }

    fn respond(&self, request: &HeaderMap) -> Response {
        let (encoding, body) = match preferred(request) {
            Encoding::Brotli if self.brotli.is_some() => (Some("br"), self.brotli.clone()),
            Encoding::Brotli | Encoding::Gzip if self.gzip.is_some() => {
                (Some("gzip"), self.gzip.clone())
            }
            _ => (None, None),
        };
        let etag = match encoding {
            Some(e) => format!("\"{}-{e}\"", self.tag),
            None => format!("\"{}\"", self.tag),
        };
        let last_modified = http_date(self.last_modified);
        let mut headers = HeaderMap::new();
        let value = |s: &str| HeaderValue::from_str(s).expect("ASCII header value");
        headers.insert(ETAG, value(&etag));
        headers.insert(LAST_MODIFIED, value(&last_modified));
        headers.insert(VARY, HeaderValue::from_static("Accept-Encoding"));
        // Always ask again: an embargo ends to the second.
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        if self.not_modified(request, &etag) {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        headers.insert(CONTENT_TYPE, self.content_type.clone());
        if let Some(e) = encoding {
            headers.insert(CONTENT_ENCODING, HeaderValue::from_static(e));
        }
        let body = body.unwrap_or_else(|| self.plain.clone());
        (StatusCode::OK, headers, Body::from(body)).into_response()
    }

    fn not_modified(&self, request: &HeaderMap, etag: &str) -> bool {
        if let Some(tags) = request.get(IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
            return tags
                .split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == "*" || t == etag);
        }
        request
            .get(IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_http_date)
            .is_some_and(|since| self.last_modified <= since)
    }
}

/// Serves kept pages and keeps the shareable ones the handlers render.
pub(crate) async fn pages(State(s): State<AppState>, request: Request, next: Next) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let key = request.uri().path_and_query().map_or_else(
        || request.uri().path().to_owned(),
        |p| p.as_str().to_owned(),
    );
    let now = s.now();
    // Read before rendering: a change committed meanwhile makes the kept
    // page look older than it is, never newer.
    let generation = s.store.generation();
    let previous = s.pages.get(&key);
    if let Some(entry) = &previous {
        if entry.generation == generation && entry.window.contains(now) {
            return entry.respond(request.headers());
        }
    }
    let headers = request.headers().clone();
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || response.extensions().get::<Shareable>().is_none() {
        return response;
    }
    let Some(window) = window(&s.store, now).await else {
        return response;
    };
    // Too large to keep (a list of 20,000 partnerships): served as it is.
    let size = axum::body::HttpBody::size_hint(response.body()).upper();
    if size.is_none_or(|n| n > MAX_BODY as u64) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(plain) = axum::body::to_bytes(body, MAX_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static("text/html; charset=utf-8"));
    let entry = Arc::new(Entry::new(
        generation,
        window,
        content_type,
        plain,
        now,
        previous.as_deref(),
    ));
    s.pages.put(key, entry.clone());
    entry.respond(&headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn brotli_is_preferred_then_gzip_and_q0_refuses() {
        assert!(preferred(&accept("gzip, deflate, br")) == Encoding::Brotli);
        assert!(preferred(&accept("gzip")) == Encoding::Gzip);
        assert!(preferred(&accept("br;q=0, gzip;q=0.5")) == Encoding::Gzip);
        assert!(preferred(&accept("br;q=0.1")) == Encoding::Brotli);
        assert!(preferred(&accept("identity")) == Encoding::Plain);
        assert!(preferred(&HeaderMap::new()) == Encoding::Plain);
    }

    #[test]
    fn http_dates_round_trip() {
        let t: Timestamp = "2014-07-03T11:00:00Z".parse().unwrap();
        assert_eq!(http_date(t), "Thu, 03 Jul 2014 11:00:00 GMT");
        assert_eq!(parse_http_date(&http_date(t)), Some(t));
    }

    #[test]
    fn the_day_in_germany_is_the_window_without_timed_changes() {
        // 23:30 UTC on 2 July is 01:30 on 3 July in summer time.
        let w = day_around("2014-07-02T23:30:00Z".parse().unwrap());
        assert_eq!(w.since, "2014-07-02T22:00:00Z".parse().unwrap());
        assert_eq!(w.until, "2014-07-03T22:00:00Z".parse().unwrap());
    }
}
