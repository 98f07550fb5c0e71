//! The public face of the press office: archive, release pages with
//! schema.org JSON-LD, the plain-text version for news agencies, the Atom
//! feed, the appointments calendar, the sitemap and the mail to journalists.
//! Every function takes the instant it renders for; what is not public at
//! that instant (`PressRelease::is_public`) does not appear.

use jiff::Timestamp;
use kreiskom_core::{LocalTime, PressRelease, Record, Tenant, TenantSlug};
use serde::Serialize;
use serde_json::json;

use crate::views::{lbl, load_tenant, TenantView};
use crate::{PublishError, Result, Site};

/// Releases per archive page.
pub const PAGE_SIZE: usize = 20;

#[derive(Serialize)]
pub struct AppointmentView {
    /// "Donnerstag, 03.07.2014, 13:00 Uhr".
    start: String,
    start_iso: String,
    end: Option<String>,
    room: Option<String>,
    street: String,
    postal_code: String,
    city: String,
    available: Option<String>,
}

#[derive(Serialize)]
pub struct ImageView {
    src: String,
    alt: String,
    credit: Option<String>,
}

#[derive(Serialize)]
pub struct ReleaseView {
    slug: String,
    /// "150/14".
    number: String,
    path: String,
    url: String,
    title: String,
    subtitle: Option<String>,
    body: String,
    /// The body as HTML, unmarked, so that XML templates escape it.
    html: String,
    contact: Option<String>,
    /// "01.07.2014".
    date: String,
    released_at: String,
    topics: Vec<String>,
    images: Vec<ImageView>,
    appointment: Option<AppointmentView>,
    partnership: Option<String>,
}

/// Where a numbered release lives: `/spree-neisse/presse/2014/150`.
pub fn release_path(tenant: &str, r: &PressRelease) -> Option<String> {
    let n = r.workflow.number?;
    Some(format!("/{tenant}/presse/{}/{}", n.year, n.number))
}

impl ReleaseView {
    fn new(base: &str, tenant: &str, r: &PressRelease) -> Option<Self> {
        let number = r.workflow.number?;
        let released = r.workflow.released_at?;
        let path = release_path(tenant, r)?;
        Some(Self::shown(base, r, number.to_string(), path, released))
    }

    /// A release before its approval, as it will look: its number is
    /// given at the approval, its date is that of the release.
    fn preview(base: &str, tenant: &str, r: &PressRelease, now: Timestamp) -> Self {
        let number = r.workflow.number.map_or_else(
            || "… (wird bei der Freigabe vergeben)".to_owned(),
            |n| n.to_string(),
        );
        let path = release_path(tenant, r).unwrap_or_else(|| format!("/{tenant}/presse"));
        let released = r
            .workflow
            .released_at
            .unwrap_or_else(|| r.release_time(now));
        Self::shown(base, r, number, path, released)
    }

    fn shown(
        base: &str,
        r: &PressRelease,
        number: String,
        path: String,
        released: Timestamp,
    ) -> Self {
        Self {
            slug: r.slug.to_string(),
            number,
            url: format!("{base}{path}"),
            path,
            title: r.title.clone(),
            subtitle: r.subtitle.clone(),
            body: r.body.clone(),
            html: crate::markdown(&r.body),
            contact: r.contact.clone(),
            date: LocalTime::at(released)
                .civil()
                .strftime("%d.%m.%Y")
                .to_string(),
            released_at: released.to_string(),
            topics: r.topics.iter().map(|t| lbl("topic", t)).collect(),
            images: r
                .images
                .iter()
                .map(|i| ImageView {
                    src: i.src.clone(),
                    alt: i.alt.clone(),
                    credit: i.credit.clone(),
                })
                .collect(),
            appointment: r.appointment.as_ref().map(|a| AppointmentView {
                start: a.start.german_with_weekday(),
                start_iso: a.start.instant().to_string(),
                end: a.end.map(|e| e.german()),
                room: a.room.clone(),
                street: a.address.street.clone(),
                postal_code: a.address.postal_code.clone(),
                city: a.address.city.clone(),
                available: a.available.clone(),
            }),
            partnership: r.partnership.as_ref().map(|p| p.to_string()),
        }
    }
}

/// schema.org NewsArticle, with the media appointment as an Event.
fn json_ld(tenant: &Tenant, v: &ReleaseView) -> String {
    let mut article = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": v.title,
        "identifier": format!("Nr. {}", v.number),
        "datePublished": v.released_at,
        "url": v.url,
        "inLanguage": "de",
        "publisher": {"@type": "GovernmentOrganization", "name": tenant.name},
        "author": {"@type": "GovernmentOrganization", "name": v.contact.clone().unwrap_or_else(|| tenant.name.clone())},
    });
    if let Some(s) = &v.subtitle {
        article["alternativeHeadline"] = json!(s);
    }
    if !v.images.is_empty() {
        article["image"] = json!(v.images.iter().map(|i| &i.src).collect::<Vec<_>>());
    }
    if let Some(a) = &v.appointment {
        article["about"] = json!({
            "@type": "Event",
            "name": v.title,
            "startDate": a.start_iso,
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "location": {
                "@type": "Place",
                "name": a.room.clone().unwrap_or_else(|| a.street.clone()),
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": a.street,
                    "postalCode": a.postal_code,
                    "addressLocality": a.city,
                    "addressCountry": "DE",
                },
            },
            "organizer": {"@type": "GovernmentOrganization", "name": tenant.name},
        });
    }
    // Inside <script>, "</" would end the element early and "<!--" would
    // change how it is read: no <, > or & stays literal (JSON escapes).
    serde_json::to_string(&article)
        .expect("JSON values serialize")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[derive(Serialize)]
struct YearLink {
    year: i16,
    count: usize,
    current: bool,
}

impl Site {
    /// For the start page: the newest releases, and the releases whose
    /// media appointment is today or later, soonest first.
    pub(crate) async fn home_press(
        &self,
        tenant: &str,
        now: Timestamp,
        shown: usize,
    ) -> Result<(Vec<ReleaseView>, Vec<ReleaseView>)> {
        let (_, _, releases) = self.public(tenant, now).await?;
        let latest = self.views(tenant, &releases[..releases.len().min(shown)]);
        let today = LocalTime::at(now).civil().date();
        let mut coming: Vec<&PressRelease> = releases
            .iter()
            .filter(|r| {
                r.appointment
                    .as_ref()
                    .is_some_and(|a| a.start.civil().date() >= today)
            })
            .collect();
        coming.sort_by_key(|r| r.appointment.as_ref().map(|a| a.start.instant()));
        let appointments = coming
            .into_iter()
            .take(shown)
            .filter_map(|r| ReleaseView::new(&self.public_url, tenant, r))
            .collect();
        Ok((latest, appointments))
    }

    async fn public(
        &self,
        tenant: &str,
        now: Timestamp,
    ) -> Result<(TenantSlug, Tenant, Vec<PressRelease>)> {
        let (slug, t) = load_tenant(&self.store, tenant).await?;
        let releases = self.store.public_releases(&slug, now).await?;
        Ok((slug, t, releases))
    }

    fn views(&self, tenant: &str, releases: &[PressRelease]) -> Vec<ReleaseView> {
        releases
            .iter()
            .filter_map(|r| ReleaseView::new(&self.public_url, tenant, r))
            .collect()
    }

    /// `/{tenant}/presse`: one year at a time, newest first, in pages.
    pub async fn press_archive(
        &self,
        tenant: &str,
        now: Timestamp,
        year: Option<i16>,
        page: usize,
    ) -> Result<String> {
        let (_, t, releases) = self.public(tenant, now).await?;
        let mut years: Vec<YearLink> = Vec::new();
        for r in &releases {
            let y = r.workflow.number.map_or(0, |n| n.year);
            match years.iter_mut().find(|l| l.year == y) {
                Some(l) => l.count += 1,
                None => years.push(YearLink {
                    year: y,
                    count: 1,
                    current: false,
                }),
            }
        }
        years.sort_by_key(|l| std::cmp::Reverse(l.year));
        let year = match year {
            Some(y) if years.iter().any(|l| l.year == y) => Some(y),
            Some(_) => return Err(PublishError::NotFound),
            None => years.first().map(|l| l.year),
        };
        for l in &mut years {
            l.current = Some(l.year) == year;
        }
        let in_year: Vec<PressRelease> = releases
            .into_iter()
            .filter(|r| r.workflow.number.map(|n| n.year) == year)
            .collect();
        let pages = in_year.len().div_ceil(PAGE_SIZE).max(1);
        if page == 0 || page > pages {
            return Err(PublishError::NotFound);
        }
        let shown = &in_year[(page - 1) * PAGE_SIZE..(page * PAGE_SIZE).min(in_year.len())];
        let items = self.views(tenant, shown);
        self.render(
            "press/archive.html",
            minijinja::context! {
                tenant => TenantView::from(&t), years, year, items, page, pages,
            },
        )
    }

    async fn numbered(
        &self,
        tenant: &str,
        year: i16,
        number: u32,
        now: Timestamp,
    ) -> Result<(Tenant, ReleaseView)> {
        let (slug, t) = load_tenant(&self.store, tenant).await?;
        let release = self
            .store
            .release_by_number(&slug, year, number)
            .await?
            .filter(|r| r.is_public(now))
            .ok_or(PublishError::NotFound)?;
        let view =
            ReleaseView::new(&self.public_url, tenant, &release).ok_or(PublishError::NotFound)?;
        Ok((t, view))
    }

    /// What the address of a withdrawn release says now; `None` for any
    /// other release, so nothing about drafts or embargoes leaks.
    pub async fn withdrawal_note(
        &self,
        tenant: &str,
        year: i16,
        number: u32,
    ) -> Result<Option<String>> {
        let (slug, _) = load_tenant(&self.store, tenant).await?;
        let Some(release) = self.store.release_by_number(&slug, year, number).await? else {
            return Ok(None);
        };
        let w = &release.workflow;
        Ok(match (w.state, w.number, w.withdrawn_at) {
            (kreiskom_core::ReleaseState::Withdrawn, Some(n), Some(at)) => Some(format!(
                "Die Pressemitteilung Nr. {n} wurde am {} zurückgezogen.",
                LocalTime::at(at).civil().date().strftime("%d.%m.%Y")
            )),
            _ => None,
        })
    }

    /// `/{tenant}/presse/{year}/{number}`.
    pub async fn press_release(
        &self,
        tenant: &str,
        year: i16,
        number: u32,
        now: Timestamp,
    ) -> Result<String> {
        let (t, release) = self.numbered(tenant, year, number, now).await?;
        let json_ld = json_ld(&t, &release);
        self.render(
            "press/release.html",
            minijinja::context! { tenant => TenantView::from(&t), release, json_ld },
        )
    }

    /// A release in the workspace, rendered as its public page will be;
    /// `actions` are the workflow steps the viewer may take from there.
    pub async fn release_preview(
        &self,
        tenant: &str,
        release: &PressRelease,
        now: Timestamp,
        actions: serde_json::Value,
    ) -> Result<String> {
        let (_, t) = load_tenant(&self.store, tenant).await?;
        let release = ReleaseView::preview(&self.public_url, tenant, release, now);
        self.render(
            "press/release.html",
            minijinja::context! { tenant => TenantView::from(&t), release, preview => actions },
        )
    }

    /// The plain-text version news agencies take over as it is.
    pub async fn press_text(
        &self,
        tenant: &str,
        year: i16,
        number: u32,
        now: Timestamp,
    ) -> Result<String> {
        let (t, release) = self.numbered(tenant, year, number, now).await?;
        self.render(
            "press/release.txt",
            minijinja::context! { tenant => TenantView::from(&t), release },
        )
    }

    /// `/{tenant}/presse/feed.atom`: the newest releases.
    pub async fn press_feed(&self, tenant: &str, now: Timestamp) -> Result<String> {
        let (_, t, releases) = self.public(tenant, now).await?;
        let items = self.views(tenant, &releases[..releases.len().min(50)]);
        let updated = items.first().map_or_else(
            || "1970-01-01T00:00:00Z".to_owned(),
            |i| i.released_at.clone(),
        );
        let base = &self.public_url;
        self.render(
            "press/feed.xml",
            minijinja::context! { tenant => TenantView::from(&t), items, updated, base },
        )
    }

    /// `/{tenant}/termine.ics`: the media appointments of released releases.
    pub async fn appointments(&self, tenant: &str, now: Timestamp) -> Result<String> {
        use icalendar::{Calendar, Component, Event, EventLike};
        let (_, t, releases) = self.public(tenant, now).await?;
        let host = self.public_host();
        let utc =
            |ts: Timestamp| chrono::DateTime::from_timestamp(ts.as_second(), 0).unwrap_or_default();
        let mut calendar = Calendar::new();
        // icalendar escapes SUMMARY, DESCRIPTION and LOCATION but writes
        // NAME as given.
        calendar.name(&ical_text(&format!("Pressetermine {}", t.name)));
        for r in &releases {
            let (Some(a), Some(view)) = (
                &r.appointment,
                ReleaseView::new(&self.public_url, tenant, r),
            ) else {
                continue;
            };
            let end = a.end.map_or(
                a.start.instant() + jiff::SignedDuration::from_hours(1),
                |e| e.instant(),
            );
            let location = [
                a.room.clone(),
                Some(format!(
                    "{}, {} {}",
                    a.address.street, a.address.postal_code, a.address.city
                )),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
            let mut description = format!("Pressemitteilung Nr. {}: {}", view.number, view.url);
            if let Some(who) = &a.available {
                description = format!("Für die Medien stehen zur Verfügung: {who}\n{description}");
            }
            calendar.push(
                Event::new()
                    .uid(&format!("{}-{}@{host}", tenant, r.slug()))
                    .timestamp(utc(r.workflow.released_at.unwrap_or(now)))
                    .summary(&format!("Pressetermin: {}", r.title))
                    .description(&description)
                    .location(&location)
                    .starts(utc(a.start.instant()))
                    .ends(utc(end))
                    .url(&view.url)
                    .done(),
            );
        }
        Ok(calendar.done().to_string())
    }

    /// `/{tenant}/sitemap.xml`: the tenant's public pages.
    pub async fn sitemap(&self, tenant: &str, now: Timestamp) -> Result<String> {
        let base = &self.public_url;
        let urls: Vec<String> = self
            .public_paths(tenant, now)
            .await?
            .into_iter()
            .map(|p| format!("{base}{p}"))
            .collect();
        self.render("site/sitemap.xml", minijinja::context! { urls })
    }

    /// The paths of a tenant's public pages (`/goslar/kontakt`): the
    /// sitemap, and what internal links may lead to.
    pub async fn public_paths(&self, tenant: &str, now: Timestamp) -> Result<Vec<String>> {
        let (_, t, releases) = self.public(tenant, now).await?;
        let mut paths: Vec<String> = [
            "/",
            "/partnerschaften",
            "/kommunikation",
            "/kontakt",
            "/presse",
        ]
        .iter()
        .map(|p| format!("/{tenant}{p}"))
        .collect();
        let legal = crate::views::legal_kinds(&self.store, &t.slug).await?;
        paths.extend(legal.iter().map(|k| format!("/{tenant}/{}", k.path())));
        for p in crate::views::public_partnerships(&self.store, &t).await? {
            let page = format!("/{tenant}/partnerschaften/{}", p.slug);
            paths.extend(
                p.translations
                    .iter()
                    .map(|t| format!("{page}/{}", t.lang.code())),
            );
            paths.push(page);
        }
        for (page, path) in crate::views::content_pages(&self.store, &t.slug).await? {
            if page.easy_language.is_some() {
                paths.push(format!(
                    "{path}/{}",
                    kreiskom_core::page::EASY_LANGUAGE_PATH
                ));
            }
            paths.push(path);
        }
        let base = &self.public_url;
        paths.extend(self.views(tenant, &releases).into_iter().map(|v| {
            v.url
                .strip_prefix(base.as_str())
                .unwrap_or(&v.url)
                .to_owned()
        }));
        Ok(paths)
    }

    /// The public inquiry form, or its confirmation once sent.
    pub async fn inquiry_page(&self, tenant: &str, view: serde_json::Value) -> Result<String> {
        let (_, t) = load_tenant(&self.store, tenant).await?;
        self.render(
            "press/inquiry.html",
            minijinja::context! { tenant => TenantView::from(&t), ..minijinja::Value::from_serialize(&view) },
        )
    }

    /// `state`: "confirm", "done" or "unknown".
    pub async fn unsubscribe_page(
        &self,
        tenant: &str,
        state: &str,
        name: Option<&str>,
    ) -> Result<String> {
        let (_, t) = load_tenant(&self.store, tenant).await?;
        self.render(
            "press/unsubscribe.html",
            minijinja::context! { tenant => TenantView::from(&t), state, name },
        )
    }

    /// The mail a journalist receives: (subject, plain text, HTML).
    pub async fn release_mail(
        &self,
        tenant: &TenantSlug,
        release: &PressRelease,
        unsubscribe_url: &str,
    ) -> Result<(String, String, String)> {
        let (_, t) = load_tenant(&self.store, tenant.as_str()).await?;
        let release = ReleaseView::new(&self.public_url, tenant.as_str(), release)
            .ok_or(PublishError::NotFound)?;
        let subject = format!("Pressemitteilung Nr. {}: {}", release.number, release.title);
        let ctx = minijinja::context! {
            tenant => TenantView::from(&t), release, unsubscribe_url,
        };
        Ok((
            subject,
            self.render("press/release.txt", &ctx)?,
            self.render("mail/release.html", &ctx)?,
        ))
    }
}

/// An iCal TEXT value (RFC 5545, 3.3.11) for a property the icalendar
/// crate does not escape: a line break or `;` cannot start a property.
fn ical_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' | ';' | ',' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::ical_text;

    #[test]
    fn ical_text_cannot_start_a_new_property() {
        assert_eq!(
            ical_text("Harz\r\nBEGIN:VEVENT"),
            "Harz \\nBEGIN:VEVENT",
            "CR is dropped, LF escaped: still one line"
        );
        assert_eq!(
            ical_text("Goslar; Harz, Stade\\"),
            "Goslar\\; Harz\\, Stade\\\\"
        );
        assert_eq!(ical_text("Spree-Neiße"), "Spree-Neiße");
    }
}
