//! What the admin pages show: the tenant's records of each kind, one record
//! as a form with its doubt marks and history, the audit log and the
//! dashboard. Access checks are the caller's; these functions only gather.

use std::collections::BTreeMap;

use kreiskom_core::{
    Activity, Channel, Collection, Doubt, FieldError, Kind, Organisation, Partnership, Person,
    Record, Region, Service, Tenant, TenantSlug, Unit,
};
use kreiskom_store::{AuditEntry, Store, Stored};
use serde::Serialize;
use serde_json::Value;

use crate::form::{self, Field};
use crate::{PublishError, Result};

pub const PAGE_SIZE: usize = 25;

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

/// Region names for partnership titles ("Landkreis Goslar – Powiat
/// Trzebnicki"), looked up once per page.
async fn title_of<R: Record>(
    store: &Store,
    record: &R,
    names: &mut BTreeMap<String, String>,
) -> Result<String> {
    if R::KIND != Kind::Partnership {
        return Ok(record.title());
    }
    let value = serde_json::to_value(record).expect("records serialize");
    let mut parts = Vec::new();
    for r in value["regions"].as_array().into_iter().flatten() {
        let slug = r.as_str().unwrap_or_default().to_owned();
        if !names.contains_key(&slug) {
            let name = store
                .get::<Region>(None, &slug)
                .await?
                .map_or_else(|| slug.clone(), |r| r.record.name().to_owned());
            names.insert(slug.clone(), name);
        }
        parts.push(names[&slug].clone());
    }
    Ok(parts.join(" – "))
}

/// The names of the regions a list of partnerships names, in one query.
async fn region_names<R: Record>(
    store: &Store,
    records: &[Stored<R>],
) -> Result<BTreeMap<String, String>> {
    if R::KIND != Kind::Partnership {
        return Ok(BTreeMap::new());
    }
    let mut slugs: Vec<String> = records
        .iter()
        .filter_map(|s| serde_json::to_value(&s.record).ok())
        .flat_map(|v| {
            v["regions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r.as_str().map(str::to_owned))
                .collect::<Vec<_>>()
        })
        .collect();
    slugs.sort();
    slugs.dedup();
    let slugs: Vec<&str> = slugs.iter().map(String::as_str).collect();
    Ok(store
        .get_many::<Region>(None, &slugs)
        .await?
        .into_iter()
        .map(|r| (r.record.slug.to_string(), r.record.name().to_owned()))
        .collect())
}

#[derive(Debug, Serialize)]
pub struct Row {
    slug: String,
    title: String,
    href: String,
    doubts: usize,
    updated: String,
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
}

#[derive(Debug, Serialize)]
pub struct ListView {
    kind: String,
    kind_path: String,
    kind_label: String,
    rows: Vec<Row>,
    q: String,
    doubts_only: bool,
    page: usize,
    pages: usize,
    total: usize,
    can_create: bool,
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
    let mut names = region_names(store, &records).await?;
    let mut rows = Vec::new();
    for s in records {
        let title = title_of(store, &s.record, &mut names).await?;
        let hit = needle.is_empty()
            || title.to_lowercase().contains(&needle)
            || s.record.slug().contains(&needle);
        if !hit || (doubts_only && s.record.doubts().is_empty()) {
            continue;
        }
        rows.push(Row {
            href: record_path(slug.as_str(), R::KIND, s.record.slug()),
            slug: s.record.slug().to_owned(),
            title,
            doubts: s.record.doubts().len(),
            updated: crate::german::timestamp(&s.updated_at),
        });
    }
    rows.sort_by_key(|r| r.title.to_lowercase());
    let total = rows.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = query.seite.unwrap_or(1).clamp(1, pages);
    let rows = rows
        .into_iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    Ok(ListView {
        kind: R::KIND.plural().to_owned(),
        kind_path: R::KIND.path().to_owned(),
        kind_label: R::KIND.label_plural().to_owned(),
        rows,
        q: query.q.clone(),
        doubts_only,
        page,
        pages,
        total,
        can_create,
    })
}

/// One changed field, for the history and for an edit conflict.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
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
            before: a.get(k).cloned().unwrap_or_default(),
            after: b.get(k).cloned().unwrap_or_default(),
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
fn history_entry(e: &AuditEntry, readable: Readable) -> HistoryEntry {
    let null = Value::Null;
    let kind = Kind::from_plural(&e.kind);
    if let Some(k) = kind.filter(|k| !readable(*k)) {
        return HistoryEntry {
            at: crate::german::timestamp(&e.at),
            actor: e.actor.clone(),
            action: e.action.label().to_owned(),
            record: k.label().to_owned(),
            href: None,
            changes: Vec::new(),
        };
    }
    HistoryEntry {
        at: crate::german::timestamp(&e.at),
        actor: e.actor.clone(),
        action: e.action.label().to_owned(),
        record: match kind {
            Some(k) => format!("{} „{}“", k.label(), e.slug),
            None if e.kind == "accounts" => format!("Konto „{}“", e.slug),
            None => "Datenbestand".to_owned(),
        },
        href: kind
            .filter(|_| !e.tenant.is_empty() && e.after.is_some())
            .map(|k| record_path(&e.tenant, k, &e.slug)),
        changes: changes(
            e.before.as_ref().unwrap_or(&null),
            e.after.as_ref().unwrap_or(&null),
        ),
    }
}

#[derive(Debug, Serialize)]
pub struct DoubtItem {
    index: usize,
    field: String,
    note: String,
    source_text: Option<String>,
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
    errors: Vec<FieldError>,
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
}

impl RecordView {
    pub fn with_panel(mut self, panel: Value) -> Self {
        self.panel = Some(panel);
        self
    }
}

/// A record's page: `value` is what the form shows (the stored record, or
/// what the user submitted when it could not be saved).
pub struct RecordPage<'a> {
    pub tenant: &'a TenantSlug,
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
        let shown: Vec<HistoryEntry> = entries
            .iter()
            .map(|e| history_entry(e, &|_| true))
            .collect();
        let older = total - shown.len() as i64;
        (shown, older)
    };
    let title = match serde_json::from_value::<R>(page.value.clone()) {
        Ok(r) => title_of(store, &r, &mut BTreeMap::new()).await?,
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
        fields: form::fields::<R>(page.value, &page.errors, !page.is_new, !page.can_edit),
        errors: page.errors,
        message: page.message,
        conflict: page.conflict,
        doubts: page
            .doubts
            .iter()
            .enumerate()
            .map(|(index, d)| DoubtItem {
                index,
                field: d.field.clone(),
                note: d.note.clone(),
                source_text: d.source_text.clone(),
            })
            .collect(),
        history,
        older_changes,
        public_href,
        revisions_href,
        panel: None,
        slug,
    })
}

#[derive(Debug, Serialize)]
pub struct AuditView {
    entries: Vec<HistoryEntry>,
    page: usize,
    pages: usize,
    total: i64,
}

pub async fn audit(
    store: &Store,
    tenant: &TenantSlug,
    page: Option<usize>,
    readable: Readable<'_>,
) -> Result<AuditView> {
    let per_page = 50;
    let page = page.unwrap_or(1).max(1);
    let (entries, total) = store
        .audit_of_tenant(tenant, ((page - 1) * per_page) as i64, per_page as i64)
        .await?;
    Ok(AuditView {
        entries: entries.iter().map(|e| history_entry(e, readable)).collect(),
        page,
        pages: (total as usize).div_ceil(per_page).max(1),
        total,
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
    let mut names = BTreeMap::new();
    for s in tenant_records::<R>(store, slug, scope).await? {
        for d in s.record.doubts() {
            out.push(DoubtRow {
                kind: R::KIND.label().to_owned(),
                title: title_of(store, &s.record, &mut names).await?,
                href: record_path(slug.as_str(), R::KIND, s.record.slug()),
                field: d.field.clone(),
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
    inquiries: Vec<DueInquiry>,
    /// Whether the viewer may see inquiries at all (the press office).
    inquiries_shown: bool,
    doubts: usize,
    /// Legal pages that are missing or whose yearly review is due.
    legal: Vec<LegalDue>,
    /// Feedback on accessibility not yet answered, for those who may read it.
    open_feedback: Option<usize>,
    counts: Vec<KindCount>,
    recent: Vec<HistoryEntry>,
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

pub async fn dashboard(
    store: &Store,
    slug: &TenantSlug,
    scope: &TenantScope,
    now: jiff::Timestamp,
    readable: Readable<'_>,
) -> Result<DashboardView> {
    let doubts = doubts(store, slug, scope).await?.len();
    let mut inquiries: Vec<(kreiskom_core::LocalTime, DueInquiry)> = Vec::new();
    let inquiries_shown = readable(Kind::PressInquiry);
    let visible = if inquiries_shown {
        store
            .records::<kreiskom_core::PressInquiry>(Some(slug))
            .await?
    } else {
        Vec::new()
    };
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
                title: q.title(),
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
    let legal = legal_due(store, slug, today).await?;
    let open_feedback = if readable(Kind::Feedback) {
        let all = store.records::<kreiskom_core::Feedback>(Some(slug)).await?;
        Some(all.iter().filter(|f| !f.answered).count())
    } else {
        None
    };
    Ok(DashboardView {
        inquiries,
        inquiries_shown,
        doubts,
        legal,
        open_feedback,
        counts,
        recent: recent.iter().map(|e| history_entry(e, readable)).collect(),
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
                    before: String::new(),
                    after: "2".into()
                },
                FieldChange {
                    field: "name".into(),
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

/// Around every admin page: who is signed in, which tenant, which section.
#[derive(Debug, Serialize)]
pub struct Frame {
    pub viewer: Viewer,
    pub tenant: Option<TenantLink>,
    pub here: String,
    nav: Vec<NavItem>,
}

impl Frame {
    pub fn new(viewer: Viewer, tenant: Option<TenantLink>, here: &str) -> Self {
        Self {
            tenant,
            here: here.to_owned(),
            nav: Kind::in_nav_order()
                .into_iter()
                .filter(|k| viewer.readable.iter().any(|p| p == k.path()))
                // Checks are made and shown on the freshness page.
                .filter(|k| *k != Kind::FindingCheck)
                .map(|k| NavItem {
                    path: k.path().to_owned(),
                    label: k.label_plural().to_owned(),
                })
                .collect(),
            viewer,
        }
    }
}
