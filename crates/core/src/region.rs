//! Gebietskörperschaften: districts, towns and their foreign counterparts.

use std::borrow::Cow;
use std::fmt;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

use crate::date::PartialDate;
use crate::doubt::Doubt;
use crate::record::{ref_opt, Kind, Record, Reference};
use crate::slug::RegionSlug;
use crate::validation::{Errors, FieldError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegionKind {
    /// Landkreis (Germany).
    District,
    /// Kreisfreie Stadt.
    UrbanDistrict,
    /// Stadt, town or city anywhere.
    Town,
    /// Gemeinde, commune, gmina.
    Municipality,
    /// Ortsteil or village belonging to a municipality.
    Locality,
    /// Bundesland.
    State,
    Powiat,
    Voivodeship,
    Departement,
    Judet,
    /// Danish kommune.
    Kommune,
    Canton,
    /// A historical or cultural region (Schlesien, Franche-Comté).
    Region,
}

/// ISO 3166-1 alpha-2.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Ländercode „{0}“ ist ungültig: erwartet zwei Großbuchstaben nach ISO 3166 (z. B. DE, PL)")]
pub struct CountryError(pub String);

impl CountryCode {
    pub fn parse(s: &str) -> Result<Self, CountryError> {
        if s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(s.to_owned()))
        } else {
            Err(CountryError(s.to_owned()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CountryCode {
    type Error = CountryError;
    fn try_from(s: String) -> Result<Self, CountryError> {
        Self::parse(&s)
    }
}
impl From<CountryCode> for String {
    fn from(c: CountryCode) -> String {
        c.0
    }
}
impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl JsonSchema for CountryCode {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "CountryCode".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "pattern": "^[A-Z]{2}$"})
    }
}

/// A name in one language; a region has one per language it is known in
/// (Landkreis Trebnitz / Powiat trzebnicki).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionName {
    /// ISO 639-1 language code, e.g. `de`, `pl`.
    pub lang: String,
    pub name: String,
    /// The gender of a name that takes an article in German ("die
    /// Franche-Comté", "das Territoire de Belfort"). Without it, a name
    /// that opens with a kind word ("Landkreis", "Stadt") takes that word's
    /// gender, and any other name is used without an article ("Trebnitz").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
}

/// Grammatical gender, for the article a German name takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Masculine,
    Feminine,
    Neuter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    Population,
    AreaKm2,
    /// Inhabitants per km².
    PopulationDensity,
    /// Ortschaften (settlements) of any status.
    Localities,
    Towns,
    Municipalities,
}

/// A figure about a region, with the year it refers to and its source:
/// population figures without a year are worth little.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionFact {
    pub kind: FactKind,
    #[serde(serialize_with = "crate::validation::whole_or_fraction")]
    pub value: f64,
    /// The source says "etwa" or "rund".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub approximate: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Coordinates {
    pub lat: f64,
    pub lon: f64,
}

/// Where a region went in a territorial reform (Purhus → Randers 2007).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Succession {
    pub region: RegionSlug,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub slug: RegionSlug,
    pub kind: RegionKind,
    pub country: CountryCode,
    /// The first name is the one shown to German readers.
    pub names: Vec<RegionName>,
    /// Other spellings the region is known by (a historic name, the
    /// spelling of an imported list), so that an import finds it again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seat: Option<RegionSlug>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<RegionSlug>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<RegionFact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinates: Option<Coordinates>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub successors: Vec<Succession>,
    /// The region's item in Wikidata (`Q1140596`), to compare its
    /// twinnings with Wikidata's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wikidata: Option<String>,
    /// Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Pictures of the region (landscape, its coat of arms) from the media
    /// library, shown where the region is described.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<crate::Image>,
    /// For a Land: what its accessibility law asks of its districts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessibility: Option<crate::AccessibilityRules>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

impl Region {
    /// The German name, else the first one.
    pub fn name(&self) -> &str {
        self.name_in("de")
            .unwrap_or_else(|| self.names.first().map_or("", |n| n.name.as_str()))
    }

    pub fn name_in(&self, lang: &str) -> Option<&str> {
        self.names
            .iter()
            .find(|n| n.lang == lang)
            .map(|n| n.name.as_str())
    }

    /// The names in other languages than German, for "Landkreis Trebnitz
    /// (Powiat trzebnicki)".
    pub fn other_names(&self) -> Vec<&RegionName> {
        let main = self.name();
        self.names.iter().filter(|n| n.name != main).collect()
    }

    pub fn fact(&self, kind: FactKind) -> Option<&RegionFact> {
        self.facts.iter().find(|f| f.kind == kind)
    }
}

impl Record for Region {
    const KIND: Kind = Kind::Region;
    const PARENT: Option<&'static str> = Some("parent");

    fn slug(&self) -> &str {
        self.slug.as_str()
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        if self.names.is_empty() {
            e.add("names", "mindestens ein Name ist nötig");
        }
        for (i, n) in self.names.iter().enumerate() {
            if n.lang.len() != 2 || !n.lang.bytes().all(|b| b.is_ascii_lowercase()) {
                e.add(
                    format!("names.{i}.lang"),
                    "Sprachcode muss aus zwei Kleinbuchstaben bestehen (z. B. de, pl)",
                );
            }
            e.text(&format!("names.{i}.name"), &n.name, 200);
        }
        let langs: Vec<&str> = self.names.iter().map(|n| n.lang.as_str()).collect();
        e.unique("names", &langs);
        for (i, alias) in self.aliases.iter().enumerate() {
            e.line(&format!("aliases.{i}"), alias, 200);
        }
        e.unique("aliases", &self.aliases);
        crate::Image::check_all(&self.images, &mut e);
        for (i, f) in self.facts.iter().enumerate() {
            if !f.value.is_finite() || f.value < 0.0 {
                e.add(
                    format!("facts.{i}.value"),
                    "muss eine Zahl größer oder gleich 0 sein",
                );
            }
            e.optional_text(&format!("facts.{i}.source"), &f.source, 500);
        }
        if let Some(c) = self.coordinates {
            if !(-90.0..=90.0).contains(&c.lat) {
                e.add(
                    "coordinates.lat",
                    "Breitengrad muss zwischen -90 und 90 liegen",
                );
            }
            if !(-180.0..=180.0).contains(&c.lon) {
                e.add(
                    "coordinates.lon",
                    "Längengrad muss zwischen -180 und 180 liegen",
                );
            }
        }
        if self.parent.as_ref() == Some(&self.slug) {
            e.add(
                "parent",
                "eine Gebietskörperschaft kann nicht ihr eigenes übergeordnetes Gebiet sein",
            );
        }
        for (i, s) in self.successors.iter().enumerate() {
            if s.region == self.slug {
                e.add(
                    format!("successors.{i}.region"),
                    "eine Gebietskörperschaft kann nicht ihr eigener Nachfolger sein",
                );
            }
        }
        e.url("website", &self.website);
        if self
            .wikidata
            .as_deref()
            .is_some_and(|q| !crate::wikidata::is_item(q))
        {
            e.add(
                "wikidata",
                "muss eine Wikidata-Kennung sein: Q und eine Zahl, z. B. Q1140596",
            );
        }
        if let Some(rules) = &self.accessibility {
            rules.check(&mut e);
        }
        e.doubts(&self.doubts);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        let mut out = Vec::new();
        ref_opt(&mut out, "seat", Kind::Region, &self.seat);
        ref_opt(&mut out, "parent", Kind::Region, &self.parent);
        for (i, s) in self.successors.iter().enumerate() {
            out.push(Reference::new(
                format!("successors.{i}.region"),
                Kind::Region,
                &s.region,
            ));
        }
        out
    }

    fn doubts(&self) -> &[Doubt] {
        &self.doubts
    }

    fn title(&self) -> String {
        self.name().to_owned()
    }

    fn doubts_mut(&mut self) -> &mut Vec<Doubt> {
        &mut self.doubts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trebnitz() -> Region {
        serde_json::from_value(serde_json::json!({
            "slug": "powiat-trzebnicki",
            "kind": "powiat",
            "country": "PL",
            "names": [
                {"lang": "de", "name": "Landkreis Trebnitz"},
                {"lang": "pl", "name": "Powiat trzebnicki"}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn names_per_language_with_german_first() {
        let r = trebnitz();
        assert_eq!(r.name(), "Landkreis Trebnitz");
        assert_eq!(r.name_in("pl"), Some("Powiat trzebnicki"));
        assert_eq!(r.name_in("fr"), None);
        let others: Vec<&str> = r.other_names().iter().map(|n| n.name.as_str()).collect();
        assert_eq!(others, ["Powiat trzebnicki"]);
    }

    #[test]
    fn without_german_name_the_first_is_shown() {
        let mut r = trebnitz();
        r.names.remove(0);
        assert_eq!(r.name(), "Powiat trzebnicki");
    }

    #[test]
    fn validation_names_each_bad_field() {
        let mut r = trebnitz();
        r.names.push(RegionName {
            lang: "pl".into(),
            name: " ".into(),
            gender: None,
        });
        r.website = Some("powiat.konskie.pl".into());
        r.parent = Some(r.slug.clone());
        let fields: Vec<String> = r.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["names.2.name", "names.2", "parent", "website"]);
    }

    #[test]
    fn unknown_fields_and_bad_country_are_refused() {
        let bad = serde_json::json!({"slug": "x", "kind": "powiat", "country": "pl", "names": []});
        let err = serde_json::from_value::<Region>(bad)
            .unwrap_err()
            .to_string();
        assert!(err.contains("Ländercode „pl“"), "{err}");
        let extra = serde_json::json!({"slug": "x", "kind": "powiat", "country": "PL", "names": [], "colour": 1});
        assert!(serde_json::from_value::<Region>(extra).is_err());
    }
}
