//! The print office's records: forms (Vordrucke), lists of participants
//! for name badges, and print orders; and the DIN 5008 form of phone
//! numbers that every printed contact uses.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::doubt::Doubt;
use crate::record::{record_basics, ref_opt, refs_list, Kind, Record, Reference};
use crate::slug::{
    ActivitySlug, ParticipantListSlug, PersonSlug, PressReleaseSlug, PrintFormSlug, PrintOrderSlug,
    RegionSlug, UnitSlug,
};
use crate::validation::{Errors, FieldError};

const NAME: usize = 300;
const TEXT: usize = 20_000;

/// What a field of a form asks for, and so how much room it gets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FormFieldKind {
    /// One line of writing.
    #[default]
    Text,
    /// Several lines (a reason, a description).
    Lines,
    /// A date, with the hint TT.MM.JJJJ.
    Date,
    /// A box to tick.
    Checkbox,
    /// Place, date and signature.
    Signature,
}

/// How much of the line a field takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FormFieldWidth {
    #[default]
    Full,
    Half,
    Third,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormField {
    /// "Name, Vorname".
    pub label: String,
    #[serde(default)]
    pub kind: FormFieldKind,
    #[serde(default)]
    pub width: FormFieldWidth,
    #[serde(default)]
    pub required: bool,
}

/// Vordruck: a printable form, defined by its fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintForm {
    pub slug: PrintFormSlug,
    pub title: String,
    /// The form's number in the office's register ("FD 31-07").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The unit that issues the form and receives it back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitSlug>,
    /// A note above the fields (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<String>,
    pub fields: Vec<FormField>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

impl Record for PrintForm {
    record_basics!(Kind::PrintForm, title);

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        e.line("title", &self.title, 200);
        if let Some(n) = &self.number {
            e.line("number", n, 40);
        }
        e.optional_text("intro", &self.intro, TEXT);
        if self.fields.is_empty() {
            e.add("fields", "ein Vordruck braucht mindestens ein Feld");
        }
        for (i, f) in self.fields.iter().enumerate() {
            e.line(&format!("fields.{i}.label"), &f.label, 120);
        }
        e.doubts(&self.doubts);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        let mut out = Vec::new();
        ref_opt(&mut out, "unit", Kind::Unit, &self.unit);
        out
    }
}

/// One person on a list of participants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    pub name: String,
    /// "Starost", "Bürgermeisterin".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The school, association or office the person comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// The region the person comes from (the partner region of a
    /// delegation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<RegionSlug>,
}

/// Teilnehmerliste: who takes part in an event or exchange, for name
/// badges. Personal data: only those who keep it may read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantList {
    pub slug: ParticipantListSlug,
    /// "Besuch der Delegation aus Końskie".
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<ActivitySlug>,
    pub participants: Vec<Participant>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

impl Record for ParticipantList {
    record_basics!(Kind::ParticipantList, title);

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        e.line("title", &self.title, 200);
        for (i, p) in self.participants.iter().enumerate() {
            e.line(&format!("participants.{i}.name"), &p.name, NAME);
            for (field, value) in [("role", &p.role), ("organisation", &p.organisation)] {
                if let Some(v) = value {
                    e.line(&format!("participants.{i}.{field}"), v, NAME);
                }
            }
        }
        e.doubts(&self.doubts);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        let mut out = Vec::new();
        ref_opt(&mut out, "activity", Kind::Activity, &self.activity);
        for (i, p) in self.participants.iter().enumerate() {
            ref_opt(
                &mut out,
                &format!("participants.{i}.region"),
                Kind::Region,
                &p.region,
            );
        }
        out
    }
}

/// What the print office is asked to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrintProduct {
    BusinessCards,
    NameBadges,
    PressRelease,
    Form,
}

/// Where an order stands in the print office's queue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrintOrderState {
    #[default]
    Ordered,
    /// The proof was checked and is ready to print.
    ProofChecked,
    Printed,
}

/// Druckauftrag: a staff member's order, worked off by the print office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintOrder {
    pub slug: PrintOrderSlug,
    /// "Visitenkarten Fachdienst Wirtschaftsförderung".
    pub title: String,
    pub product: PrintProduct,
    /// Business cards for these people …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<PersonSlug>,
    /// … or for everyone of this unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitSlug>,
    /// Name badges for the people on this list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participant_list: Option<ParticipantListSlug>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<PressReleaseSlug>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<PrintFormSlug>,
    /// Copies of each card, badge or page.
    #[serde(default = "one")]
    pub copies: u32,
    /// Who ordered it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordered_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default)]
    pub state: PrintOrderState,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

fn one() -> u32 {
    1
}

/// More copies than a print office makes in a run by hand.
pub const MAX_COPIES: u32 = 5_000;

impl Record for PrintOrder {
    record_basics!(Kind::PrintOrder, title);

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        e.line("title", &self.title, 200);
        if let Some(o) = &self.ordered_by {
            e.line("ordered_by", o, NAME);
        }
        e.optional_text("note", &self.note, TEXT);
        if self.copies == 0 || self.copies > MAX_COPIES {
            e.add("copies", format!("muss zwischen 1 und {MAX_COPIES} liegen"));
        }
        match self.product {
            PrintProduct::BusinessCards if self.people.is_empty() && self.unit.is_none() => e.add(
                "people",
                "Visitenkarten brauchen Personen oder eine Organisationseinheit",
            ),
            PrintProduct::NameBadges if self.participant_list.is_none() => e.add(
                "participant_list",
                "Namensschilder brauchen eine Teilnehmerliste",
            ),
            PrintProduct::PressRelease if self.release.is_none() => {
                e.add("release", "welche Pressemitteilung soll gedruckt werden?")
            }
            PrintProduct::Form if self.form.is_none() => {
                e.add("form", "welcher Vordruck soll gedruckt werden?")
            }
            _ => {}
        }
        e.doubts(&self.doubts);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        let mut out = Vec::new();
        refs_list(&mut out, "people", Kind::Person, &self.people);
        ref_opt(&mut out, "unit", Kind::Unit, &self.unit);
        ref_opt(
            &mut out,
            "participant_list",
            Kind::ParticipantList,
            &self.participant_list,
        );
        ref_opt(&mut out, "release", Kind::PressRelease, &self.release);
        ref_opt(&mut out, "form", Kind::PrintForm, &self.form);
        out
    }
}

/// A phone or fax number as DIN 5008 writes it: the area code, a space,
/// the number as one block, and an extension after a hyphen where the
/// switchboard is known ("03941/ 59 70 42 03" with the switchboard
/// "03941 5970-0" becomes "03941 5970-4203"). International numbers keep
/// their "+": "+48 41 3902100". A number whose area code cannot be told
/// is only rid of its separators.
pub fn din5008(number: &str, switchboard: Option<&str>) -> String {
    let Some((area, local)) = split_area(number) else {
        return number.split_whitespace().collect();
    };
    if let Some((base_area, base)) = switchboard.and_then(switchboard_base) {
        if base_area == area && local.len() > base.len() && local.starts_with(&base) {
            return format!("{area} {base}-{}", &local[base.len()..]);
        }
    }
    format!("{area} {local}")
}

/// "03941/ 59 70 42 03", "(03941) 5970 4203", "03941 5970-4203",
/// "+49 3941 59704203" → the area code and the local number (a hyphen
/// kept where the source separates an extension).
fn split_area(number: &str) -> Option<(String, String)> {
    let n = number.trim();
    let digits = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_digit() || *c == '-')
            .collect()
    };
    if let Some(rest) = n.strip_prefix('+') {
        let mut parts = rest.split_whitespace();
        let country = parts.next()?;
        let area = parts.next()?;
        let local = digits(&parts.collect::<String>());
        return (!local.is_empty()).then(|| (format!("+{country} {area}"), local));
    }
    let (area, local) = if let Some(rest) = n.strip_prefix('(') {
        rest.split_once(')')?
    } else if let Some(split) = n.split_once('/') {
        split
    } else {
        n.split_once(' ')?
    };
    let area = digits(area);
    let local = digits(local);
    (area.starts_with('0') && area.len() >= 3 && !local.is_empty()).then_some((area, local))
}

/// "03941 5970-0" → ("03941", "5970").
fn switchboard_base(switchboard: &str) -> Option<(String, String)> {
    let (area, local) = split_area(switchboard)?;
    let (base, _) = local.split_once('-')?;
    Some((area, base.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_take_the_din_5008_form() {
        let harz = Some("03941 5970-0");
        assert_eq!(din5008("03941/ 59 70 42 03", harz), "03941 5970-4203");
        assert_eq!(din5008("03941/ 59 70 67 83", harz), "03941 5970-6783");
        assert_eq!(
            din5008("03941/ 59 70 42 03", None),
            "03941 59704203",
            "without the switchboard the extension cannot be told"
        );
        assert_eq!(din5008("(04141) 12-0", None), "04141 12-0");
        assert_eq!(
            din5008("03941/ 59 70 42 03", Some("04141 12-0")),
            "03941 59704203",
            "another district's switchboard changes nothing"
        );
        assert_eq!(din5008("+48 41 390 21 00", None), "+48 41 3902100");
        assert_eq!(din5008("0394159704203", None), "0394159704203");
    }

    fn order(product: PrintProduct) -> PrintOrder {
        PrintOrder {
            slug: PrintOrderSlug::parse("visitenkarten").unwrap(),
            title: "Visitenkarten".into(),
            product,
            people: vec![],
            unit: None,
            participant_list: None,
            release: None,
            form: None,
            copies: 1,
            ordered_by: None,
            note: None,
            state: PrintOrderState::Ordered,
            doubts: vec![],
        }
    }

    #[test]
    fn an_order_names_what_to_print() {
        let fields =
            |o: &PrintOrder| -> Vec<String> { o.validate().into_iter().map(|e| e.field).collect() };
        assert_eq!(fields(&order(PrintProduct::BusinessCards)), ["people"]);
        assert_eq!(
            fields(&order(PrintProduct::NameBadges)),
            ["participant_list"]
        );
        assert_eq!(fields(&order(PrintProduct::PressRelease)), ["release"]);
        let mut cards = order(PrintProduct::BusinessCards);
        cards.unit = Some(UnitSlug::parse("pressestelle").unwrap());
        assert!(fields(&cards).is_empty());
        cards.copies = 0;
        cards.title = "Karten\r\nBcc: x".into();
        assert_eq!(fields(&cards), ["title", "copies"]);
    }

    #[test]
    fn a_form_needs_fields_with_labels() {
        let mut form = PrintForm {
            slug: PrintFormSlug::parse("antrag").unwrap(),
            title: "Antrag".into(),
            number: None,
            unit: None,
            intro: None,
            fields: vec![],
            doubts: vec![],
        };
        assert_eq!(form.validate()[0].field, "fields");
        form.fields.push(FormField {
            label: " ".into(),
            kind: FormFieldKind::Text,
            width: FormFieldWidth::Full,
            required: true,
        });
        assert_eq!(form.validate()[0].field, "fields.0.label");
    }
}
