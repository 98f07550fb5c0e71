//! Free content pages of a tenant's site (`/{tenant}/seiten/{path}`),
//! kept current by the web editors: each has a responsible unit and a review
//! interval, and its place in the navigation tree through `parent`.
//! Earlier versions are the audit log's, so nothing is kept twice.

use jiff::civil::Date;
use jiff::ToSpan;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::date::PartialDate;
use crate::doubt::Doubt;
use crate::record::{record_basics, ref_opt, Kind, Record, Reference};
use crate::slug::{PageSlug, UnitSlug};
use crate::validation::{Errors, FieldError};

/// The address of a page's Leichte Sprache version below its own, which
/// no page may take as its slug.
pub const EASY_LANGUAGE_PATH: &str = "leichte-sprache";

fn twelve() -> u16 {
    12
}

fn is_twelve(n: &u16) -> bool {
    *n == 12
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// The last part of its address; the parents' slugs come before it.
    pub slug: PageSlug,
    pub title: String,
    /// Markdown.
    pub body: String,
    /// The same content in Leichte Sprache (Markdown), shown at
    /// `…/leichte-sprache` below the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub easy_language: Option<String>,
    /// The page above it in the navigation; none for a top-level page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<PageSlug>,
    /// Its place among its siblings, from 1; without one, after them by
    /// title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<u32>,
    /// The unit that keeps the page current (the web editorial team, a
    /// department); its dashboard lists the page when it falls due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible: Option<UnitSlug>,
    /// How often the page is to be reviewed, in months.
    #[serde(default = "twelve", skip_serializing_if = "is_twelve")]
    pub review_months: u16,
    /// The day of the last review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

impl Page {
    /// The day the next review falls due; None when it never was reviewed
    /// (due at once).
    pub fn review_due(&self) -> Option<Date> {
        let day = match self.reviewed? {
            PartialDate::Day(day) => day,
            other => other.last_day(),
        };
        day.checked_add(i64::from(self.review_months).months()).ok()
    }

    pub fn review_is_due(&self, today: Date) -> bool {
        self.review_due().is_none_or(|due| due <= today)
    }
}

impl Record for Page {
    record_basics!(Kind::Page, title);
    const PARENT: Option<&'static str> = Some("parent");

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        if self.slug.as_str() == EASY_LANGUAGE_PATH {
            e.add(
                "slug",
                "„leichte-sprache“ ist die Adresse der Fassung in Leichter Sprache und kann keine Seite sein",
            );
        }
        e.text("title", &self.title, 200);
        e.text("body", &self.body, 100_000);
        e.optional_text("easy_language", &self.easy_language, 100_000);
        if self.parent.as_ref() == Some(&self.slug) {
            e.add("parent", "eine Seite kann nicht unter sich selbst stehen");
        }
        if !(1..=60).contains(&self.review_months) {
            e.add("review_months", "muss zwischen 1 und 60 Monaten liegen");
        }
        e.doubts(&self.doubts);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        let mut out = Vec::new();
        ref_opt(&mut out, "parent", Kind::Page, &self.parent);
        ref_opt(&mut out, "responsible", Kind::Unit, &self.responsible);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn page() -> Page {
        serde_json::from_value(serde_json::json!({
            "slug": "wirtschaft", "title": "Wirtschaft", "body": "Text",
            "reviewed": "2025-11-30", "review_months": 6,
        }))
        .unwrap()
    }

    #[test]
    fn the_review_falls_due_after_its_interval() {
        let p = page();
        assert_eq!(p.review_due(), Some(date(2026, 5, 30)));
        assert!(!p.review_is_due(date(2026, 5, 29)));
        assert!(p.review_is_due(date(2026, 5, 30)));
        let never = Page {
            reviewed: None,
            ..page()
        };
        assert!(never.review_is_due(date(2020, 1, 1)));
        // A review dated by its month counts from the month's end.
        let month = Page {
            reviewed: Some(PartialDate::Month {
                year: 2026,
                month: 1,
            }),
            review_months: 12,
            ..page()
        };
        assert_eq!(month.review_due(), Some(date(2027, 1, 31)));
    }

    #[test]
    fn a_page_is_refused_where_its_address_would_clash() {
        let mut p = page();
        p.slug = PageSlug::parse("leichte-sprache").unwrap();
        p.parent = Some(p.slug.clone());
        p.review_months = 0;
        let fields: Vec<String> = p.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["slug", "parent", "review_months"]);
    }
}
