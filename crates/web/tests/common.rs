#![allow(dead_code)] // each test binary uses part of it
//! A kreiskom app on a real database, driven without a socket.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use kreiskom_core::{Actor, Dataset, Grant, Role, TenantSlug};
use kreiskom_publish::Site;
use kreiskom_store::Store;
use kreiskom_web::{ApiToken, AppState};
use serde_json::Value;
use tower::ServiceExt;

pub const TOKEN: &str = "test-token";

/// The demo's seven districts, as `demo/demo.json` lists them.
pub const DEMO_TENANTS: &[&str] = &[
    "goslar",
    "harz",
    "nordhausen",
    "unterallgaeu",
    "spree-neisse",
    "vorpommern-ruegen",
    "stade",
];
const DEMO: &str = include_str!("../../../demo/demo.json");

pub struct App {
    pub router: Router,
    pub store: Store,
    /// Seconds the clock has been moved forward …
    pub later: Arc<AtomicI64>,
    /// … from this instant, noon in Germany on the day the app was made for.
    pub start: jiff::Timestamp,
    /// The state behind the router.
    pub state: AppState,
}

impl App {
    /// Sets the clock to a wall-clock time in Germany ("2026-11-23T13:00").
    pub fn set_clock(&self, local: &str) {
        let to = kreiskom_core::LocalTime::parse(local).unwrap().instant();
        self.later
            .store(to.duration_since(self.start).as_secs(), Ordering::SeqCst);
    }

    /// The same app served behind HTTPS (an `https://` public URL).
    pub fn over_https(mut self) -> Self {
        self.state.security.https = true;
        self.router = kreiskom_web::app(self.state.clone());
        self
    }

    /// An outbox runner on this app's store and clock, as `serve` or
    /// `kreiskom worker` runs it.
    pub fn runner(
        &self,
        mailer: Option<kreiskom_channels::smtp::Mailer>,
    ) -> kreiskom_channels::Runner {
        kreiskom_channels::runner(kreiskom_channels::Parts {
            store: self.store.clone(),
            clock: self.state.clock.clone(),
            site: self.state.site.clone(),
            mailer,
            print: self.state.print_shop(),
            media: self.state.media.clone(),
            secret_key: self.state.secret_key.clone(),
        })
    }
}

pub async fn app(url: &str, demo: bool, today: jiff::civil::Date) -> App {
    let data = demo.then(|| serde_json::from_str(DEMO).unwrap());
    app_with_data(url, data, today).await
}

/// The demo data as JSON, for tests that add to it.
pub fn demo_json() -> Value {
    serde_json::from_str(DEMO).unwrap()
}

pub async fn app_with_data(url: &str, data: Option<Dataset>, today: jiff::civil::Date) -> App {
    let store = Store::connect(url).await.unwrap();
    if let Some(dataset) = data {
        store
            .import(&Actor::operator("test"), &dataset, |_, _| {})
            .await
            .unwrap();
    }
    let site = Site::new(store.clone(), None);
    let mut state = AppState::new(store.clone(), site, ApiToken::new(TOKEN.into()));
    let later = Arc::new(AtomicI64::new(0));
    let start = kreiskom_web::noon_in_germany(today);
    let offset = later.clone();
    state.clock = Arc::new(move || {
        start
            .checked_add(jiff::SignedDuration::from_secs(
                offset.load(Ordering::SeqCst),
            ))
            .unwrap()
    });
    // Keep the slowdown after failed sign-ins, but short.
    state.security.failure_delay = std::time::Duration::from_millis(5);
    App {
        router: kreiskom_web::app(state.clone()),
        store,
        later,
        start,
        state,
    }
}

/// Goslar's press office and its approver, the two people of the workflow.
pub async fn newsroom_people(app: &App) {
    app.user("presse@goslar.example", &[("goslar", Role::PressOfficer)])
        .await;
    app.user(
        "landrat@goslar.example",
        &[("goslar", Role::HeadOfAdministration)],
    )
    .await;
}

/// A signed-in browser: its session cookie and the CSRF token its forms carry.
#[derive(Clone, Debug)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

pub const PASSWORD: &str = "ein langes Testpasswort";

/// The value of the first `name="csrf"` field on a page.
pub fn csrf_of(html: &str) -> String {
    let at = html
        .find("name=\"csrf\" value=\"")
        .unwrap_or_else(|| panic!("no CSRF field in {html}"));
    let rest = &html[at + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// `name=value` of a Set-Cookie header for `name`.
pub fn cookie_of(reply: &Reply, name: &str) -> Option<String> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

/// A multipart/form-data body as a browser sends an upload form: the
/// fields, then the file under the name `file`.
pub fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----kreiskom-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        let kind = if file_name.ends_with(".csv") {
            "text/csv"
        } else {
            "image/jpeg"
        };
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {kind}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub fn form_body(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

impl App {
    /// An account with its own password already chosen.
    pub async fn user(&self, email: &str, grants: &[(&str, Role)]) {
        self.named_user(email, email, grants).await;
    }

    /// The same, with the name pages show for the person.
    pub async fn named_user(&self, email: &str, name: &str, grants: &[(&str, Role)]) {
        let grants: Vec<Grant> = grants
            .iter()
            .map(|(t, role)| Grant {
                tenant: TenantSlug::parse(t).unwrap(),
                role: *role,
            })
            .collect();
        let hash = kreiskom_web::auth::hash_password(PASSWORD);
        self.store
            .create_account(&Actor::operator("test"), email, name, &hash, &grants)
            .await
            .unwrap();
        self.store
            .set_password(email, &hash, false, None)
            .await
            .unwrap();
    }

    /// Signs in through the form, as a browser does; the reply to the
    /// form post comes back beside the session (None when refused).
    pub async fn sign_in(&self, email: &str, password: &str) -> (Reply, Option<Session>) {
        let form = self.get("/admin/anmelden").await;
        let login_cookie = cookie_of(&form, "kreiskom_anmeldung").unwrap();
        let csrf = csrf_of(&form.text);
        let body = form_body(&[
            ("email", email),
            ("password", password),
            ("csrf", &csrf),
            ("weiter", "/admin/"),
        ]);
        let reply = self
            .request(
                "POST",
                "/admin/anmelden",
                Some(&body),
                &[("cookie", &login_cookie)],
                true,
            )
            .await;
        let Some(cookie) = cookie_of(&reply, "kreiskom_sitzung") else {
            return (reply, None);
        };
        let page = self
            .request(
                "GET",
                "/admin/passwort",
                None,
                &[("cookie", &cookie)],
                false,
            )
            .await;
        let csrf = csrf_of(&page.text);
        (reply, Some(Session { cookie, csrf }))
    }

    pub async fn signed_in(&self, email: &str) -> Session {
        let (reply, session) = self.sign_in(email, PASSWORD).await;
        session.unwrap_or_else(|| panic!("sign-in of {email} refused: {}", reply.text))
    }

    pub async fn get_as(&self, path: &str, session: &Session) -> Reply {
        self.request("GET", path, None, &[("cookie", &session.cookie)], false)
            .await
    }

    /// Posts a form with the session's CSRF token.
    pub async fn post_as(&self, path: &str, session: &Session, pairs: &[(&str, &str)]) -> Reply {
        let mut all: Vec<(&str, &str)> = vec![("csrf", &session.csrf)];
        all.extend_from_slice(pairs);
        self.request(
            "POST",
            path,
            Some(&form_body(&all)),
            &[("cookie", &session.cookie)],
            true,
        )
        .await
    }

    pub async fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
        form: bool,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if form {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        let req = req
            .body(body.map_or_else(Body::empty, |b| Body::from(b.to_owned())))
            .unwrap();
        self.reply(req).await
    }

    /// A request with a body of bytes (a multipart upload).
    pub async fn request_bytes(
        &self,
        method: &str,
        path: &str,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.reply(req.body(Body::from(body)).unwrap()).await
    }

    /// The body's bytes as sent (compressed, if asked for).
    pub async fn raw(&self, path: &str, headers: &[(&str, &str)]) -> Vec<u8> {
        let mut req = Request::builder().uri(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = self
            .router
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        res.into_body().collect().await.unwrap().to_bytes().to_vec()
    }

    async fn reply(&self, req: Request<Body>) -> Reply {
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
            bytes: bytes.to_vec(),
        }
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub etag: Option<String>,
    pub headers: axum::http::HeaderMap,
    pub text: String,
    /// The body as sent (a PDF).
    pub bytes: Vec<u8>,
}

impl Reply {
    /// A header's value, empty when it is missing.
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

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
        self.reply(req).await
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

/// The visible text of a page: tags dropped, the common entities decoded.
/// What a person typed into a text area is theirs, not the page's.
pub fn visible(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        // Script and style carry no visible text (JSON-LD is checked by
        // its own tests).
        for (open, close) in [
            ("<script", "</script>"),
            ("<style", "</style>"),
            ("<textarea", "</textarea>"),
        ] {
            if rest.starts_with(open) {
                rest = rest.find(close).map_or("", |end| &rest[end..]);
            }
        }
        match rest.find('>') {
            Some(end) => {
                out.push(' ');
                rest = &rest[end + 1..];
            }
            None => rest = "",
        }
    }
    out.push_str(rest);
    let out = out
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decoded enough to compare with text.
pub fn text(html: &str) -> String {
    html.replace("&quot;", "\"")
}

/// The fields of the edit form as a browser would send them back.
pub fn form_fields(html: &str) -> Vec<(String, String)> {
    let doc = text(html);
    let form = &doc[doc.find("class=\"record-form\"").unwrap()..];
    let form = &form[..form.find("</form>").unwrap()];
    let mut out = Vec::new();
    let mut rest = form;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let tag_end = rest.find('>').unwrap();
        let tag = &rest[..tag_end];
        let attr = |name: &str| {
            let key = format!(" {name}=\"");
            tag.find(&key).map(|i| {
                let v = &tag[i + key.len()..];
                v[..v.find('"').unwrap()].to_owned()
            })
        };
        if tag.starts_with("input") {
            let Some(name) = attr("name") else { continue };
            let ty = attr("type").unwrap_or_default();
            if ty == "checkbox" && !tag.contains(" checked") {
                continue;
            }
            out.push((name, attr("value").unwrap_or_default()));
        } else if tag.starts_with("textarea") {
            let name = attr("name").unwrap();
            let body = &rest[tag_end + 1..];
            out.push((name, body[..body.find("</textarea>").unwrap()].to_owned()));
        } else if tag.starts_with("select") {
            let name = attr("name").unwrap();
            let body = &rest[tag_end + 1..rest.find("</select>").unwrap()];
            let value = body
                .split("<option")
                .find(|o| o.contains(" selected"))
                .and_then(|o| o.split("value=\"").nth(1))
                .map(|v| v[..v.find('"').unwrap()].to_owned())
                .unwrap_or_default();
            out.push((name, value));
        }
    }
    out
}

pub fn set(fields: &mut [(String, String)], name: &str, value: &str) {
    fields
        .iter_mut()
        .find(|(k, _)| k == name)
        .unwrap_or_else(|| panic!("no field {name}"))
        .1 = value.to_owned();
}

pub async fn post_fields(
    app: &App,
    path: &str,
    session: &Session,
    fields: &[(String, String)],
) -> Reply {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(k, _)| k != "csrf")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.post_as(path, session, &pairs).await
}

/// A public form (press inquiry, barrier report) as a browser holds it:
/// its cookie and token, and where it is sent.
pub struct PublicForm {
    pub csrf: String,
    pub cookie: String,
    pub action: String,
}

impl PublicForm {
    pub fn of(form: &Reply, action: &str) -> Self {
        Self {
            csrf: csrf_of(&form.text),
            cookie: cookie_of(form, kreiskom_web::auth::PUBLIC_FORM_COOKIE).unwrap(),
            action: action.to_owned(),
        }
    }

    /// Opens the form at `path`, which is sent back to the same address.
    pub async fn open(app: &App, path: &str) -> Self {
        Self::of(&app.get(path).await, path)
    }

    pub async fn send(&self, app: &App, fields: &[(&str, &str)]) -> Reply {
        let mut pairs = vec![("csrf", self.csrf.as_str())];
        pairs.extend_from_slice(fields);
        let body = serde_urlencoded::to_string(&pairs).unwrap();
        app.request(
            "POST",
            &self.action,
            Some(&body),
            &[
                ("cookie", &self.cookie),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
            false,
        )
        .await
    }
}

impl App {
    /// The same app with a media store for uploads.
    pub fn with_media(mut self, media: kreiskom_media::Media) -> Self {
        self.state = self.state.with_media(media);
        self.router = kreiskom_web::app(self.state.clone());
        self
    }
}

impl App {
    /// The same app with the installation's key, so channel access and
    /// second factors can be sealed.
    pub fn with_secret_key(mut self) -> Self {
        self.state.secret_key = Some(kreiskom_secrets::SecretKey::ephemeral());
        self.router = kreiskom_web::app(self.state.clone());
        self
    }
}
