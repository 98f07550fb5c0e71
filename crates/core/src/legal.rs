//! What a German authority's site must carry: Impressum (§ 5 DDG),
//! Datenschutzerklärung, Erklärung zur Barrierefreiheit with a way to give
//! feedback, and where the Land asks for it, explanations in Leichte
//! Sprache and in Deutscher Gebärdensprache. Each is a page per tenant,
//! kept up to date by the web editors and reviewed once a year.

use jiff::civil::Date;
use jiff::ToSpan;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::date::PartialDate;
use crate::doubt::Doubt;
use crate::record::{record_basics, Kind, Record, Reference};
use crate::slug::{FeedbackSlug, LegalPageSlug};
use crate::time::LocalTime;
use crate::validation::{Errors, FieldError};

const LINE: usize = 300;
const TEXT: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LegalKind {
    /// Impressum (§ 5 DDG).
    Imprint,
    /// Datenschutzerklärung (Art. 13 DSGVO).
    Privacy,
    /// Erklärung zur Barrierefreiheit (BITV 2.0 § 7 and the Länder laws).
    Accessibility,
    /// Explanations in Leichte Sprache.
    EasyLanguage,
    /// Explanations in Deutscher Gebärdensprache: a video, the page's text
    /// as its alternative.
    SignLanguage,
}

impl LegalKind {
    pub const ALL: [LegalKind; 5] = [
        Self::Imprint,
        Self::Privacy,
        Self::Accessibility,
        Self::EasyLanguage,
        Self::SignLanguage,
    ];

    /// The page's address below the tenant, and the record's slug.
    pub fn path(self) -> &'static str {
        match self {
            Self::Imprint => "impressum",
            Self::Privacy => "datenschutz",
            Self::Accessibility => "barrierefreiheit",
            Self::EasyLanguage => "leichte-sprache",
            Self::SignLanguage => "gebaerdensprache",
        }
    }

    pub fn from_path(path: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.path() == path)
    }

    /// The usual German title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Imprint => "Impressum",
            Self::Privacy => "Datenschutzerklärung",
            Self::Accessibility => "Erklärung zur Barrierefreiheit",
            Self::EasyLanguage => "Leichte Sprache",
            Self::SignLanguage => "Gebärdensprache",
        }
    }
}

/// One legal page of a tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalPage {
    /// The page's address: `impressum`, `datenschutz`, `barrierefreiheit`,
    /// `leichte-sprache` or `gebaerdensprache`, as its kind says.
    pub slug: LegalPageSlug,
    pub kind: LegalKind,
    pub title: String,
    /// Markdown.
    pub body: String,
    /// The day of the last review ("2026-03-15"); a year later the next
    /// one is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed: Option<PartialDate>,
    /// Sign language: the video's address on this site (`/media/…`); the
    /// body is its text alternative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<String>,
    /// Written for the demo: the page says so, and it is no legal text.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub demo: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

impl LegalPage {
    /// The day the yearly review falls due; without a review, at once.
    pub fn review_due(&self) -> Option<Date> {
        match self.reviewed {
            Some(PartialDate::Day(day)) => day.checked_add(1.year()).ok(),
            _ => None,
        }
    }

    pub fn review_is_due(&self, today: Date) -> bool {
        self.review_due().is_none_or(|due| due <= today)
    }
}

impl Record for LegalPage {
    record_basics!(Kind::LegalPage, title);

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        if self.slug.as_str() != self.kind.path() {
            e.add(
                "slug",
                format!(
                    "muss „{}“ lauten: Die Adresse der Seite folgt aus ihrer Art",
                    self.kind.path()
                ),
            );
        }
        e.text("title", &self.title, LINE);
        e.text("body", &self.body, TEXT);
        if let Some(d) = &self.reviewed {
            if !matches!(d, PartialDate::Day(_)) {
                e.add(
                    "reviewed",
                    "braucht einen Tag (z. B. 2026-03-15), damit die nächste Überprüfung berechnet werden kann",
                );
            }
        }
        match &self.video {
            Some(v) if !v.starts_with('/') || v.starts_with("//") => e.add(
                "video",
                "muss eine Adresse auf dieser Website sein (z. B. /media/…): Ein fremdes Video erführe von jedem Besuch",
            ),
            Some(_) if self.kind != LegalKind::SignLanguage => {
                e.add("video", "gehört nur zur Seite in Gebärdensprache")
            }
            _ => {}
        }
        e.optional_text("video", &self.video, LINE);
        e.doubts(&self.doubts);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        vec![]
    }
}

/// What the Land's accessibility law asks of its districts' sites, kept on
/// the Land's region: where people turn when a district does not answer
/// their feedback, and whether the start page must explain itself in
/// Leichte Sprache and Gebärdensprache.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessibilityRules {
    /// The Land's Durchsetzungs- or Schlichtungsstelle.
    pub office: String,
    pub office_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office_email: Option<String>,
    /// The law in force, e.g. "Niedersächsisches Behindertengleichstellungsgesetz (NBGG)".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub law: Option<String>,
    /// The start page must offer Leichte Sprache and Gebärdensprache.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub easy_language: bool,
}

impl AccessibilityRules {
    pub(crate) fn check(&self, e: &mut Errors) {
        e.text("accessibility.office", &self.office, LINE);
        e.url("accessibility.office_url", &Some(self.office_url.clone()));
        e.email("accessibility.office_email", &self.office_email);
        e.optional_text("accessibility.law", &self.law, LINE);
    }
}

/// Feedback on the site's accessibility, from the form on the Erklärung
/// zur Barrierefreiheit: the district must answer it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    pub slug: FeedbackSlug,
    pub received: LocalTime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The page the feedback is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    pub message: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub answered: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

impl Record for Feedback {
    record_basics!(Kind::Feedback);

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        e.optional_text("name", &self.name, LINE);
        e.email("email", &self.email);
        e.optional_text("page", &self.page, LINE);
        e.text("message", &self.message, 20_000);
        e.optional_text("answer", &self.answer, 20_000);
        e.doubts(&self.doubts);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        vec![]
    }

    fn title(&self) -> String {
        let m: String = self.message.chars().take(60).collect();
        match &self.name {
            Some(n) => format!("{n}: {m}"),
            None => m,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(kind: LegalKind, reviewed: Option<&str>) -> LegalPage {
        LegalPage {
            slug: LegalPageSlug::parse(kind.path()).unwrap(),
            kind,
            title: kind.title().into(),
            body: "Text".into(),
            reviewed: reviewed.map(|r| PartialDate::parse(r).unwrap()),
            video: None,
            demo: false,
            doubts: vec![],
        }
    }

    #[test]
    fn the_review_is_due_a_year_after_the_last() {
        let p = page(LegalKind::Accessibility, Some("2025-12-02"));
        let day = |y, m, d| jiff::civil::date(y, m, d);
        assert_eq!(p.review_due(), Some(day(2026, 12, 2)));
        assert!(!p.review_is_due(day(2026, 12, 1)));
        assert!(p.review_is_due(day(2026, 12, 2)));
        assert!(page(LegalKind::Imprint, None).review_is_due(day(2020, 1, 1)));
    }

    #[test]
    fn slug_follows_the_kind_and_review_needs_a_day() {
        let mut p = page(LegalKind::Privacy, Some("2026"));
        p.slug = LegalPageSlug::parse("impressum").unwrap();
        p.video = Some("https://video.example/dgs.mp4".into());
        let fields: Vec<String> = p.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["slug", "reviewed", "video"]);
        let mut dgs = page(LegalKind::SignLanguage, Some("2026-01-05"));
        dgs.video = Some("/media/dgs.mp4".into());
        assert!(dgs.validate().is_empty());
    }
}
