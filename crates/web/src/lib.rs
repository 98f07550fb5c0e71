//! The HTTP surface of kreiskom. `app(state)` builds the whole router, so
//! tests drive it without a socket and `serve` binds it to an address.

mod access;
mod accounts;
mod admin;
mod api;
mod assets;
pub mod auth;
mod cache;
mod error;
pub mod export;
mod figures;
mod freshness;
mod legal;
mod media;
mod newsroom;
mod openapi;
mod pages;
mod press;
mod print;
mod public_form;
mod revisions;
mod routes;
pub mod search;
mod social;
mod throttle;
mod twinnings;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use kreiskom_publish::Site;
use kreiskom_store::Store;

pub use auth::ApiToken;
pub use cache::PageCache;
pub use error::Error;
pub use figures::ViewCounter;
pub use routes::{Access, RouteInfo};

pub use kreiskom_core::Clock;

use kreiskom_core::berlin;

/// Noon in Germany on `date`: a fixed clock for tests that care about the day.
pub fn noon_in_germany(date: Date) -> Timestamp {
    date.at(12, 0, 0, 0)
        .to_zoned(berlin())
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

/// How sign-in defends itself.
#[derive(Debug, Clone)]
pub struct Security {
    /// Failed sign-ins in a row that lock the account …
    pub max_failed_logins: i64,
    /// … for this long.
    pub lock_for: SignedDuration,
    /// Each failed attempt waits this long times the failures so far
    /// (at most five), which slows guessing without locking anyone out.
    pub failure_delay: Duration,
    pub session_lifetime: SignedDuration,
    /// The site is reached over HTTPS (an `https://` public URL, usually
    /// behind a TLS proxy): cookies are `Secure` and browsers are told to
    /// come back only over HTTPS (HSTS).
    pub https: bool,
}

impl Default for Security {
    fn default() -> Self {
        Self {
            max_failed_logins: 5,
            lock_for: SignedDuration::from_mins(15),
            failure_delay: Duration::from_millis(400),
            session_lifetime: SignedDuration::from_hours(10),
            https: false,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub site: Site,
    pub api_token: Option<ApiToken>,
    pub clock: Clock,
    pub security: Security,
    /// Wakes this node's outbox runner when new work was written (an
    /// approval); runners elsewhere find it when they next look.
    pub jobs: Arc<tokio::sync::Notify>,
    /// Public responses rendered since the last change.
    pub pages: Arc<PageCache>,
    /// How much the public may send through its forms.
    pub throttle: Arc<throttle::Throttle>,
    /// Where uploaded pictures are kept; without it, uploads are refused.
    pub media: Option<kreiskom_media::Media>,
    /// Figures older than this many years are flagged as stale.
    pub fact_years: i16,
    /// The public search's index, following the site.
    pub search: Arc<search::Search>,
    /// Sends invitations and reset links; without it they are shown once
    /// to the administrator instead.
    pub mailer: Option<kreiskom_channels::smtp::Mailer>,
    /// Seals second factors; without it they cannot be set up.
    pub secret_key: Option<kreiskom_secrets::SecretKey>,
    /// Typesets the print office's PDFs.
    pub printer: Arc<kreiskom_print::Printer>,
    /// Public page views counted since the last write; `None` counts none.
    pub views: Option<Arc<ViewCounter>>,
}

impl AppState {
    pub fn new(store: Store, site: Site, api_token: Option<ApiToken>) -> Self {
        Self {
            store,
            site,
            api_token,
            clock: Arc::new(Timestamp::now),
            security: Security::default(),
            jobs: Arc::new(tokio::sync::Notify::new()),
            pages: Arc::default(),
            throttle: Arc::default(),
            media: None,
            fact_years: kreiskom_publish::freshness::FACT_YEARS,
            search: Arc::new(search::Search::in_memory()),
            mailer: None,
            secret_key: None,
            printer: Arc::new(kreiskom_print::Printer::new(None)),
            views: Some(Arc::default()),
        }
    }

    /// The print office's documents from this node's store and media.
    pub fn print_shop(&self) -> kreiskom_print::PrintShop {
        kreiskom_print::PrintShop::new(self.printer.clone(), self.store.clone(), self.media.clone())
    }

    pub fn with_media(mut self, media: kreiskom_media::Media) -> Self {
        self.media = Some(media);
        self
    }

    pub fn now(&self) -> Timestamp {
        (self.clock)()
    }

    /// Today's date in Germany.
    pub fn today(&self) -> Date {
        self.now().to_zoned(berlin()).date()
    }
}

fn table() -> routes::Routes {
    let r = routes::Routes::new();
    let r = api::routes(r);
    let r = admin::routes(r);
    let r = accounts::routes(r);
    let r = press::routes(r);
    let r = pages::routes(r);
    let r = legal::routes(r);
    let r = media::routes(r);
    let r = freshness::routes(r);
    let r = print::routes(r);
    let r = social::routes(r);
    let r = twinnings::routes(r);
    let r = revisions::routes(r);
    let r = search::routes(r);
    let r = figures::routes(r);
    assets::routes(r)
}

/// Every route with its method and who may call it.
pub fn route_table() -> Vec<RouteInfo> {
    table().into_parts().1
}

pub fn app(state: AppState) -> Router {
    router(state, true)
}

/// The same router without keeping responses: the static export asks each
/// page once and needs neither the memory nor the compressed copies.
pub fn app_for_export(state: AppState) -> Router {
    router(state, false)
}

fn router(state: AppState, cached: bool) -> Router {
    let (router, _) = table().into_parts();
    let router = router
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error::pages,
        ));
    let router = if cached {
        router.layer(axum::middleware::from_fn_with_state(
            state.clone(),
            cache::pages,
        ))
    } else {
        router
    };
    // Outside the cache, so that answers from memory are counted too.
    let router = if cached {
        router.layer(axum::middleware::from_fn_with_state(
            state.clone(),
            figures::count,
        ))
    } else {
        router
    };
    router
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .with_state(state)
}

/// The Content-Security-Policy of the public site and of the workspace;
/// they differ only in who may frame them.
const CSP_SITE: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; media-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'";
/// The search page's: its script searches the static copy's index file.
const CSP_SEARCH: &str = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'";
const CSP_ADMIN: &str = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

async fn security_headers(
    axum::extract::State(s): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::header::{
        HeaderValue, CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY,
        STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
    };
    let admin = request.uri().path().starts_with("/admin");
    // The one page with a script: in the static copy it searches the
    // index file; on the server it finds the results already there.
    let search = request.uri().path().ends_with("/suche");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    // No script at all, nothing from other hosts: the pages need neither.
    // A response with a stricter policy of its own (an SVG) keeps it.
    headers
        .entry(CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(if admin {
            CSP_ADMIN
        } else if search {
            CSP_SEARCH
        } else {
            CSP_SITE
        }));
    if s.security.https {
        headers.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    if admin {
        // Admin pages hold personal data and must not be framed or cached.
        headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
