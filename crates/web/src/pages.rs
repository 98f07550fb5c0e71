//! The public site per tenant (German URLs from DESIGN.md) and the admin
//! view of doubt marks.

use axum::extract::{Path, State};
use axum::response::{Html, Redirect};
use axum::routing::get;
use axum::Router;
use kreiskom_publish::PublishError;

use crate::auth::Editor;
use crate::error::{Error, PageError};
use crate::AppState;

type Page = Result<Html<String>, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/admin", get(|| async { Redirect::permanent("/admin/") }))
        .route("/admin/", get(admin_index))
        .route("/admin/{tenant}/hinweise", get(admin_doubts))
        .route(
            "/{tenant}",
            get(|Path(t): Path<String>| async move { Redirect::permanent(&format!("/{t}/")) }),
        )
        .route("/{tenant}/", get(home))
        .route("/{tenant}/partnerschaften", get(partnerships))
        .route("/{tenant}/partnerschaften/{slug}", get(partnership))
        .route("/{tenant}/kommunikation", get(communication))
        .route("/{tenant}/kontakt", get(contact))
        .fallback(not_found)
}

fn page(state: &AppState, result: Result<String, PublishError>) -> Page {
    result.map(Html).map_err(|e| PageError {
        error: Error::from(e),
        site: state.site.clone(),
    })
}

async fn index(State(s): State<AppState>) -> Page {
    page(&s, s.site.index().await)
}

async fn home(State(s): State<AppState>, Path(t): Path<String>) -> Page {
    page(&s, s.site.home(&t, s.today()).await)
}

async fn partnerships(State(s): State<AppState>, Path(t): Path<String>) -> Page {
    page(&s, s.site.partnerships(&t, s.today()).await)
}

async fn partnership(State(s): State<AppState>, Path((t, slug)): Path<(String, String)>) -> Page {
    page(&s, s.site.partnership(&t, &slug, s.today()).await)
}

async fn communication(State(s): State<AppState>, Path(t): Path<String>) -> Page {
    page(&s, s.site.communication(&t).await)
}

async fn contact(State(s): State<AppState>, Path(t): Path<String>) -> Page {
    page(&s, s.site.contact(&t).await)
}

async fn admin_index(State(s): State<AppState>, _: Editor) -> Page {
    page(&s, s.site.admin().await)
}

async fn admin_doubts(State(s): State<AppState>, _: Editor, Path(t): Path<String>) -> Page {
    page(&s, s.site.doubts(&t).await)
}

async fn not_found(State(s): State<AppState>) -> PageError {
    PageError {
        error: Error::NotFound,
        site: s.site.clone(),
    }
}
