//! The external link check against a local server that logs every
//! request: it honours `robots.txt`, waits between requests to one host,
//! follows redirects and tells a move to another host from a failure.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::Router;
use kreiskom_channels::links::{check_all, AGENT};
use tokio::time::Instant;

type Log = Arc<Mutex<Vec<(String, String, Instant)>>>;

async fn answer(
    State(log): State<Log>,
    headers: axum::http::HeaderMap,
    uri: Uri,
) -> impl IntoResponse {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    assert_eq!(agent, AGENT, "names itself");
    log.lock()
        .unwrap()
        .push((host.clone(), uri.path().to_owned(), Instant::now()));
    let port = host.rsplit(':').next().unwrap_or_default().to_owned();
    match uri.path() {
        "/robots.txt" => (StatusCode::OK, "User-agent: *\nDisallow: /privat\n").into_response(),
        "/ok" | "/neu" | "/privat/seite" => StatusCode::OK.into_response(),
        // Moved to another host, as cg90.fr did.
        "/alt" => (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, format!("http://localhost:{port}/neu"))],
        )
            .into_response(),
        // Moved within the host: nothing to report.
        "/umbenannt" => (StatusCode::FOUND, [(header::LOCATION, "/ok")]).into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

#[tokio::test]
async fn links_are_checked_politely_and_their_moves_told_apart() {
    let log: Log = Arc::default();
    let app = Router::new().fallback(answer).with_state(log.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let at = |path: &str| format!("http://127.0.0.1:{port}{path}");
    let urls = vec![
        at("/ok"),
        at("/alt"),
        at("/weg"),
        at("/umbenannt"),
        at("/privat/seite"),
        at("/ok"),
        "http://127.0.0.1:1/".to_owned(),
    ];
    let gap = Duration::from_millis(300);
    let mut seen = 0;
    let results = check_all(&urls, gap, |done, all, _| {
        seen = done;
        assert_eq!(all, 6, "each address once");
    })
    .await;
    assert_eq!(seen, 6);
    let of = |url: &str| results.iter().find(|r| r.url == url).unwrap();
    assert_eq!(of(&at("/ok")).status, Some(200));
    assert_eq!(of(&at("/ok")).final_url, None);
    assert_eq!(of(&at("/alt")).status, Some(200));
    assert_eq!(
        of(&at("/alt")).final_url.as_deref(),
        Some(format!("http://localhost:{port}/neu").as_str())
    );
    assert_eq!(of(&at("/weg")).status, Some(404));
    assert_eq!(of(&at("/umbenannt")).final_url, None);
    assert!(of(&at("/privat/seite")).robots_denied);
    assert_eq!(
        of("http://127.0.0.1:1/").error.as_deref(),
        Some("keine Verbindung")
    );

    let log = log.lock().unwrap().clone();
    assert!(
        !log.iter().any(|(_, path, _)| path.starts_with("/privat")),
        "robots.txt honoured"
    );
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
        let times: Vec<Instant> = log
            .iter()
            .filter(|(h, ..)| *h == host)
            .map(|(.., t)| *t)
            .collect();
        let robots = log
            .iter()
            .filter(|(h, p, _)| *h == host && p == "/robots.txt")
            .count();
        assert_eq!(robots, 1, "{host} asked for robots.txt once");
        for pair in times.windows(2) {
            // A little less than the gap: the server logs on arrival, the
            // checker counts from the answer.
            assert!(
                pair[1] - pair[0] >= gap - Duration::from_millis(50),
                "{host}: {:?}",
                pair[1] - pair[0]
            );
        }
    }
}
