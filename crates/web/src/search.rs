//! The public search: `/{tenant}/suche`, the same in the API, and the index
//! the static copy searches in the browser.
//!
//! The index follows the site like the page cache does: it notes the site
//! generation and the timed window it was built in, and a query in a later
//! generation or outside the window first brings it up to date. So a
//! withdrawn release is never found after its withdrawal is known here,
//! and an embargoed one never before its time.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use axum::extract::{Path as UrlPath, Query, State};
use axum::Json;
use jiff::Timestamp;
use kreiskom_core::{Kind, SEARCHED_KINDS};
use kreiskom_publish::{SearchHit, SearchResults, Site};
use kreiskom_search::{SearchError, SearchIndex, SearchQuery};
use kreiskom_store::Store;
use serde::{Deserialize, Serialize};

use crate::cache::Window;
use crate::error::{Error, PageError};
use crate::pages::{shareable, Page};
use crate::routes::{Access, Routes};
use crate::AppState;

/// Hits per page, on the site and at most in the API.
const PER_PAGE: usize = 10;
const MAX_API_LIMIT: usize = 50;

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/{tenant}/suche", Access::Public, page)
        .get("/{tenant}/suche/index.json", Access::Public, static_index)
        .get("/api/v1/tenants/{tenant}/search", Access::Public, api)
}

/// The generation and window the index was built in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Reflects {
    generation: i64,
    window: Window,
}

impl Reflects {
    fn note(&self) -> String {
        format!(
            "{} {} {}",
            self.generation,
            self.window.since.as_microsecond(),
            self.window.until.as_microsecond()
        )
    }

    fn read(note: &str) -> Option<Self> {
        let mut parts = note.split(' ').map(str::parse::<i64>);
        let (Some(Ok(generation)), Some(Ok(since)), Some(Ok(until))) =
            (parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        Some(Self {
            generation,
            window: Window {
                since: Timestamp::from_microsecond(since).ok()?,
                until: Timestamp::from_microsecond(until).ok()?,
            },
        })
    }
}

pub struct Search {
    index: SearchIndex,
    reflects: Mutex<Option<Reflects>>,
    /// One refresh at a time; queries meanwhile wait for it.
    refreshing: tokio::sync::Mutex<()>,
}

fn unavailable(e: SearchError) -> Error {
    tracing::error!(error = %e, "search index");
    Error::Unavailable(
        "Die Suche ist gerade nicht verfügbar. Bitte später erneut versuchen.".into(),
    )
}

impl Search {
    /// An index in memory, built at the first query (tests, the demo).
    pub fn in_memory() -> Self {
        Self::with(SearchIndex::in_memory().expect("an index in memory opens"))
    }

    /// The index kept in `dir`; each node has its own.
    pub fn open(dir: &Path) -> Result<Self, SearchError> {
        Ok(Self::with(SearchIndex::open(dir)?))
    }

    fn with(index: SearchIndex) -> Self {
        let reflects = index.state().as_deref().and_then(Reflects::read);
        Self {
            index,
            reflects: Mutex::new(reflects),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    fn is_current(&self, generation: i64, now: Timestamp) -> bool {
        self.reflects
            .lock()
            .ok()
            .and_then(|r| *r)
            .is_some_and(|r| r.generation == generation && r.window.contains(now))
    }

    /// Brings the index up to what the site shows at `now`, if it is not.
    pub async fn follow(&self, store: &Store, site: &Site, now: Timestamp) -> Result<(), Error> {
        if self.is_current(store.generation(), now) {
            return Ok(());
        }
        let _one = self.refreshing.lock().await;
        if self.is_current(store.generation(), now) {
            return Ok(());
        }
        match self.build(store, site, now, false, |_, _| {}).await {
            Ok(_) => Ok(()),
            Err(Failed::Index(e)) => Err(unavailable(e)),
            Err(Failed::Site(e)) => Err(e),
        }
    }

    /// Builds the index anew from the store; `progress` hears of each
    /// tenant and its number of documents. Returns the documents indexed.
    pub async fn rebuild(
        &self,
        store: &Store,
        site: &Site,
        now: Timestamp,
        progress: impl FnMut(&str, usize),
    ) -> Result<usize, String> {
        let _one = self.refreshing.lock().await;
        self.build(store, site, now, true, progress)
            .await
            .map_err(|e| match e {
                Failed::Index(e) => e.to_string(),
                Failed::Site(e) => e.to_string(),
            })
    }

    async fn build(
        &self,
        store: &Store,
        site: &Site,
        now: Timestamp,
        anew: bool,
        mut progress: impl FnMut(&str, usize),
    ) -> Result<usize, Failed> {
        // Read before the data: a change committed meanwhile makes the
        // index look older than it is, never newer.
        let generation = store.generation();
        // Without a window the index is right only for this moment, and
        // the next query builds it again.
        let window = crate::cache::window(store, now).await.unwrap_or(Window {
            since: now,
            until: now,
        });
        // One read of everything, then the documents from memory: a
        // dozen queries per partnership would take seconds at state scale.
        let store = &store.snapshot().await.map_err(|e| Failed::Site(e.into()))?;
        let site = &site.reading(store.clone());
        let tenants: Vec<kreiskom_core::Tenant> = store
            .records(None)
            .await
            .map_err(|e| Failed::Site(e.into()))?;
        let mut update = self.index.update()?;
        if anew {
            update.clear()?;
        }
        let mut total = 0;
        for t in &tenants {
            let slug = t.slug.as_str();
            let docs = site
                .search_documents(slug, now)
                .await
                .map_err(|e| Failed::Site(e.into()))?;
            let changes = update.tenant(slug, &docs)?;
            if changes.any() {
                tracing::debug!(tenant = slug, ?changes, "search index follows");
            }
            total += docs.len();
            progress(slug, docs.len());
        }
        let reflects = Reflects { generation, window };
        update.commit(&reflects.note())?;
        if let Ok(mut r) = self.reflects.lock() {
            *r = Some(reflects);
        }
        Ok(total)
    }

    /// Follows the site in the background, so queries seldom wait.
    pub fn spawn_follower(state: AppState) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                if let Err(e) = state
                    .search
                    .follow(&state.store, &state.site, state.now())
                    .await
                {
                    tracing::warn!(error = %e, "search index could not follow the site");
                }
                tokio::time::sleep(std::time::Duration::from_millis(250)).await;
            }
        })
    }
}

/// Why the index could not be built: the index itself, or the site.
enum Failed {
    Index(SearchError),
    Site(Error),
}

impl From<SearchError> for Failed {
    fn from(e: SearchError) -> Self {
        Failed::Index(e)
    }
}

/// What the page and the API are asked: `q`, and optionally the kind
/// (its German path, "pressemitteilungen"), the year and the page.
#[derive(Debug, Default, Deserialize)]
struct Asked {
    #[serde(default)]
    q: String,
    #[serde(default)]
    art: String,
    #[serde(default)]
    jahr: String,
    #[serde(default)]
    seite: String,
}

/// The API's names for the same.
#[derive(Debug, Default, Deserialize)]
struct ApiAsked {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    offset: String,
    #[serde(default)]
    limit: String,
}

/// Unreadable filters are ignored on the page (a visitor edits the
/// address) but refused by the API, which says why.
fn kind_of(s: &str) -> Result<Option<Kind>, &'static str> {
    match s.trim() {
        "" => Ok(None),
        s => SEARCHED_KINDS
            .iter()
            .copied()
            .find(|k| k.path() == s || k.plural() == s)
            .map(Some)
            .ok_or("unbekannte Art; erlaubt sind pressemitteilungen, seiten, partnerschaften, gebiete, aktivitaeten, organisationen"),
    }
}

fn year_of(s: &str) -> Result<Option<i16>, &'static str> {
    match s.trim() {
        "" => Ok(None),
        s => s
            .parse::<i16>()
            .ok()
            .filter(|y| (1000..=2999).contains(y))
            .map(Some)
            .ok_or("muss eine Jahreszahl sein, etwa 2014"),
    }
}

/// The query text, cut to a sane length and without control characters.
fn query_text(q: &str) -> String {
    q.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect::<String>()
        .trim()
        .to_owned()
}

async fn found(
    s: &AppState,
    tenant: &str,
    query: &SearchQuery<'_>,
) -> Result<kreiskom_search::Found, Error> {
    s.search.follow(&s.store, &s.site, s.now()).await?;
    s.search.index.search(tenant, query).map_err(unavailable)
}

async fn page(
    State(s): State<AppState>,
    UrlPath(t): UrlPath<String>,
    asked: Result<Query<Asked>, axum::extract::rejection::QueryRejection>,
) -> Page {
    let asked = asked.map(|Query(a)| a).unwrap_or_default();
    let text = query_text(&asked.q);
    let kind = kind_of(&asked.art).unwrap_or(None);
    let year = year_of(&asked.jahr).unwrap_or(None);
    let wanted = asked.seite.trim().parse::<usize>().unwrap_or(1).max(1);
    let mut results = SearchResults {
        query: text.clone(),
        kind,
        year,
        page: 1,
        pages: 1,
        ..Default::default()
    };
    if !text.is_empty() {
        let query = SearchQuery {
            text: &text,
            kind,
            year,
            offset: (wanted - 1) * PER_PAGE,
            limit: PER_PAGE,
        };
        let f = found(&s, &t, &query).await.map_err(PageError)?;
        results.total = f.total;
        results.pages = f.total.div_ceil(PER_PAGE).max(1);
        if wanted > results.pages {
            return Err(PageError(Error::NotFound));
        }
        results.page = wanted;
        results.by_kind = f.by_kind;
        results.hits = f.hits.into_iter().map(hit).collect();
    }
    shareable(
        "text/html; charset=utf-8",
        s.site.search_page(&t, &results).await,
    )
}

fn hit(h: kreiskom_search::Hit) -> SearchHit {
    SearchHit {
        kind: h.kind,
        title: h.title,
        url: h.url,
        year: h.year,
        snippet: h.snippet.into_iter().map(|p| (p.text, p.marked)).collect(),
    }
}

#[derive(Serialize)]
struct ApiFound {
    query: String,
    total: usize,
    by_kind: BTreeMap<&'static str, usize>,
    hits: Vec<ApiHit>,
}

#[derive(Serialize)]
struct ApiHit {
    kind: &'static str,
    title: String,
    /// Absolute address of the page that shows it.
    url: String,
    year: Option<i16>,
    score: f32,
    /// The passage found; `marked` pieces are the words that matched.
    snippet: Vec<kreiskom_search::Piece>,
}

async fn api(
    State(s): State<AppState>,
    UrlPath(t): UrlPath<String>,
    asked: Result<Query<ApiAsked>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ApiFound>, Error> {
    let Ok(Query(asked)) = asked else {
        return Err(Error::Body(vec![kreiskom_core::FieldError::new(
            "q",
            "Die Abfrage ist unlesbar; erwartet wird ?q=Suchbegriff",
        )]));
    };
    crate::api::existing_tenant(&s, &t).await?;
    let mut errors = Vec::new();
    let mut check = |field: &str, r: Result<usize, &str>| match r {
        Ok(n) => n,
        Err(m) => {
            errors.push(kreiskom_core::FieldError::new(field, m));
            0
        }
    };
    let number = |v: &str, default: usize, max: usize| match v.trim() {
        "" => Ok(default),
        v => v
            .parse::<usize>()
            .ok()
            .filter(|n| *n <= max)
            .ok_or("muss eine Zahl zwischen 0 und dem Höchstwert sein"),
    };
    let offset = check("offset", number(&asked.offset, 0, 10_000));
    let limit = check("limit", number(&asked.limit, PER_PAGE, MAX_API_LIMIT));
    let kind = kind_of(&asked.kind).unwrap_or_else(|m| {
        errors.push(kreiskom_core::FieldError::new("kind", m));
        None
    });
    let year = year_of(&asked.year).unwrap_or_else(|m| {
        errors.push(kreiskom_core::FieldError::new("year", m));
        None
    });
    if !errors.is_empty() {
        return Err(Error::Body(errors));
    }
    let text = query_text(&asked.q);
    let query = SearchQuery {
        text: &text,
        kind,
        year,
        offset,
        limit,
    };
    let f = found(&s, &t, &query).await?;
    let base = s.site.public_url();
    Ok(Json(ApiFound {
        query: text.clone(),
        total: f.total,
        by_kind: f.by_kind.iter().map(|(k, n)| (k.path(), *n)).collect(),
        hits: f
            .hits
            .into_iter()
            .map(|h| ApiHit {
                kind: h.kind.path(),
                url: format!("{base}{}", h.url),
                title: h.title,
                year: h.year,
                score: h.score,
                snippet: h.snippet,
            })
            .collect(),
    }))
}

/// `/{tenant}/suche/index.json`: for the static copy, which has no server
/// to ask. Each word the index knows (stemmed and folded as the server's
/// index does) names the documents it occurs in; the page's script looks
/// up the visitor's words by their start. Words in more than a quarter of
/// a large site's documents are only listed (`common`): they tell nothing
/// apart, and their lists would make the file several times larger.
async fn static_index(State(s): State<AppState>, UrlPath(t): UrlPath<String>) -> Page {
    let fail = |e: kreiskom_store::StoreError| PageError(e.into());
    let site = s.site.reading(s.store.snapshot().await.map_err(fail)?);
    let docs = site
        .search_documents(&t, s.now())
        .await
        .map_err(|e| PageError(e.into()))?;
    // The words of each document, on both cores.
    let half = docs.len().div_ceil(2).max(1);
    let words: Vec<Vec<String>> = std::thread::scope(|scope| {
        let parts: Vec<_> = docs
            .chunks(half)
            .map(|part| {
                scope.spawn(|| {
                    part.iter()
                        .map(|d| {
                            let mut w = s.search.index.terms(&d.title);
                            w.extend(s.search.index.terms(&d.text));
                            w.sort_unstable();
                            w.dedup();
                            w
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|p| p.join().expect("the analyzer does not panic"))
            .collect()
    });
    let mut terms: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, w) in words.iter().enumerate() {
        for w in w {
            terms.entry(w).or_default().push(i);
        }
    }
    let mut common = Vec::new();
    if docs.len() > 200 {
        terms.retain(|w, ids| {
            let keep = ids.len() * 4 <= docs.len();
            if !keep {
                common.push(*w);
            }
            keep
        });
    }
    let list: Vec<serde_json::Value> = docs
        .iter()
        .map(|d| {
            serde_json::json!({
                "t": d.title,
                "u": d.url,
                "k": d.kind.label(),
                "a": d.kind.path(),
                "y": d.year,
                "x": d.text.chars().take(160).collect::<String>(),
            })
        })
        .collect();
    let body = serde_json::json!({ "docs": list, "terms": terms, "common": common });
    shareable("application/json", Ok(body.to_string()))
}
