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
}
