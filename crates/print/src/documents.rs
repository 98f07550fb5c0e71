//! What each document shows, as its template reads it from `/data.json`.

use kreiskom_core::{FormFieldKind, FormFieldWidth};
use serde::Serialize;
use serde_json::json;

use crate::markdown::blocks;
use crate::{Pdf, PrintError, Printer};

/// The tenant's corporate design: name, colour, logo and address block.
#[derive(Debug, Clone, Serialize)]
pub struct Design {
    /// The tenant's slug, which picks its own templates.
    pub tenant: String,
    /// "Landkreis Harz".
    pub name: String,
    /// `#RRGGBB`.
    pub colour: String,
    /// "Friedrich-Ebert-Straße 42", "38820 Halberstadt".
    pub address: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// The logo's file name and bytes (PNG, JPEG or SVG).
    #[serde(skip)]
    pub logo: Option<(String, Vec<u8>)>,
}

impl Design {
    fn data(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).expect("plain data serialises");
        v["logo"] = self
            .logo
            .as_ref()
            .map_or(serde_json::Value::Null, |(name, _)| {
                json!(format!("/{name}"))
            });
        v
    }

    fn logo(&self) -> Option<(&str, &[u8])> {
        self.logo.as_ref().map(|(n, b)| (n.as_str(), b.as_slice()))
    }
}

/// One person's business card.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    /// Names the record in messages: "Person „anna-nowak“".
    pub record: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub address: Vec<String>,
    /// DIN 5008 already.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fax: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardLayout {
    /// One card of 85 × 55 mm per page.
    Single,
    /// Ten cards per A4 sheet, with crop marks, for the print shop.
    Sheet,
}

/// Cards on an A4 sheet.
pub const CARDS_PER_SHEET: usize = 10;
/// Badges on an A4 sheet.
pub const BADGES_PER_SHEET: usize = 10;

/// One participant's name badge.
#[derive(Debug, Clone, Serialize)]
pub struct Badge {
    pub record: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// "Powiat Końskie".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// A press release as a letter.
#[derive(Debug, Clone, Serialize)]
pub struct Letter {
    /// "150/14".
    pub number: String,
    /// "01.07.2014".
    pub date: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// Markdown.
    #[serde(skip)]
    pub body: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment: Option<LetterAppointment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LetterAppointment {
    /// "Dienstag, 01.07.2014, 13:00 Uhr".
    pub when: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    pub address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available: Option<String>,
}

/// A form (Vordruck) to print.
#[derive(Debug, Clone, Serialize)]
pub struct FormSheet {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Markdown.
    #[serde(skip)]
    pub intro: Option<String>,
    pub fields: Vec<FormSheetField>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FormSheetField {
    pub label: String,
    /// The template reads it as "text", "lines", "date", "checkbox" or
    /// "signature".
    pub kind: FormFieldKind,
    /// "full", "half" or "third".
    pub width: FormFieldWidth,
    pub required: bool,
}

impl Printer {
    /// Business cards, one per entry of `cards` (repeat an entry for more
    /// of the same). A line too long for the card is set smaller, down to
    /// a size still readable; beyond that the card is refused with a
    /// message naming its record.
    pub fn business_cards(
        &self,
        design: &Design,
        cards: &[Card],
        layout: CardLayout,
    ) -> Result<Pdf, PrintError> {
        let data = json!({
            "design": design.data(),
            "cards": cards,
            "sheet": layout == CardLayout::Sheet,
            "title": format!("Visitenkarten – {}", design.name),
        });
        self.render("cards.typ", &design.tenant, &data, design.logo(), false)
    }

    /// Name badges on A4 sheets with crop marks; `event` heads each badge.
    pub fn name_badges(
        &self,
        design: &Design,
        event: &str,
        badges: &[Badge],
    ) -> Result<Pdf, PrintError> {
        let data = json!({
            "design": design.data(),
            "event": event,
            "badges": badges,
            "title": format!("Namensschilder – {event}"),
        });
        self.render("badges.typ", &design.tenant, &data, design.logo(), false)
    }

    /// A press release as an A4 letter in the corporate design, tagged
    /// for screen readers (PDF/UA-1).
    pub fn release(&self, design: &Design, letter: &Letter) -> Result<Pdf, PrintError> {
        let mut l = serde_json::to_value(letter).expect("plain data serialises");
        l["body"] = blocks(&letter.body);
        let data = json!({ "design": design.data(), "release": l });
        self.render("release.typ", &design.tenant, &data, design.logo(), true)
    }

    /// A form on A4, tagged for screen readers (PDF/UA-1).
    pub fn form(&self, design: &Design, form: &FormSheet) -> Result<Pdf, PrintError> {
        let mut f = serde_json::to_value(form).expect("plain data serialises");
        f["intro"] = form
            .intro
            .as_deref()
            .map_or(serde_json::Value::Array(vec![]), blocks);
        let data = json!({ "design": design.data(), "form": f });
        self.render("form.typ", &design.tenant, &data, design.logo(), true)
    }
}
