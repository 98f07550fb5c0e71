//! Figures without tracking: public page views counted in memory per day,
//! address and referring host, written to the store every minute; nothing
//! about the visitor (no address, no cookie, no user agent) is looked at
//! or kept. And the figures page that shows them with the tenant's
//! releases and posts.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use kreiskom_publish::figures::{self, DEFAULT_PERIOD};
use kreiskom_store::{PageViews, Store};
use serde::Deserialize;

use crate::admin::render;
use crate::auth::InTenant;
use crate::error::{Error, PageError};
use crate::routes::{Access, Routes};
use crate::AppState;

type Reply = Result<Response, PageError>;

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/admin/{tenant}/zahlen", Access::Tenant, page).get(
        "/admin/{tenant}/zahlen/{file}",
        Access::Tenant,
        csv,
    )
}

/// Views counted since the last write to the store.
#[derive(Default)]
pub struct ViewCounter {
    counts: Mutex<HashMap<(Date, String, String), u64>>,
}

/// Distinct rows kept between writes before the referring hosts are
/// dropped: the `Referer` is the visitor's to make up, the pages are not.
const MAX_ROWS: usize = 50_000;

impl ViewCounter {
    fn count(&self, day: Date, path: &str, referrer: String) {
        let Ok(mut counts) = self.counts.lock() else {
            return;
        };
        let mut key = (day, path.to_owned(), referrer);
        if counts.len() >= MAX_ROWS && !counts.contains_key(&key) {
            key.2 = String::new();
        }
        *counts.entry(key).or_default() += 1;
    }

    /// Adds what was counted to the store; on failure it is kept for the
    /// next try, so no view is lost or counted twice.
    pub async fn flush(&self, store: &Store) -> kreiskom_store::Result<usize> {
        let taken = match self.counts.lock() {
            Ok(mut counts) => std::mem::take(&mut *counts),
            Err(_) => return Ok(0),
        };
        let rows: Vec<PageViews> = taken
            .iter()
            .map(|((day, path, referrer), views)| PageViews {
                day: *day,
                path: path.clone(),
                referrer: referrer.clone(),
                views: *views,
            })
            .collect();
        if let Err(e) = store.add_page_views(&rows).await {
            if let Ok(mut counts) = self.counts.lock() {
                for (key, views) in taken {
                    *counts.entry(key).or_default() += views;
                }
            }
            return Err(e);
        }
        Ok(rows.len())
    }
}

/// Counts a public page, feed or calendar that was served (200 or 304):
/// error pages, the workspace, the API and files are not counted, so
/// made-up addresses cannot fill the table.
pub(crate) async fn count(State(s): State<AppState>, request: Request, next: Next) -> Response {
    let Some(counter) = s.views.clone() else {
        return next.run(request).await;
    };
    let path = request.uri().path().to_owned();
    let counted = request.method() == Method::GET
        && !["/admin", "/api", "/assets", "/media"].iter().any(|p| {
            path.strip_prefix(p)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        });
    let referrer = if counted {
        referring_host(request.headers())
    } else {
        String::new()
    };
    let response = next.run(request).await;
    if counted && matches!(response.status(), StatusCode::OK | StatusCode::NOT_MODIFIED) {
        let kind = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        // A 304 carries no type: the address says what it answers for
        // (pages have no file ending; stylesheets and pictures do).
        let name = path.rsplit('/').next().unwrap_or_default();
        let page = match name.rsplit_once('.') {
            None => true,
            Some((_, ending)) => matches!(ending, "atom" | "ics"),
        } && (response.status() == StatusCode::NOT_MODIFIED
            || ["text/html", "application/atom+xml", "text/calendar"]
                .iter()
                .any(|t| kind.starts_with(t)));
        if page {
            counter.count(s.today(), &path, referrer);
        }
    }
    response
}

/// The host of the `Referer`, when it is another site; nothing else of it.
fn referring_host(headers: &axum::http::HeaderMap) -> String {
    let host_of = |text: &str| -> Option<String> {
        let rest = text.split_once("://").map_or(text, |(_, r)| r);
        let authority = rest.split(['/', '?', '#']).next()?;
        let host = authority.rsplit('@').next()?;
        let host = host.split(':').next()?.to_ascii_lowercase();
        let fine = !host.is_empty()
            && host.len() <= 253
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        fine.then_some(host)
    };
    let Some(from) = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(host_of)
    else {
        return String::new();
    };
    let own = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .and_then(host_of);
    if own.as_deref() == Some(from.as_str()) {
        String::new()
    } else {
        from
    }
}

#[derive(Deserialize)]
struct Period {
    #[serde(default)]
    tage: Option<String>,
}

impl Period {
    fn days(&self) -> i64 {
        self.tage
            .as_deref()
            .and_then(|d| d.parse().ok())
            .unwrap_or(DEFAULT_PERIOD)
    }
}

/// The views counted until now are written first, so the page is current.
async fn written(s: &AppState) {
    if let Some(counter) = &s.views {
        if let Err(e) = counter.flush(&s.store).await {
            tracing::warn!(error = %e, "could not write the counted page views; kept for the next try");
        }
    }
}

async fn page(State(s): State<AppState>, t: InTenant, Query(p): Query<Period>) -> Reply {
    written(&s).await;
    let view = figures::figures(&s.store, &t.tenant, s.today(), p.days()).await?;
    render(&s, &t, "zahlen", StatusCode::OK, "admin/figures.html", view).await
}

async fn csv(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, file)): Path<(String, String)>,
    Query(p): Query<Period>,
) -> Reply {
    let id = file
        .strip_suffix(".csv")
        .ok_or(PageError(Error::NotFound))?;
    written(&s).await;
    let view = figures::figures(&s.store, &t.tenant, s.today(), p.days()).await?;
    let chart = view
        .charts
        .iter()
        .find(|c| c.id == id)
        .ok_or(PageError(Error::NotFound))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}-{}-{}-tage.csv\"",
                    t.tenant, chart.id, view.days
                ),
            ),
        ],
        // A byte order mark, so spreadsheets read the umlauts as UTF-8.
        format!("\u{feff}{}", chart.csv()),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue};

    #[test]
    fn made_up_referring_hosts_cannot_fill_memory() {
        let counter = ViewCounter::default();
        let day = Date::constant(2026, 12, 3);
        for i in 0..MAX_ROWS + 500 {
            counter.count(day, "/harz/", format!("host-{i}.example"));
        }
        let counts = counter.counts.lock().unwrap();
        assert_eq!(counts.len(), MAX_ROWS + 1);
        assert_eq!(counts[&(day, "/harz/".to_owned(), String::new())], 500);
        assert_eq!(
            counts.values().sum::<u64>(),
            (MAX_ROWS + 500) as u64,
            "every view counted"
        );
    }

    #[test]
    fn only_the_host_of_another_site_is_kept() {
        let mut h = HeaderMap::new();
        h.insert(
            header::HOST,
            HeaderValue::from_static("presse.example:8080"),
        );
        assert_eq!(referring_host(&h), "");
        h.insert(
            header::REFERER,
            HeaderValue::from_static("https://user:pw@WWW.Goslar.de:443/a/b?q=1#x"),
        );
        assert_eq!(referring_host(&h), "www.goslar.de");
        h.insert(
            header::REFERER,
            HeaderValue::from_static("http://presse.example:8080/harz/"),
        );
        assert_eq!(referring_host(&h), "", "the site itself");
        h.insert(header::REFERER, HeaderValue::from_static("https://a b<c>/"));
        assert_eq!(referring_host(&h), "", "no host");
    }
}
