//! Static files compiled into the binary: the vendored KERN UX theme
//! (see scripts/vendor-assets.sh), the site's own stylesheet and the
//! static copy's search script, and htmx for the admin workspace's pickers.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::routes::{Access, Routes};

macro_rules! asset {
    ($path:literal) => {
        ($path, include_bytes!(concat!("../assets/", $path)) as &[u8])
    };
}

const ASSETS: &[(&str, &[u8])] = &[
    asset!("site.css"),
    asset!("favicon.svg"),
    asset!("suche.js"),
    asset!("htmx/htmx.min.js"),
    asset!("kern/kern.min.css"),
    asset!("kern/fonts/fira-sans.css"),
    asset!("kern/fonts/fira-sans/FiraSans-Light.woff2"),
    asset!("kern/fonts/fira-sans/FiraSans-LightItalic.woff2"),
    asset!("kern/fonts/fira-sans/FiraSans-Regular.woff2"),
    asset!("kern/fonts/fira-sans/FiraSans-Italic.woff2"),
    asset!("kern/fonts/fira-sans/FiraSans-Medium.woff2"),
    asset!("kern/fonts/fira-sans/FiraSans-MediumItalic.woff2"),
    asset!("kern/fonts/fira-sans/FiraSans-SemiBold.woff2"),
    asset!("kern/fonts/fira-sans/FiraSans-SemiBoldItalic.woff2"),
    asset!("kern/fonts/fira-sans/FiraSans-Bold.woff2"),
    asset!("kern/fonts/fira-sans/FiraSans-BoldItalic.woff2"),
];

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/assets/{*path}", Access::Public, asset)
}

async fn asset(Path(path): Path<String>) -> Response {
    let Some((name, bytes)) = ASSETS.iter().find(|(name, _)| *name == path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let content_type = if name.ends_with(".css") {
        "text/css; charset=utf-8"
    } else if name.ends_with(".js") {
        "text/javascript; charset=utf-8"
    } else if name.ends_with(".svg") {
        "image/svg+xml"
    } else {
        "font/woff2"
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        *bytes,
    )
        .into_response()
}
