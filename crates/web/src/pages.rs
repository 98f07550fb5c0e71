//! The public site per tenant (German URLs from DESIGN.md).

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use kreiskom_publish::PublishError;

use crate::cache::Shareable;
use crate::error::{Error, PageError};
use crate::routes::{Access, Routes};
use crate::AppState;

pub(crate) type Page = Result<Response, PageError>;

pub(crate) fn routes(r: Routes) -> Routes {
    const P: Access = Access::Public;
    r.get("/", P, index)
        .get("/robots.txt", P, |State(s): State<AppState>| async move {
            shareable("text/plain; charset=utf-8", s.site.robots().await)
        })
        .get("/netzwerk", P, network)
        .get("/{tenant}", P, |Path(t): Path<String>| async move {
            Redirect::permanent(&format!("/{t}/"))
        })
        .get("/{tenant}/", P, home)
        .get("/{tenant}/partnerschaften", P, partnerships)
        .get("/{tenant}/partnerschaften/{slug}", P, partnership)
        .get("/{tenant}/partnerschaften/{slug}/{lang}", P, partnership_in)
        .get("/{tenant}/seiten/{*path}", P, content_page)
        .get("/{tenant}/kommunikation", P, communication)
        .get("/{tenant}/kontakt", P, contact)
        .get(
            "/{tenant}/farbe.css",
            P,
            |State(s): State<AppState>, Path(t): Path<String>| async move {
                shareable("text/css; charset=utf-8", s.site.tenant_css(&t).await)
            },
        )
}

/// A public page: the same for every visitor, so it is kept until the
/// next change (see `cache`).
pub(crate) fn page(result: Result<String, PublishError>) -> Page {
    shareable("text/html; charset=utf-8", result)
}

/// A public response of any type, kept like a page.
pub(crate) fn shareable(content_type: &'static str, result: Result<String, PublishError>) -> Page {
    let body = result?;
    let mut response = ([(axum::http::header::CONTENT_TYPE, content_type)], body).into_response();
    response.extensions_mut().insert(Shareable);
    Ok(response)
}

async fn index(State(s): State<AppState>) -> Page {
    page(s.site.index().await)
}

async fn network(
    State(s): State<AppState>,
    Query(q): Query<kreiskom_publish::NetworkQuery>,
) -> Page {
    page(s.site.network(&q, s.today()).await)
}

async fn home(State(s): State<AppState>, Path(t): Path<String>) -> Page {
    page(s.site.home(&t, s.now()).await)
}

async fn partnerships(State(s): State<AppState>, Path(t): Path<String>) -> Page {
    page(s.site.partnerships(&t, s.today()).await)
}

async fn partnership(State(s): State<AppState>, Path((t, slug)): Path<(String, String)>) -> Page {
    page(s.site.partnership(&t, &slug, s.today()).await)
}

async fn partnership_in(
    State(s): State<AppState>,
    Path((t, slug, lang)): Path<(String, String, String)>,
) -> Page {
    page(s.site.partnership_in(&t, &slug, &lang, s.today()).await)
}

async fn content_page(State(s): State<AppState>, Path((t, path)): Path<(String, String)>) -> Page {
    page(s.site.content_page(&t, &path).await)
}

async fn communication(State(s): State<AppState>, Path(t): Path<String>) -> Page {
    page(s.site.communication(&t).await)
}

async fn contact(State(s): State<AppState>, Path(t): Path<String>) -> Page {
    page(s.site.contact(&t).await)
}

pub(crate) async fn not_found() -> PageError {
    PageError(Error::NotFound)
}
