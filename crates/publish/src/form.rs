//! HTML forms for every kind of record, derived from the record's JSON
//! Schema: the same schema that documents the API lays out the fields, and
//! reads the submitted form back into JSON, so a new field in `core` shows
//! up in the admin UI without a template change.
//!
//! Field names are dotted paths (`timeline.2.date`), the same paths the
//! validation errors use, so each message lands next to its field.

use std::collections::BTreeMap;

use kreiskom_core::{FieldError, Kind, Record};
use schemars::generate::SchemaSettings;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::labels::{field_label, label};

/// Fields the generic form leaves alone: doubt marks are resolved one by
/// one on the record page, not edited as free text.
/// Kept by the store, never typed: doubt marks (resolved on the record
/// page), a release's workflow (changed only by its steps) and a picture's
/// stored sizes (written by the upload), who entered an event.
const SKIPPED: &[&str] = &["doubts", "workflow", "variants", "recorded_by", "answered"];

/// The schema of a record with its definitions, ready to walk.
pub struct RecordSchema {
    root: Value,
}

impl RecordSchema {
    pub fn of<R: Record>() -> Self {
        let schema = SchemaSettings::draft2020_12()
            .into_generator()
            .into_root_schema_for::<R>();
        Self {
            root: serde_json::to_value(schema).expect("schema is JSON"),
        }
    }

    fn resolve<'a>(&'a self, node: &'a Value) -> &'a Value {
        match node.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .strip_prefix("#/$defs/")
                .and_then(|name| self.root.get("$defs")?.get(name))
                .map_or(node, |n| self.resolve(n)),
            None => node,
        }
    }

    /// The node without its `null` alternative, and whether null is allowed.
    fn shape<'a>(&'a self, node: &'a Value) -> (Shape<'a>, bool) {
        let def_name = node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"));
        if let Some(any) = node.get("anyOf").and_then(Value::as_array) {
            let non_null: Vec<&Value> = any
                .iter()
                .filter(|n| n.get("type").and_then(Value::as_str) != Some("null"))
                .collect();
            if non_null.len() == 1 {
                let (shape, _) = self.shape(non_null[0]);
                return (shape, non_null.len() < any.len());
            }
        }
        let node = self.resolve(node);
        let (ty, nullable) = match node.get("type") {
            Some(Value::String(t)) => (t.as_str(), false),
            Some(Value::Array(ts)) => (
                ts.iter()
                    .filter_map(Value::as_str)
                    .find(|t| *t != "null")
                    .unwrap_or("string"),
                ts.iter().any(|t| t == "null"),
            ),
            _ => ("string", false),
        };
        let choices = enum_values(node);
        let shape = if !choices.is_empty() {
            Shape::Choice {
                values: choices,
                group: def_name.and_then(label_group),
            }
        } else {
            match ty {
                "object" => Shape::Object(node),
                "array" => Shape::List(node),
                "boolean" => Shape::Bool,
                "integer" => Shape::Integer,
                "number" => Shape::Number,
                _ => Shape::Text,
            }
        };
        (shape, nullable)
    }
}

/// Text fields that hold a date: read and shown the German way.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DateField {
    /// A date in the source's precision ("Anfang 2003").
    Partial,
    /// A day and a time ("2014-07-03T13:00").
    Moment,
}

impl RecordSchema {
    fn date_field(&self, node: &Value) -> Option<DateField> {
        let mut nodes = vec![self.resolve(node)];
        if let Some(any) = node.get("anyOf").and_then(Value::as_array) {
            nodes.extend(any.iter().map(|n| self.resolve(n)));
        }
        nodes.into_iter().find_map(|n| {
            let pattern = n.get("pattern").and_then(Value::as_str).unwrap_or("");
            let example = n["examples"][0].as_str().unwrap_or("");
            if pattern.contains("early|late") {
                Some(DateField::Partial)
            } else if example == "2014-07-03T13:00" {
                Some(DateField::Moment)
            } else {
                None
            }
        })
    }
}

impl RecordSchema {
    /// The kind of record a field links to (its slug type's `x-kind`).
    fn link_kind(&self, node: &Value) -> Option<Kind> {
        let mut nodes = vec![node, self.resolve(node)];
        if let Some(any) = node.get("anyOf").and_then(Value::as_array) {
            nodes.extend(any.iter().map(|n| self.resolve(n)));
        }
        nodes
            .into_iter()
            .find_map(|n| n.get("x-kind")?.as_str())
            .and_then(Kind::from_plural)
    }

    /// The kinds the form of this record links to.
    fn linked_kinds(&self) -> Vec<Kind> {
        fn walk(schema: &RecordSchema, v: &Value, top: bool, out: &mut Vec<Kind>) {
            let Value::Object(m) = v else { return };
            if let Some(Value::Object(props)) = m.get("properties") {
                for (key, child) in props {
                    // Nobody picks what the form does not show.
                    if (top && key == "slug") || SKIPPED.contains(&key.as_str()) {
                        continue;
                    }
                    let items = child.get("items").unwrap_or(child);
                    out.extend(schema.link_kind(child).or_else(|| schema.link_kind(items)));
                    walk(schema, schema.resolve(child), false, out);
                    walk(schema, schema.resolve(items), false, out);
                    for alt in child
                        .get("anyOf")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        walk(schema, schema.resolve(alt), false, out);
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(self, &self.root, true, &mut out);
        out.sort();
        out.dedup();
        out
    }
}

/// The records a form may link to, by kind: slug and title, in the order
/// offered.
#[derive(Debug, Default)]
pub struct Links(pub BTreeMap<Kind, Vec<(String, String)>>);

/// Up to this many records are offered in a select; more as suggestions
/// while typing (a datalist), which every browser searches without script.
const SELECT_LIMIT: usize = 1000;
/// A datalist larger than this would weigh more than the page.
const SUGGEST_LIMIT: usize = 5000;
/// A list of links to at most this many records is a group of checkboxes
/// (mailing lists); longer ones are rows of selects.
const CHECKBOX_LIMIT: usize = 12;

/// The kinds whose records `R`'s form offers to pick (`Links` to load).
pub fn linked_kinds<R: Record>() -> Vec<Kind> {
    RecordSchema::of::<R>().linked_kinds()
}

enum Shape<'a> {
    Object(&'a Value),
    List(&'a Value),
    Choice {
        values: Vec<String>,
        group: Option<&'static str>,
    },
    Bool,
    Integer,
    Number,
    Text,
}

fn enum_values(node: &Value) -> Vec<String> {
    let mut out: Vec<String> = node
        .get("enum")
        .and_then(Value::as_array)
        .map(|v| {
            v.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if let Some(c) = node.get("const").and_then(Value::as_str) {
        out.push(c.to_owned());
    }
    if let Some(alts) = node.get("oneOf").and_then(Value::as_array) {
        for alt in alts {
            out.extend(enum_values(alt));
        }
    }
    out
}

/// Which `label` group names the values of an enumeration.
fn label_group(def: &str) -> Option<&'static str> {
    Some(match def {
        "Category" => "category",
        "EventKind" => "event",
        "Topic" => "topic",
        "RegionKind" => "region",
        "FactKind" => "fact",
        "ActivityKind" => "activity",
        "FundingSource" => "funding",
        "ItemKind" => "item",
        "LocationKind" => "location",
        "OrganisationKind" => "organisation",
        "Platform" => "platform",
        "Language" => "language",
        "Qualifier" => "qualifier",
        "InquiryStatus" => "status",
        "LegalKind" => "legal",
        "Gender" => "gender",
        "ReleaseState" => "state",
        "FormFieldKind" => "print_field",
        "FormFieldWidth" => "print_width",
        "PrintProduct" => "print_product",
        "PrintOrderState" => "print_state",
        _ => return None,
    })
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One field as a template renders it; groups and lists hold children.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Field {
    pub name: String,
    pub id: String,
    pub label: String,
    pub hint: Option<String>,
    /// text, textarea, number, checkbox, select, checkboxes, group, list
    pub widget: &'static str,
    pub value: String,
    pub checked: bool,
    pub required: bool,
    pub readonly: bool,
    pub choices: Vec<Choice>,
    pub error: Option<String>,
    pub children: Vec<Field>,
    /// A list row that may be removed with its "Entfernen" box.
    pub removable: bool,
    /// The admin path of the kind a picker offers (`gebiete`), for the
    /// suggestions fetched while typing.
    pub link: Option<&'static str>,
    /// The first picker of its kind on the page carries the shared
    /// datalist of suggestions.
    pub datalist: bool,
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

pub fn html_id(name: &str) -> String {
    format!("f-{}", name.replace(['.', '_'], "-"))
}

fn scalar_text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => crate::german::number(n.as_f64().unwrap_or_default()),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

struct Builder<'a> {
    schema: &'a RecordSchema,
    errors: &'a [FieldError],
    links: &'a Links,
    /// The slug is fixed once a record exists.
    editing: bool,
    readonly: bool,
    /// Kinds whose suggestions are already on the page: every picker of a
    /// kind shares one datalist.
    listed: std::cell::RefCell<std::collections::BTreeSet<Kind>>,
}

impl Builder<'_> {
    fn error(&self, name: &str) -> Option<String> {
        let msgs: Vec<&str> = self
            .errors
            .iter()
            .filter(|e| e.field == name)
            .map(|e| e.message.as_str())
            .collect();
        (!msgs.is_empty()).then(|| msgs.join("; "))
    }

    fn object(&self, node: &Value, prefix: &str, value: Option<&Value>) -> Vec<Field> {
        let required: Vec<&str> = node
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let Some(props) = node.get("properties").and_then(Value::as_object) else {
            return Vec::new();
        };
        // `slug` first, then the schema's order (alphabetical) with the
        // record's main fields ahead of the lists.
        let mut keys: Vec<&String> = props
            .keys()
            .filter(|k| !SKIPPED.contains(&k.as_str()))
            .collect();
        keys.sort_by_key(|k| (field_rank(k), k.as_str()));
        keys.into_iter()
            .map(|key| {
                self.field(
                    &props[key],
                    &join(prefix, key),
                    key,
                    required.contains(&key.as_str()),
                    value.and_then(|v| v.get(key)),
                )
            })
            .collect()
    }

    fn field(
        &self,
        node: &Value,
        name: &str,
        key: &str,
        required: bool,
        value: Option<&Value>,
    ) -> Field {
        let (shape, _) = self.schema.shape(node);
        let mut f = Field {
            name: name.to_owned(),
            id: html_id(name),
            label: field_label(key).to_owned(),
            hint: if !self.editing && name == "slug" {
                Some("Wird aus dem Titel gebildet, wenn Sie das Feld leer lassen; Kleinbuchstaben, Ziffern und Bindestriche; nach dem Anlegen nicht mehr änderbar".into())
            } else {
                hint(key, node)
            },
            // A new record's slug is made from its title when left empty.
            required: required && (self.editing || name != "slug"),
            readonly: self.readonly || (self.editing && name == "slug"),
            error: self.error(name),
            ..Field::default()
        };
        match shape {
            Shape::Object(obj) => {
                f.widget = "group";
                f.children = self.object(obj, name, value);
            }
            Shape::List(list) => self.list(&mut f, list, value),
            Shape::Choice { values, group } => {
                f.widget = "select";
                let current = scalar_text(value);
                f.choices = choices(&values, group, |v| v == current);
                f.value = current;
            }
            Shape::Bool => {
                f.widget = "checkbox";
                f.checked = value.and_then(Value::as_bool).unwrap_or(false);
            }
            Shape::Integer | Shape::Number => {
                f.widget = "number";
                f.value = scalar_text(value);
            }
            Shape::Text if name != "slug" && self.offer(&mut f, node, value) => {}
            Shape::Text => {
                f.widget = if kreiskom_core::validation::is_multiline(key) {
                    "textarea"
                } else {
                    "text"
                };
                f.value = scalar_text(value);
                match self.schema.date_field(node) {
                    Some(DateField::Partial) => {
                        if let Ok(d) = kreiskom_core::PartialDate::parse(&f.value) {
                            f.value = d.german_input();
                        }
                        f.hint = Some("Datum in der Genauigkeit der Quelle, z. B. 3.7.2014, Juli 2014, 2003, Anfang 2003, Ende 2003, 1960er".into());
                    }
                    Some(DateField::Moment) => {
                        // What was typed and did not read stays as text.
                        if f.value.is_empty() || kreiskom_core::LocalTime::parse(&f.value).is_ok() {
                            f.widget = "datetime";
                        }
                        f.hint = None;
                    }
                    None => {}
                }
            }
        }
        f
    }

    /// The records of the linked kind to pick from, by their titles: a
    /// select, or suggestions while typing when there are very many. What
    /// is stored stays on offer even when no such record exists (any more).
    fn offer(&self, f: &mut Field, node: &Value, value: Option<&Value>) -> bool {
        let Some((kind, records)) = self
            .schema
            .link_kind(node)
            .and_then(|k| Some((k, self.links.0.get(&k)?)))
        else {
            return false;
        };
        let current = scalar_text(value);
        f.link = Some(kind.path());
        if records.len() > SELECT_LIMIT {
            f.widget = "suggest";
            f.datalist = self.listed.borrow_mut().insert(kind);
            // Beyond the limit, suggestions come from the server while
            // typing (htmx), and the slug is typed without script.
            if f.datalist && records.len() <= SUGGEST_LIMIT {
                f.choices = link_choices(records, |_| false);
            }
            f.value = current;
            if records.len() <= SUGGEST_LIMIT {
                f.hint = Some("Beim Tippen erscheinen passende Einträge zur Auswahl".into());
            }
            return true;
        }
        f.choices = link_choices(records, |slug| slug == current);
        if !current.is_empty() && !f.choices.iter().any(|c| c.selected) {
            f.choices.insert(
                0,
                Choice {
                    label: format!("{current} (nicht in der Liste)"),
                    value: current.clone(),
                    selected: true,
                },
            );
        }
        f.widget = "select";
        f.value = current;
        f.hint = None;
        true
    }

    fn list(&self, f: &mut Field, list: &Value, value: Option<&Value>) {
        let items = list.get("items").unwrap_or(&Value::Null);
        let current: Vec<Value> = value.and_then(Value::as_array).cloned().unwrap_or_default();
        if let (Shape::Choice { values, group }, _) = self.schema.shape(items) {
            f.widget = "checkboxes";
            f.choices = choices(&values, group, |v| current.iter().any(|c| c == v));
            return;
        }
        let few = self
            .schema
            .link_kind(items)
            .and_then(|k| self.links.0.get(&k))
            .filter(|records| records.len() <= CHECKBOX_LIMIT);
        let fixed = list.get("minItems").is_some() && list.get("minItems") == list.get("maxItems");
        if let (Some(records), false) = (few, fixed) {
            f.widget = "checkboxes";
            f.choices = link_choices(records, |slug| current.iter().any(|c| c == slug));
            // Stored links to records that are gone stay ticked.
            for c in &current {
                let slug = c.as_str().unwrap_or_default();
                if !f.choices.iter().any(|x| x.value == slug) {
                    f.choices.push(Choice {
                        value: slug.to_owned(),
                        label: format!("{slug} (nicht in der Liste)"),
                        selected: true,
                    });
                }
            }
            return;
        }
        f.widget = "list";
        let fixed = match (list.get("minItems"), list.get("maxItems")) {
            (Some(a), Some(b)) if a == b => a.as_u64().map(|n| n as usize),
            _ => None,
        };
        let rows = fixed.unwrap_or(current.len() + usize::from(!self.readonly));
        for i in 0..rows {
            let name = format!("{}.{i}", f.name);
            let row_value = current.get(i);
            let mut row = match self.schema.shape(items).0 {
                Shape::Object(obj) => Field {
                    widget: "group",
                    children: self.object(obj, &name, row_value),
                    ..Field::default()
                },
                _ => self.field(items, &name, "", fixed.is_some(), row_value),
            };
            row.name = name.clone();
            row.id = html_id(&name);
            row.error = self.error(&name);
            row.label = if i < current.len() || fixed.is_some() {
                format!("{} {}", f.label, i + 1)
            } else {
                format!("{}: neuer Eintrag", f.label)
            };
            row.removable = fixed.is_none() && i < current.len() && !self.readonly;
            f.children.push(row);
        }
    }
}

fn link_choices(records: &[(String, String)], selected: impl Fn(&str) -> bool) -> Vec<Choice> {
    records
        .iter()
        .map(|(slug, title)| Choice {
            value: slug.clone(),
            label: title.clone(),
            selected: selected(slug),
        })
        .collect()
}

fn choices(values: &[String], group: Option<&str>, selected: impl Fn(&str) -> bool) -> Vec<Choice> {
    values
        .iter()
        .map(|v| Choice {
            value: v.clone(),
            label: group
                .and_then(|g| label(g, v))
                .map_or_else(|| v.clone(), str::to_owned),
            selected: selected(v),
        })
        .collect()
}

/// Main fields first, lists of details last.
fn field_rank(key: &str) -> u8 {
    match key {
        "slug" => 0,
        "name" | "title" | "names" | "date" | "kind" | "category" | "regions" => 1,
        // A post's text, and in a channel's version, the channel.
        "message" | "channel" => 1,
        "channels" => 2,
        // A period reads from its beginning to its end.
        "start" => 2,
        "end" => 3,
        "description" | "tasks" | "partnership_intro" => 5,
        "timeline" | "facts" | "items" | "locations" | "figures" | "funding" | "successors" => 6,
        _ => 4,
    }
}

fn hint(key: &str, node: &Value) -> Option<String> {
    let pattern = node.get("pattern").and_then(Value::as_str).unwrap_or("");
    let nullable_pattern = node
        .get("anyOf")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|n| n.get("pattern").is_some()));
    if key == "slug" {
        return Some("Kleinbuchstaben, Ziffern und Bindestriche, z. B. landkreis-goslar; nach dem Anlegen nicht mehr änderbar".into());
    }
    if pattern.starts_with("^[a-z0-9]") || nullable_pattern {
        return Some("Kennung des verknüpften Datensatzes, z. B. goslar".into());
    }
    if matches!(key, "description" | "tasks" | "partnership_intro") {
        return Some("Markdown: **fett**, *kursiv*, Listen mit „- “".into());
    }
    if key == "text_language" {
        return Some("Zwei Kleinbuchstaben nach ISO 639-1; leer lassen heißt Deutsch (de)".into());
    }
    if key == "country" {
        return Some("ISO-3166-Code mit zwei Buchstaben, z. B. DE, PL, FR".into());
    }
    if key == "lang" {
        return Some("ISO-639-1-Code, z. B. de, pl".into());
    }
    None
}

/// The fields of a form for `value` (a record as JSON, or `{}` for a new
/// one), with `errors` next to their fields.
pub fn fields<R: Record>(
    value: &Value,
    errors: &[FieldError],
    editing: bool,
    readonly: bool,
    links: &Links,
) -> Vec<Field> {
    let schema = RecordSchema::of::<R>();
    let b = Builder {
        schema: &schema,
        errors,
        links,
        listed: Default::default(),
        editing,
        readonly,
    };
    b.object(&schema.root, "", Some(value))
}

/// Submitted form fields by name; a name may come several times
/// (checkbox groups).
pub type Submitted = BTreeMap<String, Vec<String>>;

pub fn submitted(pairs: Vec<(String, String)>) -> Submitted {
    let mut out = Submitted::new();
    for (k, v) in pairs {
        out.entry(k).or_default().push(v);
    }
    out
}

struct Reader<'a> {
    schema: &'a RecordSchema,
    form: &'a Submitted,
    errors: Vec<FieldError>,
}

impl Reader<'_> {
    fn text(&self, name: &str) -> Option<&str> {
        self.form
            .get(name)
            .and_then(|v| v.first())
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }

    /// Whether anything under `prefix` was filled in.
    fn any_under(&self, prefix: &str) -> bool {
        let dotted = format!("{prefix}.");
        self.form.iter().any(|(k, v)| {
            (k == prefix || k.starts_with(&dotted))
                && !k.ends_with("._remove")
                && v.iter().any(|s| !s.trim().is_empty())
        })
    }

    fn object(&mut self, node: &Value, prefix: &str) -> Map<String, Value> {
        let mut out = Map::new();
        let Some(props) = node.get("properties").and_then(Value::as_object) else {
            return out;
        };
        let required: Vec<&str> = node
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (key, child) in props {
            if SKIPPED.contains(&key.as_str()) {
                continue;
            }
            let name = join(prefix, key);
            match self.value(child, &name) {
                Some(v) => {
                    out.insert(key.clone(), v);
                }
                // Every missing field is named at once, not one per save.
                None if required.contains(&key.as_str()) => {
                    if !self.errors.iter().any(|e| e.field == name) {
                        self.errors
                            .push(FieldError::new(&name, "Pflichtfeld fehlt"));
                    }
                    if matches!(self.schema.shape(child).0, Shape::Text) {
                        // Read on as empty, so the other fields are still checked.
                        out.insert(key.clone(), Value::String(String::new()));
                    }
                }
                None => {}
            }
        }
        out
    }

    /// `None` leaves the key out: absent optional fields, so serde's
    /// defaults and "Pflichtfeld fehlt" apply as they do for the API.
    fn value(&mut self, node: &Value, name: &str) -> Option<Value> {
        let (shape, nullable) = self.schema.shape(node);
        match shape {
            Shape::Object(obj) => {
                if nullable && !self.any_under(name) {
                    return None;
                }
                Some(Value::Object(self.object(obj, name)))
            }
            Shape::List(list) => Some(self.list(list, name)),
            Shape::Choice { .. } => self.text(name).map(|s| Value::String(s.to_owned())),
            Shape::Bool => Some(Value::Bool(self.text(name).is_some())),
            Shape::Integer | Shape::Number => {
                let raw = self.text(name)?;
                let normal = if raw.contains(',') {
                    raw.replace('.', "").replace(',', ".")
                } else {
                    raw.to_owned()
                };
                let parsed = if matches!(shape, Shape::Integer) {
                    normal.parse::<i64>().ok().map(Value::from)
                } else {
                    normal
                        .parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                        .map(Value::Number)
                };
                if parsed.is_none() {
                    self.errors.push(FieldError::new(
                        name,
                        if matches!(shape, Shape::Integer) {
                            "muss eine ganze Zahl sein"
                        } else {
                            "muss eine Zahl sein (z. B. 1234 oder 12,5)"
                        },
                    ));
                }
                parsed
            }
            Shape::Text => {
                let text = self.text(name)?;
                let stored = match self.schema.date_field(node) {
                    Some(DateField::Partial) => kreiskom_core::PartialDate::parse_german(text)
                        .map_or_else(|_| text.to_owned(), |d| d.to_string()),
                    Some(DateField::Moment) => kreiskom_core::LocalTime::parse(text)
                        .map_or_else(|_| text.to_owned(), |t| t.to_string()),
                    None => text.to_owned(),
                };
                Some(Value::String(stored))
            }
        }
    }

    fn list(&mut self, list: &Value, name: &str) -> Value {
        let items = list.get("items").unwrap_or(&Value::Null);
        if let (Shape::Choice { .. }, _) = self.schema.shape(items) {
            let picked = self.form.get(name).cloned().unwrap_or_default();
            return Value::Array(picked.into_iter().map(Value::String).collect());
        }
        // Links to a few records come as checkboxes under the list's name.
        if self.schema.link_kind(items).is_some() && self.form.contains_key(name) {
            let picked = self.form[name].iter().filter(|s| !s.trim().is_empty());
            return Value::Array(picked.cloned().map(Value::String).collect());
        }
        let dotted = format!("{name}.");
        let mut indices: Vec<usize> = self
            .form
            .keys()
            .filter_map(|k| k.strip_prefix(&dotted))
            .filter_map(|rest| rest.split('.').next()?.parse().ok())
            .collect();
        indices.sort_unstable();
        indices.dedup();
        let fixed = list.get("minItems").is_some() && list.get("minItems") == list.get("maxItems");
        let mut out = Vec::new();
        for i in indices {
            let row = format!("{name}.{i}");
            let removed = self.text(&format!("{row}._remove")).is_some();
            if removed || (!fixed && !self.any_under(&row)) {
                continue;
            }
            // Errors point at the row's place in the saved list.
            let before = self.errors.len();
            let value = self.value(items, &row);
            let at = format!("{name}.{}", out.len());
            for e in &mut self.errors[before..] {
                e.field = e.field.replacen(&row, &at, 1);
            }
            out.push(value.unwrap_or_else(|| Value::String(String::new())));
        }
        Value::Array(out)
    }
}

/// Checkbox groups come back in the schema's order; where the chosen set
/// did not change, the stored order stays, so saving changes nothing the
/// user did not change.
pub fn keep_unchanged_order(new: &mut Value, old: &Value) {
    let Some(fields) = new.as_object_mut() else {
        return;
    };
    for (key, value) in fields.iter_mut() {
        let (Some(now), Some(before)) = (value.as_array(), old.get(key).and_then(Value::as_array))
        else {
            continue;
        };
        let scalars = |a: &Vec<Value>| a.iter().all(Value::is_string);
        let mut a: Vec<&str> = now.iter().filter_map(Value::as_str).collect();
        let mut b: Vec<&str> = before.iter().filter_map(Value::as_str).collect();
        a.sort_unstable();
        b.sort_unstable();
        if scalars(now) && scalars(before) && a == b {
            *value = Value::Array(before.clone());
        }
    }
}

/// Reads a submitted form back into the record's JSON shape. Numbers that
/// do not parse come back as errors; everything else is left to the
/// record's own validation.
pub fn read<R: Record>(form: &Submitted) -> (Value, Vec<FieldError>) {
    let schema = RecordSchema::of::<R>();
    let mut reader = Reader {
        schema: &schema,
        form,
        errors: Vec::new(),
    };
    let value = Value::Object(reader.object(&schema.root, ""));
    (value, reader.errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kreiskom_core::{Partnership, Region};

    /// Every field of every kind's form has its German label: the user
    /// never reads a key such as "reviewed".
    #[test]
    fn every_field_has_a_german_label() {
        struct Unlabelled(std::collections::BTreeSet<String>);
        fn walk(v: &Value, out: &mut std::collections::BTreeSet<String>) {
            match v {
                Value::Object(m) => {
                    if let Some(Value::Object(props)) = m.get("properties") {
                        for key in props.keys() {
                            if crate::labels::field_label(key) == key {
                                out.insert(key.clone());
                            }
                        }
                    }
                    m.values().for_each(|x| walk(x, out));
                }
                Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
                _ => {}
            }
        }
        impl kreiskom_core::KindVisitor for Unlabelled {
            fn visit<R: Record>(&mut self) {
                walk(&RecordSchema::of::<R>().root, &mut self.0);
            }
        }
        let mut missing = Unlabelled(Default::default());
        kreiskom_core::each_kind(&mut missing);
        assert!(missing.0.is_empty(), "no German label: {:?}", missing.0);
    }

    /// Every choice of every form reads in German: no select offers
    /// "in_progress".
    #[test]
    fn every_choice_has_a_german_label() {
        struct Raw(std::collections::BTreeSet<String>);
        fn walk(fields: &[Field], out: &mut std::collections::BTreeSet<String>) {
            for f in fields {
                for c in &f.choices {
                    let proper_noun = c.value.chars().next().is_some_and(char::is_uppercase);
                    if c.label == c.value && !proper_noun {
                        out.insert(format!("{}: {}", f.name, c.value));
                    }
                }
                walk(&f.children, out);
            }
        }
        impl kreiskom_core::KindVisitor for Raw {
            fn visit<R: Record>(&mut self) {
                walk(
                    &fields::<R>(&serde_json::json!({}), &[], false, false, &Links::default()),
                    &mut self.0,
                );
            }
        }
        let mut raw = Raw(Default::default());
        kreiskom_core::each_kind(&mut raw);
        assert!(raw.0.is_empty(), "no German label: {:?}", raw.0);
    }

    fn form(pairs: &[(&str, &str)]) -> Submitted {
        submitted(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn partnership_form_reads_back_into_a_valid_record() {
        let (value, errors) = read::<Partnership>(&form(&[
            ("slug", "goslar-trebnitz"),
            ("regions.0", "goslar"),
            ("regions.1", "powiat-trzebnicki"),
            ("category", "partnership"),
            ("topics", "youth"),
            ("topics", "culture"),
            ("timeline.0.date", "2003"),
            ("timeline.0.kind", "charter_signed"),
            ("timeline.0.note", ""),
            // The blank row for a new event stays out.
            ("timeline.1.date", ""),
            ("timeline.1.kind", ""),
        ]));
        assert!(errors.is_empty(), "{errors:?}");
        let p: Partnership = serde_json::from_value(value).unwrap();
        assert_eq!(p.timeline.len(), 1);
        assert_eq!(p.topics.len(), 2);
        assert!(p.timeline[0].note.is_none());
    }

    #[test]
    fn an_unchanged_choice_keeps_its_stored_order() {
        let old = serde_json::json!({"topics": ["youth", "culture"], "regions": ["a", "b"]});
        let mut same = serde_json::json!({"topics": ["culture", "youth"], "regions": ["b", "a"]});
        keep_unchanged_order(&mut same, &old);
        assert_eq!(same, old);
        let mut changed = serde_json::json!({"topics": ["culture", "sport"]});
        keep_unchanged_order(&mut changed, &old);
        assert_eq!(changed["topics"], serde_json::json!(["culture", "sport"]));
    }

    #[test]
    fn removed_rows_are_dropped_and_errors_follow_the_kept_rows() {
        let (value, errors) = read::<Region>(&form(&[
            ("slug", "goslar"),
            ("kind", "district"),
            ("country", "DE"),
            ("names.0.lang", "de"),
            ("names.0.name", "Landkreis Goslar"),
            ("facts.0.kind", "population"),
            ("facts.0.value", "1"),
            ("facts.0._remove", "on"),
            ("facts.1.kind", "area_km2"),
            ("facts.1.value", "viel"),
            ("facts.2.kind", "population"),
            ("facts.2.value", "136.789"),
            ("facts.3.kind", "population_density"),
            ("facts.3.value", "14,5"),
        ]));
        let facts = value["facts"].as_array().unwrap();
        assert_eq!(facts.len(), 3);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "facts.0.value");
        assert_eq!(facts[1]["value"], 136.789);
        assert_eq!(facts[2]["value"], 14.5);
    }

    #[test]
    fn fields_show_values_errors_and_a_blank_row() {
        let p = serde_json::json!({
            "slug": "goslar-trebnitz", "regions": ["goslar", "powiat-trzebnicki"],
            "category": "partnership", "timeline": [{"date": "2003", "kind": "charter_signed"}]
        });
        let errors = [FieldError::new("timeline.0.date", "ist kein Datum")];
        let f = fields::<Partnership>(&p, &errors, true, false, &Links::default());
        let slug = f.iter().find(|f| f.name == "slug").unwrap();
        assert!(slug.readonly);
        let timeline = f.iter().find(|f| f.name == "timeline").unwrap();
        assert_eq!(timeline.children.len(), 2);
        let date = &timeline.children[0]
            .children
            .iter()
            .find(|c| c.name == "timeline.0.date")
            .unwrap();
        assert_eq!(date.value, "2003");
        assert_eq!(date.error.as_deref(), Some("ist kein Datum"));
        let kind = timeline.children[0]
            .children
            .iter()
            .find(|c| c.name == "timeline.0.kind")
            .unwrap();
        assert!(kind
            .choices
            .iter()
            .any(|c| c.selected && c.label == "Partnerschaftsurkunde unterzeichnet"));
        let regions = f.iter().find(|f| f.name == "regions").unwrap();
        assert_eq!(
            regions.children.len(),
            2,
            "exactly two partners, no blank row"
        );
        assert!(f.iter().all(|f| f.name != "doubts"));
    }

    fn offered(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(s, t)| ((*s).to_owned(), (*t).to_owned()))
            .collect()
    }

    #[test]
    fn links_are_picked_by_title_and_a_missing_record_stays_on_offer() {
        let p = serde_json::json!({
            "slug": "goslar-trebnitz", "regions": ["goslar", "verschwunden"],
            "category": "partnership", "timeline": []
        });
        let mut links = Links::default();
        links.0.insert(
            Kind::Region,
            offered(&[
                ("goslar", "Landkreis Goslar"),
                ("powiat-trzebnicki", "Powiat Trzebnicki"),
            ]),
        );
        assert_eq!(
            linked_kinds::<Partnership>(),
            [Kind::Region],
            "its own slug is no link"
        );
        let f = fields::<Partnership>(&p, &[], true, false, &links);
        let regions = &f.iter().find(|f| f.name == "regions").unwrap().children;
        assert_eq!(regions[0].widget, "select");
        assert!(regions[0].hint.is_none(), "no talk of slugs");
        let picked: Vec<(&str, bool)> = regions[0]
            .choices
            .iter()
            .map(|c| (c.label.as_str(), c.selected))
            .collect();
        assert_eq!(
            picked,
            [("Landkreis Goslar", true), ("Powiat Trzebnicki", false)]
        );
        assert_eq!(regions[1].choices[0].value, "verschwunden");
        assert!(regions[1].choices[0].selected);
        assert!(regions[1].choices[0].label.contains("nicht in der Liste"));
        // The slug of the record itself stays a text field.
        assert_eq!(f.iter().find(|f| f.name == "slug").unwrap().widget, "text");

        // Very many records: suggestions while typing instead of a select.
        let many: Vec<(String, String)> = (0..SELECT_LIMIT + 1)
            .map(|i| (format!("r{i}"), format!("Region {i}")))
            .collect();
        links.0.insert(Kind::Region, many);
        let f = fields::<Partnership>(&p, &[], true, false, &links);
        let regions = &f.iter().find(|f| f.name == "regions").unwrap().children;
        assert_eq!(regions[0].widget, "suggest");
        // One list of suggestions on the page, shared by every picker of the kind.
        assert!(regions[0].datalist && regions[0].choices.len() == SELECT_LIMIT + 1);
        assert!(!regions[1].datalist && regions[1].choices.is_empty());
        assert_eq!(regions[1].widget, "suggest");
        assert_eq!(regions[0].value, "goslar");
    }

    #[test]
    fn a_few_linked_records_are_checkboxes_and_read_back() {
        use kreiskom_core::Journalist;
        let j = serde_json::json!({
            "slug": "erika", "name": "Erika", "email": "erika@example.org",
            "mailing_lists": ["regionalpresse"]
        });
        let mut links = Links::default();
        links.0.insert(
            Kind::MailingList,
            offered(&[
                ("partnerschaften", "Partnerschaften"),
                ("regionalpresse", "Regionalpresse"),
            ]),
        );
        let f = fields::<Journalist>(&j, &[], true, false, &links);
        let lists = f.iter().find(|f| f.name == "mailing_lists").unwrap();
        assert_eq!(lists.widget, "checkboxes");
        let ticked: Vec<&str> = lists
            .choices
            .iter()
            .filter(|c| c.selected)
            .map(|c| c.label.as_str())
            .collect();
        assert_eq!(ticked, ["Regionalpresse"]);

        let form = submitted(vec![
            ("slug".into(), "erika".into()),
            ("name".into(), "Erika".into()),
            ("email".into(), "erika@example.org".into()),
            ("mailing_lists".into(), "partnerschaften".into()),
            ("mailing_lists".into(), "regionalpresse".into()),
        ]);
        let (value, _) = read::<Journalist>(&form);
        assert_eq!(
            value["mailing_lists"],
            serde_json::json!(["partnerschaften", "regionalpresse"])
        );
        // None ticked: the browser sends nothing, and the list is empty.
        let form = submitted(vec![("slug".into(), "erika".into())]);
        let (value, _) = read::<Journalist>(&form);
        assert_eq!(value["mailing_lists"], serde_json::json!([]));
    }
}
