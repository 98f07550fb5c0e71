//! The public site: every page is rendered from a MiniJinja template that a
//! district may override by placing a file of the same name in its
//! templates directory. `serve` renders from this crate in memory.

pub use network::NetworkQuery;

pub mod admin;
pub mod figures;
pub mod form;
pub mod freshness;
pub mod german;
mod labels;
mod languages;
mod network;
pub mod people;
pub mod press;
pub mod revisions;
mod search;
mod views;

use std::path::PathBuf;

use jiff::civil::Date;
use kreiskom_store::{Store, StoreError};
use minijinja::{Environment, Value};

pub use german::{
    count as german_count, date as german_date, number as german_number, period as german_period,
    status as german_status, timestamp as german_timestamp,
};
pub use labels::{field_label, label};
pub use search::{SearchHit, SearchResults};
pub use views::partners_of_partners;

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("Vorlage konnte nicht gerendert werden: {0}")]
    Template(#[from] minijinja::Error),
    #[error("Seite nicht gefunden")]
    NotFound,
}

/// What an account mail says; see [`Site::account_mail`].
#[derive(Debug, serde::Serialize)]
pub struct AccountMail<'a> {
    /// An invitation (else a password reset).
    pub invitation: bool,
    /// Whom it goes to.
    pub name: &'a str,
    /// Who invited them, by name.
    pub inviter: &'a str,
    /// The tenant's name, e.g. "Landkreis Harz".
    pub tenant: &'a str,
    pub link: &'a str,
    /// Until when, in German.
    pub expires: &'a str,
}

pub type Result<T, E = PublishError> = std::result::Result<T, E>;

/// The built-in templates (the default theme on KERN UX), embedded from
/// `templates/` by `build.rs` and named by their path there: `site/` (the
/// public site), `press/` (archive, releases, feed, inquiry form), `mail/`
/// and `admin/` (the workspace).
static BUILT_IN: std::sync::LazyLock<Environment<'static>> = std::sync::LazyLock::new(|| {
    let mut env = Environment::new();
    minijinja_embed::load_templates!(&mut env);
    env
});

/// The built-in template's text, for the loader.
fn built_in(name: &str) -> Option<String> {
    BUILT_IN
        .get_template(name)
        .ok()
        .map(|t| t.source().to_owned())
}

#[derive(Clone)]
pub struct Site {
    env: std::sync::Arc<Environment<'static>>,
    store: Store,
    /// Scheme and host the public site is reached at, for absolute links
    /// (feed, calendar, sitemap, e-mail), without a trailing slash.
    public_url: String,
    /// What the workspace's forms offer to link to.
    offers: std::sync::Arc<admin::Offers>,
}

/// Where `serve` is reached when nothing else is configured.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

/// MiniJinja's HTML escaping, but leaving `/` alone: URLs in links and
/// feeds read as typed (`/harz/presse`, not `&#x2f;harz&#x2f;presse`).
/// `/` ends no attribute value and opens no tag, so it needs no escaping.
fn html_formatter(
    out: &mut minijinja::Output,
    state: &minijinja::State,
    value: &Value,
) -> std::result::Result<(), minijinja::Error> {
    match (state.auto_escape(), value.as_str()) {
        (minijinja::AutoEscape::Html, Some(text)) if !value.is_safe() => {
            let mut escaped = String::with_capacity(text.len());
            for c in text.chars() {
                match c {
                    '&' => escaped.push_str("&amp;"),
                    '<' => escaped.push_str("&lt;"),
                    '>' => escaped.push_str("&gt;"),
                    '"' => escaped.push_str("&quot;"),
                    '\'' => escaped.push_str("&#x27;"),
                    c => escaped.push(c),
                }
            }
            out.write_str(&escaped).map_err(minijinja::Error::from)
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// Markdown from editors, rendered and cleaned of anything but safe HTML.
/// Images may come only from this site: a picture from another host would
/// tell that host about every visitor.
pub fn markdown(text: &str) -> String {
    static CLEANER: std::sync::LazyLock<ammonia::Builder<'static>> =
        std::sync::LazyLock::new(|| {
            let mut b = ammonia::Builder::default();
            b.attribute_filter(|element, attribute, value| {
                let own = value.starts_with('/') && !value.starts_with("//");
                match (element, attribute) {
                    ("img", "src") if !own => None,
                    _ => Some(value.into()),
                }
            });
            b
        });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(text));
    CLEANER.clean(&html).to_string()
}

/// Percent-encodes a path for a query parameter.
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Markdown as the words a reader sees, for search: no markup, blocks on
/// lines of their own.
pub fn plain_text(text: &str) -> String {
    use pulldown_cmark::{Event, TagEnd};
    let mut out = String::new();
    for event in pulldown_cmark::Parser::new(text) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => out.push('\n'),
            _ => {}
        }
    }
    out.trim_end().to_owned()
}

impl Site {
    /// `templates_dir` overrides the built-in templates file by file.
    pub fn new(store: Store, templates_dir: Option<PathBuf>) -> Self {
        let mut env = Environment::new();
        env.set_loader(move |name| {
            if let Some(dir) = &templates_dir {
                let path = dir.join(name);
                if path.is_file() {
                    return std::fs::read_to_string(&path).map(Some).map_err(|e| {
                        minijinja::Error::new(
                            minijinja::ErrorKind::TemplateNotFound,
                            format!("{}: {e}", path.display()),
                        )
                    });
                }
            }
            Ok(built_in(name))
        });
        env.set_formatter(html_formatter);
        env.add_filter("label", |value: String, group: String| -> String {
            label(&group, &value).map_or(value, str::to_owned)
        });
        env.add_filter("markdown", |text: String| {
            Value::from_safe_string(markdown(&text))
        });
        env.add_filter("zahl", german::number);
        // "https://www.kreis-hz.de/wirtschaft" → "www.kreis-hz.de", as a
        // link text that says where it leads.
        env.add_filter("host", |url: String| -> String {
            let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
            rest.split(['/', '?', '#'])
                .next()
                .unwrap_or(rest)
                .to_owned()
        });
        env.add_filter("kurz", |text: String, max: usize| -> String {
            if text.chars().count() <= max {
                text
            } else {
                let cut: String = text.chars().take(max).collect();
                format!("{}…", cut.trim_end())
            }
        });
        env.add_filter("datum", |text: String| -> String {
            kreiskom_core::PartialDate::parse(&text).map_or(text, |d| german::date(&d))
        });
        Self {
            env: std::sync::Arc::new(env),
            store,
            public_url: DEFAULT_PUBLIC_URL.to_owned(),
            offers: Default::default(),
        }
    }

    /// The same site reading from another store (a snapshot of this one).
    pub fn reading(&self, store: Store) -> Self {
        Self {
            env: self.env.clone(),
            store,
            public_url: self.public_url.clone(),
            offers: Default::default(),
        }
    }

    /// What the workspace's forms offer to link to, kept until a change.
    pub fn offers(&self) -> &admin::Offers {
        &self.offers
    }

    pub fn with_public_url(mut self, url: &str) -> Self {
        self.public_url = url.trim_end_matches('/').to_owned();
        self
    }

    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// The host of `public_url`, for identifiers (calendar UIDs, Message-IDs).
    pub fn public_host(&self) -> &str {
        self.public_url.split("://").nth(1).unwrap_or("kreiskom")
    }

    fn render(&self, template: &str, ctx: impl serde::Serialize) -> Result<String> {
        Ok(self.env.get_template(template)?.render(ctx)?)
    }

    /// `/robots.txt`: everything public may be read; the workspace and the
    /// API are no business of robots; each tenant's sitemap is named.
    pub async fn robots(&self) -> Result<String> {
        let mut text = String::from("User-agent: *\nDisallow: /admin/\nDisallow: /api/\n\n");
        for t in self.store.records::<kreiskom_core::Tenant>(None).await? {
            text.push_str(&format!(
                "Sitemap: {}/{}/sitemap.xml\n",
                self.public_url, t.slug
            ));
        }
        Ok(text)
    }

    pub async fn index(&self) -> Result<String> {
        let tenants = views::tenants(&self.store).await?;
        self.render("site/index.html", minijinja::context! { tenants })
    }

    /// `/netzwerk`: the map of every partnership on the installation.
    pub async fn network(&self, query: &NetworkQuery, today: Date) -> Result<String> {
        let view = network::network(&self.store, query, today).await?;
        self.render("site/network.html", view)
    }

    pub async fn home(&self, tenant: &str, now: jiff::Timestamp) -> Result<String> {
        let view = views::home(&self.store, tenant).await?;
        let (latest, appointments) = self.home_press(tenant, now, 3).await?;
        self.render(
            "site/home.html",
            minijinja::context! { latest, appointments, ..Value::from_serialize(&view) },
        )
    }

    pub async fn partnerships(&self, tenant: &str, today: Date) -> Result<String> {
        let view = views::partnerships(&self.store, tenant, today).await?;
        self.render("site/partnerships.html", view)
    }

    pub async fn partnership(&self, tenant: &str, slug: &str, today: Date) -> Result<String> {
        let view = views::partnership(&self.store, tenant, slug, today).await?;
        self.render(
            "site/partnership.html",
            minijinja::context! { base => self.public_url, ..Value::from_serialize(&view) },
        )
    }

    /// The partnership page in a partner's language (`lang` as in the
    /// address, "pl"); not found where no translation into it exists.
    pub async fn partnership_in(
        &self,
        tenant: &str,
        slug: &str,
        lang: &str,
        today: Date,
    ) -> Result<String> {
        let lang = kreiskom_core::Language::from_code(lang).ok_or(PublishError::NotFound)?;
        let view = views::partnership_in(&self.store, tenant, slug, lang, today).await?;
        self.render(
            "site/partnership_in.html",
            minijinja::context! { base => self.public_url, ..Value::from_serialize(&view) },
        )
    }

    /// A content page (`path` below `/{tenant}/seiten/`).
    pub async fn content_page(&self, tenant: &str, path: &str) -> Result<String> {
        let view = views::content_page(&self.store, tenant, path).await?;
        self.render("site/page.html", view)
    }

    pub async fn communication(&self, tenant: &str) -> Result<String> {
        let view = views::communication(&self.store, tenant).await?;
        self.render("site/communication.html", view)
    }

    /// `/{tenant}/farbe.css`: the district's colour as the accent of its
    /// pages (a file, since the Content-Security-Policy allows no inline
    /// style). Validation keeps the colour a plain `#RRGGBB`.
    pub async fn tenant_css(&self, tenant: &str) -> Result<String> {
        let (_, t) = views::load_tenant(&self.store, tenant).await?;
        let colour = t.colour.ok_or(PublishError::NotFound)?;
        Ok(format!(":root {{ --accent: {colour}; }}\n"))
    }

    /// `/{tenant}/impressum` and the other legal pages.
    pub async fn legal(&self, tenant: &str, kind: kreiskom_core::LegalKind) -> Result<String> {
        let view = views::legal(&self.store, tenant, kind).await?;
        self.render("site/legal.html", view)
    }

    /// The feedback form of the accessibility statement, or its
    /// confirmation once sent.
    pub async fn feedback_page(&self, tenant: &str, form: serde_json::Value) -> Result<String> {
        let (_, t) = views::load_tenant(&self.store, tenant).await?;
        self.render(
            "site/feedback.html",
            minijinja::context! { tenant => views::TenantView::from(&t), ..Value::from_serialize(&form) },
        )
    }

    pub async fn contact(&self, tenant: &str) -> Result<String> {
        let view = views::contact(&self.store, tenant).await?;
        self.render("site/contact.html", view)
    }

    /// An admin page: `frame` is the signed-in person and where they are,
    /// `view` what the page itself shows.
    pub fn admin_page(
        &self,
        template: &str,
        frame: &admin::Frame,
        view: impl serde::Serialize,
    ) -> Result<String> {
        self.render(
            template,
            minijinja::context! { frame, ..Value::from_serialize(&view) },
        )
    }

    /// A page of the workspace for someone not signed in (choosing a
    /// password, asking for a reset): no menu.
    pub fn signed_out_page(&self, template: &str, view: impl serde::Serialize) -> Result<String> {
        self.render(
            template,
            minijinja::context! { frame => minijinja::context! {}, ..Value::from_serialize(&view) },
        )
    }

    /// A piece of a page, answered to a request of htmx (`admin/…`).
    pub fn fragment(&self, template: &str, view: impl serde::Serialize) -> Result<String> {
        self.render(template, Value::from_serialize(&view))
    }

    /// The mail with a one-time link to an account: an invitation or a
    /// password reset. Returns subject, text and HTML.
    pub fn account_mail(&self, mail: &AccountMail<'_>) -> Result<(String, String, String)> {
        let subject = if mail.invitation {
            format!("Einladung in die Verwaltung: {}", mail.tenant)
        } else {
            "Neues Passwort für kreiskom".to_owned()
        };
        let ctx = minijinja::context! { subject, ..Value::from_serialize(mail) };
        Ok((
            subject.clone(),
            self.render("mail/account.txt", &ctx)?,
            self.render("mail/account.html", &ctx)?,
        ))
    }

    /// The sign-in form; `error` after a failed attempt.
    pub fn login_page(
        &self,
        csrf: &str,
        next: &str,
        email: &str,
        error: Option<&str>,
        notice: Option<&str>,
    ) -> Result<String> {
        self.render(
            "admin/login.html",
            // No one is signed in: an empty frame, so the layout shows no menu.
            minijinja::context! { frame => minijinja::context! {}, csrf, next, email, error, notice },
        )
    }

    /// An error page in the site's look, with the district's header where
    /// the address names one; never fails (falls back to text).
    pub async fn error_page(&self, status: u16, message: &str, tenant: Option<&str>) -> String {
        let tenant = match tenant {
            Some(t) => views::load_tenant(&self.store, t)
                .await
                .ok()
                .map(|(_, t)| views::TenantView::from(&t)),
            None => None,
        };
        self.render(
            "site/error.html",
            minijinja::context! { status, message, tenant },
        )
        .unwrap_or_else(|e| {
            format!("<!doctype html><title>Fehler {status}</title><p>{message}</p><!-- {e} -->")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_their_slashes_and_markup_is_escaped() {
        let mut env = Environment::new();
        env.set_formatter(html_formatter);
        env.add_template("t.html", "<a href=\"{{ url }}\">{{ text }}</a>{{ safe }}")
            .unwrap();
        let html = env
            .get_template("t.html")
            .unwrap()
            .render(minijinja::context! {
                url => "/harz/presse/2014/150?jahr=2014&seite=2",
                text => "<script>alert('x')</script> \"zitiert\"",
                safe => Value::from_safe_string("<b>fett</b>".into()),
            })
            .unwrap();
        assert_eq!(
            html,
            "<a href=\"/harz/presse/2014/150?jahr=2014&amp;seite=2\">&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &quot;zitiert&quot;</a><b>fett</b>"
        );
    }

    #[test]
    fn markdown_keeps_own_images_and_drops_foreign_ones_and_script() {
        let html = markdown(
            "![Wappen](/media/wappen.png) ![Tracker](https://tracker.example/p.gif) \
             ![Auch fremd](//tracker.example/q.gif) <script>alert(1)</script> \
             [Kreis](https://www.landkreis-harz.de)",
        );
        assert!(html.contains("src=\"/media/wappen.png\""), "{html}");
        assert!(!html.contains("tracker.example"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(
            html.contains("href=\"https://www.landkreis-harz.de\""),
            "{html}"
        );
    }
}
