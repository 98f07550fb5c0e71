//! The static export: the public site of every tenant written to a
//! folder that any web server can host. Every page is asked of the same
//! router `serve` runs, so the files hold the bytes the server would send;
//! the export follows every link from the start page and each tenant's
//! sitemap, so what a page links to is exported with it (stylesheets,
//! fonts, pictures, feeds). A file whose bytes did not change is left as
//! it is, and files no page leads to any more are removed.

use std::collections::{BTreeSet, HashSet, VecDeque};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    /// Links within the site that answer with an error: they would be
    /// broken in the copy too.
    pub broken: Vec<(String, String)>,
}

/// Where a path's answer goes: pages into `…/index.html`, other files by
/// their own name.
fn file_for(out: &Path, path: &str, html: bool) -> PathBuf {
    let rel = path.trim_start_matches('/');
    if html && !rel.ends_with(".html") {
        out.join(rel).join("index.html")
    } else {
        out.join(rel)
    }
}

/// Pages that only a running server can answer: the forms, whose each
/// answer carries a fresh token and whose sending needs the server. A
/// static copy routes these paths to kreiskom (see the README).
pub const SERVER_ONLY: [&str; 2] = ["/presse/anfrage", "/barrierefreiheit/rueckmeldung"];

/// Whether a path is a tenant's form (`/harz/presse/anfrage`).
pub fn server_only(path: &str) -> bool {
    path.split_once('/')
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .is_some_and(|tail| SERVER_ONLY.contains(&tail))
}

/// Whether a path is part of the public copy (not the workspace, the API
/// or the forms).
fn exported(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !server_only(path)
        && !["/admin", "/api", "/.well-known"]
            .iter()
            .any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

/// The addresses a page or stylesheet refers to, resolved against its own.
fn references(from: &str, body: &str, css: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut take = |raw: &str| {
        let raw = raw.split(['#', '?']).next().unwrap_or_default();
        if raw.is_empty() || raw.contains(':') {
            return;
        }
        let path = if raw.starts_with('/') {
            raw.to_owned()
        } else {
            // Relative, as KERN's stylesheet names its fonts.
            let base = &from[..from.rfind('/').map_or(0, |i| i + 1)];
            let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
            for part in raw.split('/') {
                match part {
                    "." | "" => {}
                    ".." => {
                        parts.pop();
                    }
                    p => parts.push(p),
                }
            }
            format!("/{}", parts.join("/"))
        };
        out.push(path.replace("&amp;", "&"));
    };
    if css {
        for (at, _) in body.match_indices("url(") {
            let rest = body[at + 4..].trim_start_matches(['"', '\'']);
            if let Some(end) = rest.find(['"', '\'', ')']) {
                take(&rest[..end]);
            }
        }
    } else {
        for marker in ["href=\"", "src=\""] {
            for (at, _) in body.match_indices(marker) {
                let rest = &body[at + marker.len()..];
                if let Some(end) = rest.find('"') {
                    take(&rest[..end]);
                }
            }
        }
    }
    out
}

/// Pages asked of the router at once.
const IN_FLIGHT: usize = 16;

/// One page asked and read for its links.
struct Done {
    path: String,
    referrer: String,
    /// `None` where the page did not answer 200.
    file: Option<(PathBuf, axum::body::Bytes)>,
    links: Vec<String>,
}

/// Asks for `path` and finds what it links to, in a task of its own, so
/// pages render on every core. The files are written one after another:
/// many writers creating folders side by side slow ext4 down (measured
/// with bench/export: 7 s sequential, 10–12 s from sixteen tasks).
async fn fetch(app: Router, out: PathBuf, path: String, referrer: String) -> Done {
    let mut request = Request::get(&path)
        .body(Body::empty())
        .expect("a path makes a request");
    // The forms' throttle asks who is calling; the export calls itself.
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 0))));
    let response = app.oneshot(request).await.expect("the router never fails");
    if response.status() != StatusCode::OK {
        return Done {
            path,
            referrer,
            file: None,
            links: Vec::new(),
        };
    }
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let html = kind.starts_with("text/html");
    let css = kind.starts_with("text/css");
    let links = if html || css {
        references(&path, &String::from_utf8_lossy(&bytes), css)
    } else {
        Vec::new()
    };
    Done {
        file: Some((file_for(&out, &path, html), bytes)),
        path,
        referrer,
        links,
    }
}

/// Writes the public site to `out`, starting from `/` and `starts` (each
/// tenant's sitemap entries); `progress` hears of each file.
pub async fn export_site(
    app: Router,
    out: &Path,
    starts: &[String],
    mut progress: impl FnMut(usize, &str),
) -> std::io::Result<Report> {
    let mut report = Report::default();
    let mut queue: VecDeque<(String, String)> = VecDeque::new();
    queue.push_back(("/".to_owned(), String::new()));
    queue.extend(starts.iter().map(|s| (s.clone(), String::new())));
    let mut seen: HashSet<String> = HashSet::new();
    let mut files: BTreeSet<PathBuf> = BTreeSet::new();
    // Several pages in flight: rendering may wait on the database, and
    // every core renders and writes meanwhile.
    let mut asked = tokio::task::JoinSet::new();
    loop {
        while asked.len() < IN_FLIGHT {
            let Some((path, referrer)) = queue.pop_front() else {
                break;
            };
            if !exported(&path) || !seen.insert(path.clone()) {
                continue;
            }
            asked.spawn(fetch(app.clone(), out.to_owned(), path, referrer));
        }
        let Some(done) = asked.join_next().await else {
            break;
        };
        let Done {
            path,
            referrer,
            file,
            links,
        } = done.expect("a page's task does not panic");
        let Some((file, bytes)) = file else {
            report.broken.push((path, referrer));
            continue;
        };
        for next in links {
            if !seen.contains(&next) {
                queue.push_back((next, path.clone()));
            }
        }
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        if std::fs::read(&file).ok().as_deref() == Some(bytes.as_ref()) {
            report.unchanged += 1;
        } else {
            // Written beside and renamed: a web server never serves half a file.
            let tmp = file.with_extension("kreiskom-tmp");
            std::fs::write(&tmp, &bytes)?;
            std::fs::rename(&tmp, &file)?;
            report.written += 1;
        }
        files.insert(file);
        progress(files.len(), &path);
    }
    // Reported in the order of the addresses, whatever order pages came in.
    report.broken.sort();
    report.removed = remove_others(out, &files)?;
    Ok(report)
}

/// Removes files of an earlier export that no page leads to any more.
fn remove_others(dir: &Path, keep: &BTreeSet<PathBuf>) -> std::io::Result<usize> {
    let mut removed = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            removed += remove_others(&path, keep)?;
            if std::fs::read_dir(&path)?.next().is_none() {
                std::fs::remove_dir(&path)?;
            }
        } else if !keep.contains(&path) {
            std::fs::remove_file(&path)?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve_as_a_browser_would() {
        let css = r#"@font-face { src: url("./fira-sans/FiraSans-Regular.woff2") } a { background: url("data:image/svg+xml,x") }"#;
        assert_eq!(
            references("/assets/kern/fonts/fira-sans.css", css, true),
            ["/assets/kern/fonts/fira-sans/FiraSans-Regular.woff2"]
        );
        let html = r#"<a href="/harz/kontakt#karte">K</a> <img src="/media/harz/x/w960.jpg"> <a href="https://example.org/">x</a> <a href="mailto:a@b">m</a>"#;
        assert_eq!(
            references("/harz/", html, false),
            ["/harz/kontakt", "/media/harz/x/w960.jpg"]
        );
        assert_eq!(
            file_for(Path::new("/out"), "/harz/partnerschaften", true),
            PathBuf::from("/out/harz/partnerschaften/index.html")
        );
        assert_eq!(
            file_for(Path::new("/out"), "/harz/presse/feed.atom", false),
            PathBuf::from("/out/harz/presse/feed.atom")
        );
        assert!(!exported("/admin/harz/") && !exported("/api/v1/regions") && exported("/harz/"));
        assert!(server_only("/harz/presse/anfrage") && !exported("/harz/presse/anfrage"));
        assert!(!server_only("/harz/presse/2014/150"));
    }
}
