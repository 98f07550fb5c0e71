#![allow(dead_code)] // each test binary uses part of it
//! A kreiskom app on a real database, driven without a socket.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use kreiskom_core::Dataset;
use kreiskom_publish::Site;
use kreiskom_store::Store;
use kreiskom_web::{ApiToken, AppState};
use serde_json::Value;
use tower::ServiceExt;

pub const TOKEN: &str = "test-token";
const DEMO: &str = include_str!("../../../demo/demo.json");

pub struct App {
    pub router: Router,
    pub store: Store,
}

pub async fn app(url: &str, demo: bool, today: jiff::civil::Date) -> App {
    let store = Store::connect(url).await.unwrap();
    if demo {
        let dataset: Dataset = serde_json::from_str(DEMO).unwrap();
        store.import(&dataset, |_, _| {}).await.unwrap();
    }
    let site = Site::new(store.clone(), None);
    let mut state = AppState::new(store.clone(), site, ApiToken::new(TOKEN.into()));
    state.clock = Arc::new(move || today);
    App {
        router: kreiskom_web::app(state),
        store,
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub etag: Option<String>,
    pub headers: axum::http::HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

impl App {
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        auth: Option<&str>,
        if_match: Option<&str>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(a) = auth {
            req = req.header(header::AUTHORIZATION, a);
        }
        if let Some(m) = if_match {
            req = req.header(header::IF_MATCH, m);
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_owned())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let etag = headers
            .get(header::ETAG)
            .map(|v| v.to_str().unwrap().to_owned());
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            etag,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send("GET", path, None, None, None).await
    }

    pub async fn write(&self, method: &str, path: &str, body: &Value) -> Reply {
        self.send(
            method,
            path,
            Some(&body.to_string()),
            Some(&format!("Bearer {TOKEN}")),
            None,
        )
        .await
    }
}

pub fn day(y: i16, m: i8, d: i8) -> jiff::civil::Date {
    jiff::civil::date(y, m, d)
}
