//! The HTTP surface of kreiskom. `app(state)` builds the whole router, so
//! tests drive it without a socket and `serve` binds it to an address.

mod api;
mod assets;
mod auth;
mod error;
mod openapi;
mod pages;

use std::sync::Arc;

use axum::Router;
use jiff::civil::Date;
use kreiskom_publish::Site;
use kreiskom_store::Store;

pub use auth::ApiToken;
pub use error::Error;

/// Today's date in Germany; replaceable so tests can ask "what did the page
/// say on 1 June 2023?".
pub type Clock = Arc<dyn Fn() -> Date + Send + Sync>;

pub fn berlin_today() -> Date {
    let now = jiff::Timestamp::now();
    match jiff::tz::TimeZone::get("Europe/Berlin") {
        Ok(tz) => now.to_zoned(tz).date(),
        Err(_) => now.to_zoned(jiff::tz::TimeZone::UTC).date(),
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub site: Site,
    pub api_token: Option<ApiToken>,
    pub clock: Clock,
}

impl AppState {
    pub fn new(store: Store, site: Site, api_token: Option<ApiToken>) -> Self {
        Self {
            store,
            site,
            api_token,
            clock: Arc::new(berlin_today),
        }
    }

    pub fn today(&self) -> Date {
        (self.clock)()
    }
}

pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .merge(assets::routes())
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(state)
}

async fn security_headers(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::header::{HeaderValue, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS};
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}
