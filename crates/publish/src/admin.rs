//! What the admin pages show: the tenant's records of each kind, one record
//! as a form with its doubt marks and history, the audit log and the
//! dashboard. Access checks are the caller's; these functions only gather.

use std::collections::{BTreeMap, HashMap};

use kreiskom_core::{
    Activity, Channel, Collection, Doubt, FieldError, Kind, KindVisitor, Organisation, Partnership,
    Person, Record, Region, Service, Tenant, TenantSlug, Unit,
};
use kreiskom_store::{AuditEntry, Store, Stored};
use serde::Serialize;
use serde_json::Value;

use crate::form::{self, Field};
use crate::people::People;
use crate::{PublishError, Result};

pub const PAGE_SIZE: usize = 50;

/// The signed-in person as every admin page shows them.
#[derive(Debug, Clone, Serialize)]
pub struct Viewer {
    pub name: String,
    pub email: String,
    pub csrf: String,
    /// Tenants this person may open, with their names.
    pub tenants: Vec<TenantLink>,
    /// Labels of the roles in the current tenant.
    pub roles: Vec<String>,
    /// Kinds this person may change in the current tenant (`Kind::path`).
    pub editable: Vec<String>,
    /// Kinds this person may look at in the current tenant.
    pub readable: Vec<String>,
    /// Holds the administration role here: manages its accounts.
    pub administers: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TenantLink {
    pub slug: String,
    pub name: String,
}

pub use kreiskom_core::TenantScope;

pub async fn tenant(store: &Store, tenant: &TenantSlug) -> Result<Tenant> {
    Ok(store
        .get::<Tenant>(None, tenant.as_str())
        .await?
        .ok_or(PublishError::NotFound)?
        .record)
}

/// The records of one kind that a tenant's admin pages show.
pub async fn tenant_records<R: Record>(
    store: &Store,
    slug: &TenantSlug,
    scope: &TenantScope,
) -> Result<Vec<Stored<R>>> {
    let slugs = match R::KIND {
        Kind::Region => scope.regions.clone(),
        Kind::Partnership => scope.partnerships.clone(),
        Kind::Tenant => vec![slug.to_string()],
        _ => return Ok(store.list::<R>(Some(slug)).await?),
    };
    let slugs: Vec<&str> = slugs.iter().map(String::as_str).collect();
    Ok(store.get_many::<R>(None, &slugs).await?)
}

/// Where a record of the tenant is edited.
pub fn record_path(tenant: &str, kind: Kind, slug: &str) -> String {
    format!("/admin/{tenant}/{}/{slug}", kind.path())
}

/// The names that other records' titles are made of (a partnership's
/// regions, an inquiry's journalist), looked up once per page:
/// "Landkreis Goslar – Powiat Trzebnicki", never "goslar-trebnitz".
#[derive(Debug, Default)]
pub struct Names {
    regions: BTreeMap<String, String>,
    journalists: BTreeMap<String, String>,
}

impl Names {
    pub async fn load<'a>(
        store: &Store,
        tenant: &TenantSlug,
        values: impl IntoIterator<Item = &'a Value>,
    ) -> Result<Self> {
        let (mut regions, mut journalists) = (Vec::new(), Vec::new());
        for v in values {
            for r in v["regions"].as_array().into_iter().flatten() {
                regions.extend(r.as_str().map(str::to_owned));
            }
            journalists.extend(v["journalist"].as_str().map(str::to_owned));
        }
        for list in [&mut regions, &mut journalists] {
            list.sort();
            list.dedup();
        }
        let regions: Vec<&str> = regions.iter().map(String::as_str).collect();
        let journalists: Vec<&str> = journalists.iter().map(String::as_str).collect();
        Ok(Self {
            regions: store
                .get_many::<Region>(None, &regions)
                .await?
                .into_iter()
                .map(|r| (r.record.slug.to_string(), r.record.name().to_owned()))
                .collect(),
            journalists: store
                .get_many::<kreiskom_core::Journalist>(Some(tenant), &journalists)
                .await?
                .into_iter()
                .map(|j| (j.record.slug.to_string(), j.record.name))
                .collect(),
        })
    }

    pub fn title<R: Record>(&self, record: &R) -> String {
        let title = record.title();
        match R::KIND {
            Kind::Partnership => {
                let value = serde_json::to_value(record).expect("records serialize");
                value["regions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(|slug| self.regions.get(slug).map_or(slug, String::as_str))
                    .collect::<Vec<_>>()
                    .join(" – ")
            }
            Kind::PressInquiry => {
                let value = serde_json::to_value(record).expect("records serialize");
                let slug = value["journalist"].as_str().unwrap_or_default();
                match (self.journalists.get(slug), title.strip_prefix(slug)) {
                    (Some(name), Some(rest)) => format!("{name}{rest}"),
                    _ => title,
                }
            }
            _ => title,
        }
    }

    /// The title of a record given as JSON (an audit entry's state), if
    /// it still reads as a record of its kind.
    pub fn title_of_value(&self, kind: Kind, value: &Value) -> Option<String> {
        struct Titled<'a> {
            names: &'a Names,
            value: &'a Value,
            out: Option<String>,
        }
        impl KindVisitor for Titled<'_> {
            fn visit<R: Record>(&mut self) {
                self.out = serde_json::from_value::<R>(self.value.clone())
                    .ok()
                    .map(|r| self.names.title(&r));
            }
        }
        let mut t = Titled {
            names: self,
            value,
            out: None,
        };
        kind.visit(&mut t);
        t.out
    }
}

#[derive(Debug, Serialize)]
pub struct Row {
    title: String,
    href: String,
    /// The kind's own columns, in the order of `ListView::columns`.
    cells: Vec<String>,
    doubts: usize,
    updated: String,
    #[serde(skip)]
    sort: Vec<String>,
}

/// The columns a kind's list shows besides its title, with the field each
/// shows: what a person looks for in that list.
fn columns(kind: Kind) -> &'static [(&'static str, &'static str)] {
    match kind {
        Kind::PressRelease => &[
            ("Nummer", "workflow.number"),
            ("Stand", "workflow.state"),
            ("Sperrfrist", "embargo"),
            ("Veröffentlicht", "workflow.released_at"),
        ],
        Kind::PressInquiry => &[
            ("Stand", "status"),
            ("Eingegangen", "received"),
            ("Frist", "deadline"),
        ],
        Kind::Partnership => &[("Kategorie", "category")],
        Kind::Region => &[("Art", "kind"), ("Staat", "country")],
        Kind::Activity => &[("Art", "kind")],
        Kind::Organisation => &[("Art", "kind")],
        Kind::Journalist => &[("Medium", "medium")],
        Kind::Page => &[("Zuletzt geprüft", "reviewed")],
        Kind::LegalPage => &[("Art", "kind"), ("Zuletzt geprüft", "reviewed")],
        Kind::Feedback => &[("Eingegangen", "received"), ("Beantwortet", "answered")],
        Kind::Channel => &[("Plattform", "platform"), ("Seit", "since")],
        _ => &[],
    }
}

/// Words as a German list sorts them: "Dänemark" before "Deutschland".
fn sort_key(text: &str) -> String {
    text.to_lowercase()
        .replace('ä', "a")
        .replace('ö', "o")
        .replace('ü', "u")
        .replace('ß', "ss")
}

/// A field's value as a list cell shows it, and the key it sorts by.
fn cell(value: &Value, path: &str) -> (String, String) {
    let mut v = value;
    for part in path.split('.') {
        v = &v[part];
    }
    match v {
        Value::Null => (String::new(), String::new()),
        Value::Object(n) if n.contains_key("year") && n.contains_key("number") => {
            let (year, number) = (
                n["year"].as_i64().unwrap_or(0),
                n["number"].as_i64().unwrap_or(0),
            );
            (
                format!("{number}/{:02}", year.rem_euclid(100)),
                format!("{year:06}{number:010}"),
            )
        }
        Value::Bool(b) => (if *b { "ja" } else { "nein" }.to_owned(), b.to_string()),
        Value::String(s) => {
            let key = path.rsplit('.').next().unwrap_or(path);
            if let Ok(t) = kreiskom_core::LocalTime::parse(s) {
                return (t.german(), s.clone());
            }
            if let Ok(d) = kreiskom_core::PartialDate::parse(s) {
                return (crate::german_date(&d), d.first_day().to_string());
            }
            let shown = if key == "country" {
                crate::label("country", s).map_or_else(|| s.clone(), str::to_owned)
            } else {
                crate::labels::value_text(path, s)
            };
            let sort = sort_key(&shown);
            (shown, sort)
        }
        other => (other.to_string(), other.to_string()),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    /// "1" shows only records with open doubt marks.
    #[serde(default)]
    pub hinweise: String,
    #[serde(default)]
    pub seite: Option<usize>,
    /// The column to sort by: "titel", "geaendert" or a column's number.
    #[serde(default)]
    pub sortierung: String,
    /// "ab" sorts descending.
    #[serde(default)]
    pub richtung: String,
}

#[derive(Debug, Serialize)]
pub struct Column {
    label: String,
    /// The link that sorts by this column (or turns the order round).
    href: String,
    /// "ascending", "descending" or "none", for `aria-sort`.
    sorted: &'static str,
}

#[derive(Debug, Serialize)]
pub struct ListView {
    kind: String,
    kind_path: String,
    kind_label: String,
    columns: Vec<Column>,
    rows: Vec<Row>,
    q: String,
    doubts_only: bool,
    page: usize,
    pages: usize,
    total: usize,
    /// "1 Eintrag", "26 Einträge".
    count: String,
    can_create: bool,
    /// The current query without the page, for the pager's links.
    query: String,
}

pub async fn list<R: Record>(
    store: &Store,
    slug: &TenantSlug,
    scope: &TenantScope,
    query: &ListQuery,
    can_create: bool,
) -> Result<ListView> {
    let needle = query.q.trim().to_lowercase();
    let doubts_only = query.hinweise == "1";
    let records = tenant_records::<R>(store, slug, scope).await?;
    let values: Vec<Value> = records
        .iter()
        .map(|s| serde_json::to_value(&s.record).expect("records serialize"))
        .collect();
    let names = Names::load(store, slug, &values).await?;
    let own = columns(R::KIND);
    let mut rows = Vec::new();
    for (s, value) in records.iter().zip(&values) {
        let title = names.title(&s.record);
        let hit = needle.is_empty()
            || title.to_lowercase().contains(&needle)
            || s.record.slug().contains(&needle);
        if !hit || (doubts_only && s.record.doubts().is_empty()) {
            continue;
        }
        let (cells, mut sort): (Vec<String>, Vec<String>) =
            own.iter().map(|(_, path)| cell(value, path)).unzip();
        sort.push(s.updated_at.clone());
        rows.push(Row {
            href: record_path(slug.as_str(), R::KIND, s.record.slug()),
            title,
            cells,
            doubts: s.record.doubts().len(),
            updated: crate::german::timestamp(&s.updated_at),
            sort,
        });
    }
    // Columns: the title, the kind's own, the last change.
    let by: Option<usize> = match query.sortierung.as_str() {
        "" | "titel" => None,
        "geaendert" => Some(own.len()),
        n => n.parse().ok().filter(|i| *i < own.len()),
    };
    let descending = query.richtung == "ab";
    rows.sort_by(|a, b| {
        let order = match by {
            None => sort_key(&a.title).cmp(&sort_key(&b.title)),
            Some(i) => a.sort[i]
                .cmp(&b.sort[i])
                .then_with(|| a.title.cmp(&b.title)),
        };
        if descending {
            order.reverse()
        } else {
            order
        }
    });
    let base = {
        let mut q = format!("q={}", crate::url_encode(&query.q));
        if doubts_only {
            q.push_str("&hinweise=1");
        }
        q
    };
    let column = |label: &str, key: &str, this: Option<usize>| {
        let current = by == this;
        let flip = current && !descending;
        Column {
            label: label.to_owned(),
            href: format!(
                "?{base}&sortierung={key}{}",
                if flip { "&richtung=ab" } else { "" }
            ),
            sorted: match (current, descending) {
                (false, _) => "none",
                (true, false) => "ascending",
                (true, true) => "descending",
            },
        }
    };
    let mut cols = vec![column("Name", "titel", None)];
    for (i, (label, _)) in own.iter().enumerate() {
        cols.push(column(label, &i.to_string(), Some(i)));
    }
    cols.push(column("Zuletzt geändert", "geaendert", Some(own.len())));
    let total = rows.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = query.seite.unwrap_or(1).clamp(1, pages);
    let rows = rows
        .into_iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    let mut current = base.clone();
    if !query.sortierung.is_empty() {
        current.push_str(&format!(
            "&sortierung={}",
            crate::url_encode(&query.sortierung)
        ));
    }
    if descending {
        current.push_str("&richtung=ab");
    }
    Ok(ListView {
        kind: R::KIND.plural().to_owned(),
        kind_path: R::KIND.path().to_owned(),
        kind_label: R::KIND.label_plural().to_owned(),
        columns: cols,
        rows,
        q: query.q.clone(),
        doubts_only,
        page,
        pages,
        count: crate::german::count(total, "Eintrag", "Einträge"),
        total,
        can_create,
        query: current,
    })
}

/// One changed field, for the history and for an edit conflict.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FieldChange {
    /// The dotted path (`timeline.2.date`).
    pub field: String,
    /// The path in German ("Chronik 3 › Datum").
    pub label: String,
    pub before: String,
    pub after: String,
}

/// Between the items of a flattened list; no text contains it.
const LIST_SEPARATOR: &str = "\u{1f}";

/// A flattened value in German: each item of a list on its own.
fn value_text(path: &str, value: &str) -> String {
    value
        .split(LIST_SEPARATOR)
        .map(|v| crate::labels::value_text(path, v))
        .collect::<Vec<_>>()
        .join(", ")
}

fn flatten(prefix: &str, v: &Value, out: &mut BTreeMap<String, String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&p, v, out);
            }
        }
        // A list of plain values (roles, mailing lists) reads as one field:
        // "Rollen: Pressestelle → Pressestelle, Internetredaktion".
        Value::Array(a) if !a.is_empty() && a.iter().all(|v| !(v.is_object() || v.is_array())) => {
            let items: Vec<String> = a
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect();
            out.insert(prefix.to_owned(), items.join(LIST_SEPARATOR));
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                flatten(&format!("{prefix}.{i}"), v, out);
            }
        }
        Value::Null => {}
        Value::String(s) => {
            out.insert(prefix.to_owned(), s.clone());
        }
        other => {
            out.insert(prefix.to_owned(), other.to_string());
        }
    }
}

/// The fields that differ between two versions of a record.
pub fn changes(before: &Value, after: &Value) -> Vec<FieldChange> {
    let (mut a, mut b) = (BTreeMap::new(), BTreeMap::new());
    flatten("", before, &mut a);
    flatten("", after, &mut b);
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| FieldChange {
            field: k.clone(),
            label: crate::labels::field_path_label(k),
            before: a.get(k).map(|v| value_text(k, v)).unwrap_or_default(),
            after: b.get(k).map(|v| value_text(k, v)).unwrap_or_default(),
        })
        .collect()
}

#[derive(Debug, Serialize)]
pub struct HistoryEntry {
    at: String,
    actor: String,
    action: String,
    record: String,
    href: Option<String>,
    changes: Vec<FieldChange>,
}

/// Which kinds' records the viewer may look at (`Actor::may_read_kind`).
pub type Readable<'a> = &'a (dyn Fn(Kind) -> bool + Sync);

/// One line of a history; the record and its values stay hidden from a
/// viewer who may not look at that kind (a journalist's data).
fn history_entry(
    e: &AuditEntry,
    readable: Readable,
    people: &People,
    names: &Names,
) -> HistoryEntry {
    let null = Value::Null;
    let kind = Kind::from_plural(&e.kind);
    let at = crate::german::timestamp(&e.at);
    let actor = people.name(&e.actor);
    if let Some(k) = kind.filter(|k| !readable(*k)) {
        return HistoryEntry {
            at,
            actor,
            action: e.action.label().to_owned(),
            record: k.label().to_owned(),
            href: None,
            changes: Vec::new(),
        };
    }
    let state = e.after.as_ref().or(e.before.as_ref());
    let record = match kind {
        Some(k) => {
            let title = state
                .and_then(|v| names.title_of_value(k, v))
                .unwrap_or_else(|| e.slug.clone());
            format!("{} „{}“", k.label(), title)
        }
        None if e.kind == "accounts" => {
            let name = state
                .and_then(|v| v["name"].as_str())
                .map_or_else(|| people.name(&e.slug), str::to_owned);
            format!("Konto von {name}")
        }
        None => "Datenbestand".to_owned(),
    };
    HistoryEntry {
        at,
        actor,
        action: e.action.label().to_owned(),
        record,
        href: kind
            .filter(|_| !e.tenant.is_empty() && e.after.is_some())
            .map(|k| record_path(&e.tenant, k, &e.slug)),
        changes: changes(
            e.before.as_ref().unwrap_or(&null),
            e.after.as_ref().unwrap_or(&null),
        )
        .into_iter()
        // Doubt marks are resolved on the record page; their keys say
        // nothing. An account is named by its name already.
        .filter(|c| {
            let account_email = e.kind == "accounts" && c.field == "email";
            !c.field.starts_with("doubts") && !account_email
        })
        .collect(),
    }
}

/// Log entries as a page shows them, with people and records named.
async fn history(
    store: &Store,
    tenant: &TenantSlug,
    entries: &[AuditEntry],
    readable: Readable<'_>,
) -> Result<Vec<HistoryEntry>> {
    let people = People::load(store).await?;
    let names = Names::load(
        store,
        tenant,
        entries
            .iter()
            .filter_map(|e| e.after.as_ref().or(e.before.as_ref())),
    )
    .await?;
    Ok(entries
        .iter()
        .map(|e| history_entry(e, readable, &people, &names))
        .collect())
}

#[derive(Debug, Serialize)]
pub struct DoubtItem {
    index: usize,
    field: String,
    note: String,
    source_text: Option<String>,
}

/// One line of a form's error summary: the field in German, linked to
/// the place where it is filled in.
#[derive(Debug, Serialize)]
pub struct ErrorItem {
    label: String,
    message: String,
    /// `#f-timeline-2-date`.
    href: String,
}

impl ErrorItem {
    fn new(e: &FieldError) -> Self {
        Self {
            label: crate::labels::field_path_label(&e.field),
            message: e.message.clone(),
            href: if e.field.is_empty() {
                "#formular".to_owned()
            } else {
                format!("#{}", form::html_id(&e.field))
            },
        }
    }
}

/// What a second editor sees when someone else saved first.
#[derive(Debug, Serialize)]
pub struct Conflict {
    pub actor: String,
    pub at: String,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Serialize)]
pub struct RecordView {
    kind_path: String,
    kind_label: String,
    slug: String,
    title: String,
    is_new: bool,
    can_edit: bool,
    version: i64,
    fields: Vec<Field>,
    errors: Vec<ErrorItem>,
    message: Option<String>,
    conflict: Option<Conflict>,
    doubts: Vec<DoubtItem>,
    history: Vec<HistoryEntry>,
    /// Changes older than the ones shown, found in the tenant's log.
    older_changes: i64,
    public_href: Option<String>,
    /// A content page's earlier versions.
    revisions_href: Option<String>,
    /// What a kind adds to its page (a release's workflow, a journalist's
    /// data rights); rendered by `record_panel.html`.
    panel: Option<Value>,
    /// The record's PDFs from the print office (a release as a letter,
    /// a unit's business cards).
    print: Vec<PrintLink>,
}

#[derive(Debug, Serialize)]
pub struct PrintLink {
    pub href: String,
    pub label: &'static str,
}

impl RecordView {
    pub fn with_panel(mut self, panel: Value) -> Self {
        self.panel = Some(panel);
        self
    }

    pub fn with_print(mut self, links: Vec<PrintLink>) -> Self {
        self.print = links;
        self
    }
}

/// A record's page: `value` is what the form shows (the stored record, or
/// what the user submitted when it could not be saved).
pub struct RecordPage<'a> {
    pub tenant: &'a TenantSlug,
    /// Where the form's choices of linked records come from.
    pub offers: &'a Offers,
    pub value: &'a Value,
    pub version: i64,
    pub doubts: &'a [Doubt],
    pub errors: Vec<FieldError>,
    pub message: Option<String>,
    pub conflict: Option<Conflict>,
    pub is_new: bool,
    pub can_edit: bool,
}

/// How many of a record's latest changes its page shows.
const HISTORY_SHOWN: i64 = 20;

pub async fn record<R: Record>(store: &Store, page: RecordPage<'_>) -> Result<RecordView> {
    let slug = page.value["slug"].as_str().unwrap_or_default().to_owned();
    let (history, older_changes) = if page.is_new {
        (Vec::new(), 0)
    } else {
        let tenant = (R::KIND.scope() == kreiskom_core::Scope::Tenant).then_some(page.tenant);
        let (entries, total) = store
            .recent_audit_of_record(R::KIND, tenant, &slug, HISTORY_SHOWN)
            .await?;
        let shown = history(store, page.tenant, &entries, &|_| true).await?;
        let older = total - shown.len() as i64;
        (shown, older)
    };
    let title = match serde_json::from_value::<R>(page.value.clone()) {
        Ok(r) => Names::load(store, page.tenant, [page.value])
            .await?
            .title(&r),
        Err(_) => slug.clone(),
    };
    let public_href = match R::KIND {
        Kind::Partnership if !page.is_new => {
            Some(format!("/{}/partnerschaften/{slug}", page.tenant))
        }
        Kind::PressRelease => {
            serde_json::from_value::<kreiskom_core::PressRelease>(page.value.clone())
                .ok()
                .and_then(|r| crate::press::release_path(page.tenant.as_str(), &r))
        }
        Kind::Page if !page.is_new => crate::views::content_pages(store, page.tenant)
            .await?
            .into_iter()
            .find(|(p, _)| p.slug.as_str() == slug)
            .map(|(_, path)| path),
        _ => None,
    };
    let revisions_href = (R::KIND == Kind::Page && !page.is_new)
        .then(|| format!("/admin/{}/seiten/{slug}/fassungen", page.tenant));
    Ok(RecordView {
        kind_path: R::KIND.path().to_owned(),
        kind_label: R::KIND.label().to_owned(),
        title,
        is_new: page.is_new,
        can_edit: page.can_edit,
        version: page.version,
        fields: form::fields::<R>(
            page.value,
            &page.errors,
            !page.is_new,
            !page.can_edit,
            &page
                .offers
                .links(store, page.tenant, &form::linked_kinds::<R>())
                .await?,
        ),
        errors: page.errors.iter().map(ErrorItem::new).collect(),
        message: page.message,
        conflict: page.conflict,
        doubts: page
            .doubts
            .iter()
            .enumerate()
            .map(|(index, d)| DoubtItem {
                index,
                field: crate::labels::field_path_label(&d.field),
                note: d.note.clone(),
                source_text: d.source_text.clone(),
            })
            .collect(),
        history,
        older_changes,
        public_href,
        revisions_href,
        panel: None,
        print: Vec::new(),
        slug,
    })
}

/// What forms offer to link to, kept per tenant and kind until the next
/// change (every write raises the generation): a picker asks on each
/// keystroke, and a registry holding the world's twin towns has 17,000
/// regions, which take 200 ms to read and name.
#[derive(Default)]
pub struct Offers {
    kept: std::sync::Mutex<HashMap<(TenantSlug, Kind), (i64, Offered)>>,
}

/// Slugs and titles of the records of a kind, sorted by title.
pub type Offered = std::sync::Arc<Vec<(String, String)>>;

impl Offers {
    /// The records of `kinds` a form offers to link to, by their titles.
    pub async fn links(
        &self,
        store: &Store,
        tenant: &TenantSlug,
        kinds: &[Kind],
    ) -> Result<form::Links> {
        let mut out = form::Links::default();
        for kind in kinds {
            let offered = self.offered(store, tenant, *kind).await?;
            out.0.insert(*kind, offered.as_ref().clone());
        }
        Ok(out)
    }

    /// The records of one kind a form offers, from memory while nothing
    /// changed.
    pub async fn offered(&self, store: &Store, tenant: &TenantSlug, kind: Kind) -> Result<Offered> {
        // Read before loading: a write during the load leaves the older
        // number behind, and the next request loads again.
        let generation = store.generation();
        let key = (tenant.clone(), kind);
        if let Some((kept, offered)) = self.kept.lock().ok().and_then(|m| m.get(&key).cloned()) {
            if kept == generation {
                return Ok(offered);
            }
        }
        let offered = Offered::new(load_offered(store, tenant, kind).await?);
        if let Ok(mut kept) = self.kept.lock() {
            kept.insert(key, (generation, offered.clone()));
        }
        Ok(offered)
    }
}

async fn load_offered(
    store: &Store,
    tenant: &TenantSlug,
    kind: Kind,
) -> Result<Vec<(String, String)>> {
    type Loading<'a> = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Vec<(String, String)>>> + Send + 'a>,
    >;
    struct Load<'a> {
        store: &'a Store,
        tenant: &'a TenantSlug,
        loading: Option<Loading<'a>>,
    }
    impl<'a> KindVisitor for Load<'a> {
        fn visit<R: Record>(&mut self) {
            let (store, tenant) = (self.store, self.tenant);
            self.loading = Some(Box::pin(async move {
                let scope = (R::KIND.scope() == kreiskom_core::Scope::Tenant).then_some(tenant);
                let records = store.records::<R>(scope).await?;
                let values: Vec<Value> = records
                    .iter()
                    .map(|r| serde_json::to_value(r).expect("records serialize"))
                    .collect();
                let names = Names::load(store, tenant, &values).await?;
                let mut offered: Vec<(String, String)> = records
                    .iter()
                    .map(|r| (r.slug().to_owned(), names.title(r)))
                    .collect();
                offered.sort_by_cached_key(|(slug, title)| (sort_key(title), slug.clone()));
                Ok(offered)
            }));
        }
    }
    let mut load = Load {
        store,
        tenant,
        loading: None,
    };
    kind.visit(&mut load);
    let Some(loading) = load.loading else {
        return Ok(Vec::new());
    };
    let mut offered = loading.await?;
    // A district's records link to its own partnerships.
    if kind == Kind::Partnership {
        let scope = store.tenant_scope(tenant).await?;
        offered.retain(|(slug, _)| scope.contains(Kind::Partnership, slug));
    }
    Ok(offered)
}

#[derive(Debug, Serialize)]
pub struct AuditView {
    entries: Vec<HistoryEntry>,
    page: usize,
    pages: usize,
    total: i64,
    /// "1 Eintrag", "312 Einträge".
    count: String,
    people: Vec<form::Choice>,
    kinds: Vec<form::Choice>,
    /// The record the log is narrowed to, by its title.
    record: Option<String>,
    query: AuditQuery,
    /// The filter as a query string, for the pager's links.
    filter: String,
}

/// The log's filter as the form sends it.
#[derive(Debug, Clone, Default, serde::Deserialize, Serialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub seite: Option<usize>,
    /// An e-mail address (or the operator's door).
    #[serde(default)]
    pub person: String,
    /// A kind's admin path (`partnerschaften`).
    #[serde(default)]
    pub art: String,
    /// A record's slug, with `art`.
    #[serde(default)]
    pub datensatz: String,
    /// Days as `<input type="date">` sends them (2026-11-23).
    #[serde(default)]
    pub von: String,
    #[serde(default)]
    pub bis: String,
}

/// The first instant of a day in Germany.
fn day_start(day: &str) -> Option<jiff::Timestamp> {
    let date: jiff::civil::Date = day.trim().parse().ok()?;
    date.to_zoned(kreiskom_core::berlin())
        .ok()
        .map(|z| z.timestamp())
}

pub async fn audit(
    store: &Store,
    tenant: &TenantSlug,
    query: &AuditQuery,
    readable: Readable<'_>,
) -> Result<AuditView> {
    let per_page = 50;
    let page = query.seite.unwrap_or(1).max(1);
    let kind = Kind::from_path(query.art.trim());
    let filter = kreiskom_store::AuditFilter {
        actor: Some(query.person.trim().to_owned()).filter(|p| !p.is_empty()),
        kind: kind.map(|k| k.plural().to_owned()),
        slug: Some(query.datensatz.trim().to_owned()).filter(|s| !s.is_empty() && kind.is_some()),
        from: day_start(&query.von),
        until: query
            .bis
            .trim()
            .parse::<jiff::civil::Date>()
            .ok()
            .and_then(|d| d.tomorrow().ok())
            .and_then(|d| day_start(&d.to_string())),
    };
    let (entries, total) = store
        .audit_filtered(
            tenant,
            &filter,
            ((page - 1) * per_page) as i64,
            per_page as i64,
        )
        .await?;
    let people_names = People::load(store).await?;
    let mut people: Vec<form::Choice> = store
        .audit_actors(tenant)
        .await?
        .into_iter()
        .map(|a| form::Choice {
            label: people_names.name(&a),
            selected: a == query.person.trim(),
            value: a,
        })
        .collect();
    people.sort_by(|a, b| a.label.cmp(&b.label));
    let mut kinds: Vec<form::Choice> = Kind::in_nav_order()
        .into_iter()
        .filter(|k| readable(*k))
        .map(|k| form::Choice {
            value: k.path().to_owned(),
            label: k.label_plural().to_owned(),
            selected: Some(k) == kind,
        })
        .collect();
    kinds.sort_by(|a, b| a.label.cmp(&b.label));
    let record = match (&filter.slug, kind) {
        (Some(slug), Some(k)) if readable(k) => {
            let at = (k.scope() == kreiskom_core::Scope::Tenant).then_some(tenant);
            let (last, _) = store.recent_audit_of_record(k, at, slug, 1).await?;
            let state = last
                .first()
                .and_then(|e| e.after.clone().or(e.before.clone()));
            let title = match &state {
                Some(v) => Names::load(store, tenant, [v]).await?.title_of_value(k, v),
                None => None,
            };
            Some(format!(
                "{} „{}“",
                k.label(),
                title.unwrap_or_else(|| slug.clone())
            ))
        }
        _ => None,
    };
    let mut filter_qs = Vec::new();
    for (key, value) in [
        ("person", &query.person),
        ("art", &query.art),
        ("datensatz", &query.datensatz),
        ("von", &query.von),
        ("bis", &query.bis),
    ] {
        if !value.trim().is_empty() {
            filter_qs.push(format!("{key}={}", crate::url_encode(value.trim())));
        }
    }
    Ok(AuditView {
        entries: history(store, tenant, &entries, readable).await?,
        page,
        pages: (total as usize).div_ceil(per_page).max(1),
        count: crate::german::count(total as usize, "Eintrag", "Einträge"),
        total,
        people,
        kinds,
        record,
        query: query.clone(),
        filter: filter_qs.join("&"),
    })
}

#[derive(Debug, Serialize)]
pub struct DoubtRow {
    kind: String,
    title: String,
    href: String,
    field: String,
    note: String,
    source_text: Option<String>,
}

async fn doubt_rows<R: Record>(
    store: &Store,
    slug: &TenantSlug,
    scope: &TenantScope,
    out: &mut Vec<DoubtRow>,
) -> Result<()> {
    let records = tenant_records::<R>(store, slug, scope).await?;
    let with_doubts: Vec<Value> = records
        .iter()
        .filter(|s| !s.record.doubts().is_empty())
        .map(|s| serde_json::to_value(&s.record).expect("records serialize"))
        .collect();
    let names = Names::load(store, slug, &with_doubts).await?;
    for s in records {
        for d in s.record.doubts() {
            out.push(DoubtRow {
                kind: R::KIND.label().to_owned(),
                title: names.title(&s.record),
                href: record_path(slug.as_str(), R::KIND, s.record.slug()),
                field: crate::labels::field_path_label(&d.field),
                note: d.note.clone(),
                source_text: d.source_text.clone(),
            });
        }
    }
    Ok(())
}

/// Every open doubt mark on the records a tenant looks after.
pub async fn doubts(
    store: &Store,
    slug: &TenantSlug,
    scope: &TenantScope,
) -> Result<Vec<DoubtRow>> {
    let mut out = Vec::new();
    doubt_rows::<Tenant>(store, slug, scope, &mut out).await?;
    doubt_rows::<Region>(store, slug, scope, &mut out).await?;
    doubt_rows::<Partnership>(store, slug, scope, &mut out).await?;
    doubt_rows::<Unit>(store, slug, scope, &mut out).await?;
    doubt_rows::<Person>(store, slug, scope, &mut out).await?;
    doubt_rows::<Organisation>(store, slug, scope, &mut out).await?;
    doubt_rows::<Activity>(store, slug, scope, &mut out).await?;
    doubt_rows::<Collection>(store, slug, scope, &mut out).await?;
    doubt_rows::<Service>(store, slug, scope, &mut out).await?;
    doubt_rows::<Channel>(store, slug, scope, &mut out).await?;
    Ok(out)
}

#[derive(Debug, Serialize)]
pub struct KindCount {
    path: String,
    label: String,
    count: usize,
}

/// An open press inquiry that is due today or overdue.
#[derive(Debug, Serialize)]
pub struct DueInquiry {
    slug: String,
    title: String,
    deadline: String,
    overdue: bool,
}

#[derive(Debug, Serialize)]
pub struct DashboardView {
    /// Releases waiting for this person's approval (`None`: not an approver).
    approvals: Option<Vec<WaitingRelease>>,
    /// The press office's releases: returned with a comment, or waiting.
    returned: Vec<WaitingRelease>,
    submitted: Vec<WaitingRelease>,
    inquiries: Vec<DueInquiry>,
    /// Whether the viewer may see inquiries at all (the press office).
    inquiries_shown: bool,
    /// Mailings that failed or whose outcome is unknown (`None`: not shown
    /// to this role).
    deliveries: Option<Vec<Trouble>>,
    /// Open doubt marks, for those who keep the registry (`None` for others).
    doubts: Option<usize>,
    /// Legal pages that are missing or whose yearly review is due.
    legal: Vec<LegalDue>,
    /// Feedback on accessibility not yet answered, for those who may read it.
    open_feedback: Option<usize>,
    /// Whether the viewer looks after the pages' freshness.
    pub freshness_shown: bool,
    counts: Vec<KindCount>,
    recent: Vec<HistoryEntry>,
}

/// A press release in a workflow step, with the step's who and when.
#[derive(Debug, Serialize)]
pub struct WaitingRelease {
    title: String,
    href: String,
    by: String,
    at: String,
    /// Submitted by the viewer: four eyes, someone else approves.
    own: bool,
    comment: Option<String>,
}

/// Something that went wrong on its way out, with where to look.
#[derive(Debug, Serialize)]
pub struct Trouble {
    title: String,
    href: Option<String>,
    text: String,
}

#[derive(Debug, Serialize)]
struct LegalDue {
    /// "Erklärung zur Barrierefreiheit".
    title: &'static str,
    path: &'static str,
    /// Where the page is stored, for the link; None when it is missing.
    slug: Option<String>,
    /// "jährliche Überprüfung fällig seit 1. Oktober 2026"; "fehlt".
    state: String,
}

/// The legal pages a district needs and has not (or has not reviewed for
/// a year). Leichte Sprache and Gebärdensprache count where the Land's law
/// asks for them.
async fn legal_due(
    store: &Store,
    slug: &TenantSlug,
    today: jiff::civil::Date,
) -> Result<Vec<LegalDue>> {
    use kreiskom_core::{LegalKind, LegalPage, PartialDate};
    let pages = store.records::<LegalPage>(Some(slug)).await?;
    let mut out = Vec::new();
    for kind in LegalKind::ALL {
        let page = pages.iter().find(|p| p.kind == kind);
        let needed = !matches!(kind, LegalKind::EasyLanguage | LegalKind::SignLanguage);
        let state = match page {
            None if needed => "fehlt".to_owned(),
            None => continue,
            Some(p) if !p.review_is_due(today) => continue,
            Some(p) => match p.review_due() {
                Some(due) => format!(
                    "jährliche Überprüfung fällig seit {}",
                    crate::german_date(&PartialDate::Day(due))
                ),
                None => "noch nie überprüft".to_owned(),
            },
        };
        out.push(LegalDue {
            title: kind.title(),
            path: kind.path(),
            slug: page.map(|p| p.slug.to_string()),
            state,
        });
    }
    Ok(out)
}

fn german_instant(at: Option<jiff::Timestamp>) -> String {
    at.map(|t| crate::german::timestamp(&t.to_string()))
        .unwrap_or_default()
}

/// The releases on the dashboard: what waits for approval, and for the
/// press office what came back.
fn release_steps(
    releases: &[Stored<kreiskom_core::PressRelease>],
    tenant: &TenantSlug,
    actor: &kreiskom_core::Actor,
    people: &People,
) -> (Vec<WaitingRelease>, Vec<WaitingRelease>) {
    use kreiskom_core::ReleaseState;
    let (mut submitted, mut returned) = (Vec::new(), Vec::new());
    for r in releases {
        let w = &r.record.workflow;
        let href = record_path(tenant.as_str(), Kind::PressRelease, r.record.slug.as_str());
        match w.state {
            ReleaseState::Submitted => submitted.push((
                w.submitted_at,
                WaitingRelease {
                    title: r.record.title(),
                    href,
                    by: people.name(w.submitted_by.as_deref().unwrap_or_default()),
                    at: german_instant(w.submitted_at),
                    own: w.submitted_by.as_deref() == Some(actor.name()),
                    comment: None,
                },
            )),
            ReleaseState::Draft if w.returned_at.is_some() => returned.push((
                w.returned_at,
                WaitingRelease {
                    title: r.record.title(),
                    href,
                    by: people.name(w.returned_by.as_deref().unwrap_or_default()),
                    at: german_instant(w.returned_at),
                    own: false,
                    comment: w.return_comment.clone(),
                },
            )),
            _ => {}
        }
    }
    let oldest_first = |mut v: Vec<(Option<jiff::Timestamp>, WaitingRelease)>| {
        v.sort_by_key(|(at, _)| *at);
        v.into_iter().map(|(_, r)| r).collect()
    };
    (oldest_first(submitted), oldest_first(returned))
}

/// The outbox's troubles in words, each linked to the release it is about.
fn troubles(
    jobs: Vec<kreiskom_store::TroubledJob>,
    tenant: &TenantSlug,
    titles: &BTreeMap<String, String>,
) -> Vec<Trouble> {
    jobs.into_iter()
        .map(|j| {
            let mut parts = Vec::new();
            if j.failed == 1 {
                parts.push("1 Zustellung fehlgeschlagen".to_owned());
            } else if j.failed > 1 {
                parts.push(format!("{} Zustellungen fehlgeschlagen", j.failed));
            }
            if j.uncertain == 1 {
                parts.push("1 Zustellung ungewiss, bitte prüfen".to_owned());
            } else if j.uncertain > 1 {
                parts.push(format!(
                    "{} Zustellungen ungewiss, bitte prüfen",
                    j.uncertain
                ));
            }
            if j.state == kreiskom_store::JobState::Failed {
                parts.push(match &j.error {
                    Some(e) => format!("Versand abgebrochen: {e}"),
                    None => "Versand abgebrochen".to_owned(),
                });
            }
            let release = j.kind == <kreiskom_core::ReleaseMail as kreiskom_core::Payload>::KIND;
            Trouble {
                title: titles
                    .get(&j.subject)
                    .cloned()
                    .unwrap_or_else(|| "E-Mail-Versand".to_owned()),
                href: release.then(|| record_path(tenant.as_str(), Kind::PressRelease, &j.subject)),
                text: parts.join("; "),
            }
        })
        .collect()
}

pub async fn dashboard(
    store: &Store,
    slug: &TenantSlug,
    scope: &TenantScope,
    now: jiff::Timestamp,
    actor: &kreiskom_core::Actor,
) -> Result<DashboardView> {
    let readable = |k| actor.may_read_kind(slug, k);
    let people = People::load(store).await?;
    let keeps_registry =
        actor.may_edit(slug, Kind::Partnership) || actor.may_edit(slug, Kind::Region);
    let doubts = if keeps_registry {
        Some(doubts(store, slug, scope).await?.len())
    } else {
        None
    };
    let approver = kreiskom_core::press::may_approve(actor, slug);
    let author = actor.may_edit(slug, Kind::PressRelease);
    let releases = if approver || author {
        store
            .list::<kreiskom_core::PressRelease>(Some(slug))
            .await?
    } else {
        Vec::new()
    };
    let (submitted, returned) = release_steps(&releases, slug, actor, &people);
    let (approvals, submitted) = if approver {
        (Some(submitted), Vec::new())
    } else {
        (None, submitted)
    };
    let deliveries = if author {
        let titles: BTreeMap<String, String> = releases
            .iter()
            .map(|r| (r.record.slug.to_string(), r.record.title()))
            .collect();
        Some(troubles(store.troubled_jobs(slug).await?, slug, &titles))
    } else {
        None
    };
    let mut inquiries: Vec<(kreiskom_core::LocalTime, DueInquiry)> = Vec::new();
    let inquiries_shown = readable(Kind::PressInquiry);
    let visible = if inquiries_shown {
        store
            .records::<kreiskom_core::PressInquiry>(Some(slug))
            .await?
    } else {
        Vec::new()
    };
    let values: Vec<Value> = visible
        .iter()
        .map(|q| serde_json::to_value(q).expect("records serialize"))
        .collect();
    let names = Names::load(store, slug, &values).await?;
    for q in visible {
        let (Some(due), Some(deadline)) = (q.due(now), q.deadline) else {
            continue;
        };
        if due == kreiskom_core::Due::Later {
            continue;
        }
        inquiries.push((
            deadline,
            DueInquiry {
                slug: q.slug.to_string(),
                title: names.title(&q),
                deadline: deadline.german(),
                overdue: due == kreiskom_core::Due::Overdue,
            },
        ));
    }
    inquiries.sort_by_key(|(d, _)| *d);
    let inquiries = inquiries.into_iter().map(|(_, q)| q).collect();
    let counts = vec![
        KindCount {
            path: Kind::Partnership.path().into(),
            label: Kind::Partnership.label_plural().into(),
            count: scope.partnerships.len(),
        },
        KindCount {
            path: Kind::Region.path().into(),
            label: Kind::Region.label_plural().into(),
            count: scope.regions.len(),
        },
    ];
    let (recent, _) = store.audit_of_tenant(slug, 0, 10).await?;
    let today = now.to_zoned(kreiskom_core::berlin()).date();
    let legal = if actor.may_edit(slug, Kind::LegalPage) {
        legal_due(store, slug, today).await?
    } else {
        Vec::new()
    };
    let open_feedback = if readable(Kind::Feedback) {
        let all = store.records::<kreiskom_core::Feedback>(Some(slug)).await?;
        Some(all.iter().filter(|f| !f.answered).count())
    } else {
        None
    };
    Ok(DashboardView {
        approvals,
        returned,
        submitted,
        inquiries,
        inquiries_shown,
        deliveries,
        doubts,
        legal,
        open_feedback,
        freshness_shown: actor.may_edit(slug, Kind::Page),
        counts,
        recent: history(store, slug, &recent, &readable).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_name_each_differing_field() {
        let before = serde_json::json!({"name": "A", "facts": [{"value": 1}], "website": null});
        let after = serde_json::json!({"name": "B", "facts": [{"value": 1}, {"value": 2}]});
        assert_eq!(
            changes(&before, &after),
            vec![
                FieldChange {
                    field: "facts.1.value".into(),
                    label: "Kennzahlen 2 › Wert".into(),
                    before: String::new(),
                    after: "2".into()
                },
                FieldChange {
                    field: "name".into(),
                    label: "Name".into(),
                    before: "A".into(),
                    after: "B".into()
                },
            ]
        );
    }
}

#[derive(Debug, Serialize)]
pub struct NavItem {
    path: String,
    label: String,
}

/// One task of the workspace with its pages.
#[derive(Debug, Serialize)]
pub struct NavGroup {
    label: &'static str,
    items: Vec<NavItem>,
}

/// A group's label, its kinds' lists and its other pages (path, label).
type NavGroupSpec = (
    &'static str,
    &'static [Kind],
    &'static [(&'static str, &'static str)],
);

/// The workspace by task; a page is listed where its work is done.
const NAV_GROUPS: &[NavGroupSpec] = &[
    (
        "Presse",
        &[
            Kind::PressRelease,
            Kind::PressInquiry,
            Kind::Journalist,
            Kind::MailingList,
        ],
        &[],
    ),
    (
        "Partnerschaften",
        &[
            Kind::Partnership,
            Kind::Region,
            Kind::Activity,
            Kind::Organisation,
            Kind::Collection,
        ],
        &[
            ("hinweise", "Hinweise zu den Daten"),
            ("partnerschaften/liste", "Liste einlesen"),
        ],
    ),
    (
        "Web",
        &[
            Kind::Page,
            Kind::LegalPage,
            Kind::MediaFile,
            Kind::Service,
            Kind::Feedback,
        ],
        &[("aktualitaet", "Aktualität")],
    ),
    (
        "Soziale Medien",
        &[Kind::Post, Kind::Channel],
        &[("beitraege/kalender", "Kalender der Beiträge")],
    ),
    (
        "Druck",
        &[
            Kind::PrintOrder,
            Kind::PrintForm,
            Kind::ParticipantList,
            Kind::Person,
            Kind::Unit,
        ],
        &[("druckerei", "Druckerei: Warteschlange")],
    ),
    (
        "Verwaltung",
        &[Kind::Tenant],
        &[
            ("konten/", "Konten"),
            ("protokoll", "Protokoll"),
            ("zahlen", "Zahlen"),
        ],
    ),
];

/// Around every admin page: who is signed in, which tenant, which section.
#[derive(Debug, Serialize)]
pub struct Frame {
    pub viewer: Viewer,
    pub tenant: Option<TenantLink>,
    pub here: String,
    nav: Vec<NavGroup>,
}

impl Frame {
    pub fn new(viewer: Viewer, tenant: Option<TenantLink>, here: &str) -> Self {
        // What the role keeps up to date; a read-only account reads all.
        let shown: &[String] = if viewer.editable.is_empty() {
            &viewer.readable
        } else {
            &viewer.editable
        };
        let has = |k: Kind| shown.iter().any(|p| p == k.path());
        let nav = NAV_GROUPS
            .iter()
            .filter_map(|(label, kinds, pages)| {
                let mut items: Vec<NavItem> = kinds
                    .iter()
                    .filter(|k| has(**k))
                    .map(|k| NavItem {
                        path: format!("{}/", k.path()),
                        label: k.label_plural().to_owned(),
                    })
                    .collect();
                if items.is_empty() && *label != "Verwaltung" {
                    return None;
                }
                for (path, page_label) in *pages {
                    let usable = match *path {
                        "hinweise" => has(Kind::Partnership) || has(Kind::Region),
                        "partnerschaften/liste" => [Kind::Partnership, Kind::Region]
                            .iter()
                            .all(|k| viewer.editable.iter().any(|p| p == k.path())),
                        "aktualitaet" => has(Kind::Page) || has(Kind::FindingCheck),
                        "druckerei" => has(Kind::PrintOrder),
                        "konten/" => viewer.administers,
                        _ => true,
                    };
                    if usable {
                        items.push(NavItem {
                            path: (*path).to_owned(),
                            label: (*page_label).to_owned(),
                        });
                    }
                }
                Some(NavGroup { label, items })
            })
            .collect();
        Self {
            tenant,
            here: here.to_owned(),
            nav,
            viewer,
        }
    }
}

#[cfg(test)]
mod nav_tests {
    use super::*;

    /// Every kind with a page of its own is in one group of the navigation.
    #[test]
    fn every_listed_kind_has_its_place() {
        for k in Kind::ALL {
            let places = NAV_GROUPS
                .iter()
                .filter(|(_, kinds, _)| kinds.contains(k))
                .count();
            let own_page = *k != Kind::FindingCheck;
            assert_eq!(places, usize::from(own_page), "{k:?}");
        }
    }
}
