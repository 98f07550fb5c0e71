use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A doubt about what a source says: kept on the record instead of guessing
/// silently, shown to editors until someone resolves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Doubt {
    /// The field the doubt is about, e.g. `names` or `facts.population`.
    pub field: String,
    /// What is doubtful and why, in German.
    pub note: String,
    /// The text as the source has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_text: Option<String>,
    /// How the public sees the value until the doubt is resolved; the
    /// editor decides per doubt.
    #[serde(default, skip_serializing_if = "Shown::is_default")]
    pub shown: Shown,
    /// The value was true once and may be no longer (an old web address, a
    /// figure without a year): work for the freshness review.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub outdated: bool,
}

/// What the public page does with a doubtful value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Shown {
    /// Shown with the note "Angabe ungeprüft".
    #[default]
    Unverified,
    /// The stored value is the correction; the source's reading stays in
    /// `source_text`, and the value is shown as fact.
    Corrected,
}

impl Shown {
    fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

impl Doubt {
    /// The top-level field (`country`, `facts`, `names`) the public sees
    /// marked "Angabe ungeprüft", if this doubt marks one.
    pub fn unverified_field(&self) -> Option<&str> {
        (self.shown == Shown::Unverified)
            .then(|| self.field.split(['.', '[']).next())
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unverified_doubts_mark_their_field() {
        let mut d = Doubt {
            field: "facts.0.value".into(),
            note: "ohne Jahr".into(),
            source_text: None,
            shown: Shown::default(),
            outdated: true,
        };
        assert_eq!(d.unverified_field(), Some("facts"));
        d.shown = Shown::Corrected;
        assert_eq!(d.unverified_field(), None);
    }
}
