//! Field-level validation with German messages, shared by API, import and
//! (later) admin forms so that all three say the same thing.

use schemars::JsonSchema;
use serde::Serialize;

use crate::doubt::Doubt;

/// One problem with one field; `field` is a dotted path (`names.0.name`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Collects the errors of one record.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    pub fn text(&mut self, field: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.add(field, "darf nicht leer sein");
        } else if value.chars().count() > max {
            self.add(field, format!("ist zu lang (höchstens {max} Zeichen)"));
        }
    }

    /// A single line a person types (a name): not empty, not too long, and
    /// no control character that could start a new header or line.
    pub fn line(&mut self, field: &str, value: &str, max: usize) {
        if value.chars().any(char::is_control) {
            self.add(
                field,
                "darf keine Zeilenumbrüche oder Steuerzeichen enthalten",
            );
        } else {
            self.text(field, value, max);
        }
    }

    pub fn optional_text(&mut self, field: &str, value: &Option<String>, max: usize) {
        if let Some(value) = value {
            self.text(field, value, max);
        }
    }

    pub fn url(&mut self, field: &str, value: &Option<String>) {
        if let Some(url) = value {
            let rest = url
                .strip_prefix("https://")
                .or_else(|| url.strip_prefix("http://"));
            match rest {
                Some(host) if !host.is_empty() && !url.contains(char::is_whitespace) => {}
                _ => self.add(
                    field,
                    "muss eine Webadresse sein, die mit http:// oder https:// beginnt",
                ),
            }
        }
    }

    /// A picture's address: one on this site (`/media/…`), since a
    /// picture from another host would learn of every visit.
    pub fn own_path(&mut self, field: &str, value: &str) {
        if !value.starts_with('/') || value.starts_with("//") || value.contains(char::is_whitespace)
        {
            self.add(
                field,
                "muss eine Adresse auf dieser Website sein (z. B. /media/…): Ein Bild von einem anderen Server erführe von jedem Besuch",
            );
        }
    }

    pub fn email(&mut self, field: &str, value: &Option<String>) {
        if let Some(mail) = value {
            let valid = match mail.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                        && !mail.contains(char::is_whitespace)
                }
                None => false,
            };
            if !valid {
                self.add(field, "ist keine gültige E-Mail-Adresse");
            }
        }
    }

    pub fn unique<T: PartialEq>(&mut self, field: &str, items: &[T]) {
        for (i, item) in items.iter().enumerate() {
            if items[..i].contains(item) {
                self.add(format!("{field}.{i}"), "ist doppelt angegeben");
            }
        }
    }

    pub fn doubts(&mut self, doubts: &[Doubt]) {
        for (i, doubt) in doubts.iter().enumerate() {
            self.text(&format!("doubts.{i}.field"), &doubt.field, 200);
            self.text(&format!("doubts.{i}.note"), &doubt.note, 2000);
        }
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }
}

/// Fields that hold running text (several lines); every other text field
/// is a single line. The admin forms show these as text areas.
pub fn is_multiline(key: &str) -> bool {
    matches!(
        key,
        "description"
            | "tasks"
            | "partnership_intro"
            | "note"
            | "purpose"
            | "participants"
            | "body"
            | "question"
            | "message"
            | "answer"
            | "contact"
            | "source_text"
            | "notes"
            | "easy_language"
    )
}

/// Refuses control characters in every text of a record: a line break in
/// a name or title would forge lines in iCal, mail headers or plain text,
/// and NUL is refused by PostgreSQL. Running text may keep line breaks and
/// tabs.
pub fn control_characters(record: &serde_json::Value) -> Vec<FieldError> {
    fn walk(value: &serde_json::Value, path: &mut Vec<String>, out: &mut Vec<FieldError>) {
        match value {
            serde_json::Value::String(text) => {
                let key = path
                    .iter()
                    .rev()
                    .find(|p| p.parse::<usize>().is_err())
                    .map_or("", String::as_str);
                let multiline = is_multiline(key);
                let bad =
                    |c: char| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'));
                if text.chars().any(bad) {
                    out.push(FieldError::new(
                        path.join("."),
                        if multiline {
                            "darf keine Steuerzeichen enthalten"
                        } else {
                            "darf keine Zeilenumbrüche oder Steuerzeichen enthalten"
                        },
                    ));
                }
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(i.to_string());
                    walk(item, path, out);
                    path.pop();
                }
            }
            serde_json::Value::Object(fields) => {
                for (key, item) in fields {
                    path.push(key.clone());
                    walk(item, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(record, &mut Vec::new(), &mut out);
    out
}

/// Serializes whole numbers without a fraction (`20`, not `20.0`), so that
/// counts read as counts in exports and API replies.
pub(crate) fn whole_or_fraction<S: serde::Serializer>(
    value: &f64,
    s: S,
) -> Result<S::Ok, S::Error> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if value.fract() == 0.0 && value.abs() < EXACT {
        s.serialize_i64(*value as i64)
    } else {
        s.serialize_f64(*value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn single_line_fields_refuse_line_breaks_and_nul() {
        let record = json!({
            "name": "Landkreis Harz\r\nEND:VCALENDAR",
            "names": [{"name": "Trzebnica"}, {"name": "Treb\u{0}nitz"}],
            "room": "Raum\t2",
        });
        assert_eq!(
            fields(control_characters(&record)),
            ["name", "names.1.name", "room"]
        );
    }

    #[test]
    fn running_text_keeps_line_breaks_but_not_other_controls() {
        let ok =
            json!({"body": "Erster Absatz.\r\n\r\nZweiter\tAbsatz.", "doubts": [{"note": "a\nb"}]});
        assert!(control_characters(&ok).is_empty());
        let bad = json!({"body": "Text\u{7}", "doubts": [{"note": "a\u{0}"}]});
        assert_eq!(fields(control_characters(&bad)), ["body", "doubts.0.note"]);
    }

    #[test]
    fn umlauts_emoji_and_non_latin_names_are_not_control_characters() {
        let record = json!({"name": "Bistrița-Năsăud · Końskie · Göttingen 🎉"});
        assert!(control_characters(&record).is_empty());
    }
}
