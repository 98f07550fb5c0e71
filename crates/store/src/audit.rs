//! The audit log: who changed what, when, and how it looked before and
//! after. Entries are written in the transaction of the change; nothing in
//! the store updates or deletes them.

use kreiskom_core::{Kind, TenantSlug};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};

use crate::{Result, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Delete,
    Import,
    AccountCreated,
    AccountDisabled,
    AccountEnabled,
    Submitted,
    Approved,
    ReturnedToDraft,
    Withdrawn,
    /// Personal data removed on request (GDPR Art. 17).
    Erased,
}

impl Action {
    fn key(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Import => "import",
            Action::AccountCreated => "account_created",
            Action::AccountDisabled => "account_disabled",
            Action::AccountEnabled => "account_enabled",
            Action::Submitted => "submitted",
            Action::Approved => "approved",
            Action::ReturnedToDraft => "returned_to_draft",
            Action::Withdrawn => "withdrawn",
            Action::Erased => "erased",
        }
    }

    fn parse(s: &str) -> Action {
        match s {
            "create" => Action::Create,
            "delete" => Action::Delete,
            "import" => Action::Import,
            "account_created" => Action::AccountCreated,
            "account_disabled" => Action::AccountDisabled,
            "account_enabled" => Action::AccountEnabled,
            "submitted" => Action::Submitted,
            "approved" => Action::Approved,
            "returned_to_draft" => Action::ReturnedToDraft,
            "withdrawn" => Action::Withdrawn,
            "erased" => Action::Erased,
            _ => Action::Update,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Action::Create => "angelegt",
            Action::Update => "geändert",
            Action::Delete => "gelöscht",
            Action::Import => "importiert",
            Action::AccountCreated => "angelegt",
            Action::AccountDisabled => "gesperrt",
            Action::AccountEnabled => "entsperrt",
            Action::Submitted => "zur Freigabe eingereicht",
            Action::Approved => "freigegeben",
            Action::ReturnedToDraft => "in den Entwurf zurückgegeben",
            Action::Withdrawn => "zurückgezogen",
            Action::Erased => "auf Antrag gelöscht (DSGVO)",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub at: String,
    pub actor: String,
    /// The tenant the change was made in ('' for installation-wide ones).
    pub tenant: String,
    /// `regions`, `partnerships`, …, or `accounts`, `dataset`.
    pub kind: String,
    pub slug: String,
    pub action: Action,
    pub version: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Which entries of a tenant's log to show; `None` leaves a part open.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    /// The kind's plural (`partnerships`).
    pub kind: Option<String>,
    pub slug: Option<String>,
    pub from: Option<jiff::Timestamp>,
    /// The first instant no longer shown.
    pub until: Option<jiff::Timestamp>,
}

/// What one change looks like before it is written.
pub(crate) struct Change<'a> {
    pub actor: &'a str,
    pub tenant: &'a str,
    pub kind: &'a str,
    pub slug: &'a str,
    pub action: Action,
    pub version: Option<i64>,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
}

pub(crate) async fn append(tx: &mut Transaction<'static, Any>, change: Change<'_>) -> Result<()> {
    let now = jiff::Timestamp::now();
    let at = now.round(jiff::Unit::Second).unwrap_or(now).to_string();
    let id = format!(
        "{:020}-{:016x}",
        now.as_microsecond(),
        rand::random::<u64>()
    );
    sqlx::query(
        "INSERT INTO audit_log (id, at, at_us, actor, tenant, kind, slug, action, version, before, after, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $2, $2)",
    )
    .bind(&id)
    .bind(&at)
    .bind(now.as_microsecond())
    .bind(change.actor)
    .bind(change.tenant)
    .bind(change.kind)
    .bind(change.slug)
    .bind(change.action.key())
    .bind(change.version)
    .bind(change.before)
    .bind(change.after)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn entry(row: &sqlx::any::AnyRow) -> Result<AuditEntry> {
    let json = |col: &str| -> Result<Option<serde_json::Value>> {
        let raw: Option<String> = row.try_get(col)?;
        Ok(raw.and_then(|s| serde_json::from_str(&s).ok()))
    };
    Ok(AuditEntry {
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        tenant: row.try_get("tenant")?,
        kind: row.try_get("kind")?,
        slug: row.try_get("slug")?,
        action: Action::parse(&row.try_get::<String, _>("action")?),
        version: row.try_get("version")?,
        before: json("before")?,
        after: json("after")?,
    })
}

fn bind_filter<'q>(
    q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    tenant: &'q TenantSlug,
    f: &'q AuditFilter,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    q.bind(tenant.as_str())
        .bind(f.actor.as_deref())
        .bind(f.kind.as_deref())
        .bind(f.slug.as_deref())
        .bind(f.from.map(|t| t.as_microsecond()))
        .bind(f.until.map(|t| t.as_microsecond()))
}

const COLUMNS: &str = "at, actor, tenant, kind, slug, action, version, before, after";

impl Store {
    /// The history of one record, newest first. Shared records are asked
    /// for without a tenant and show changes made from every tenant.
    pub async fn audit_of_record(
        &self,
        kind: Kind,
        tenant: Option<&TenantSlug>,
        slug: &str,
    ) -> Result<Vec<AuditEntry>> {
        Ok(self
            .recent_audit_of_record(kind, tenant, slug, i64::MAX)
            .await?
            .0)
    }

    /// The latest `limit` changes of one record, newest first, and how many
    /// there are in all.
    pub async fn recent_audit_of_record(
        &self,
        kind: Kind,
        tenant: Option<&TenantSlug>,
        slug: &str,
        limit: i64,
    ) -> Result<(Vec<AuditEntry>, i64)> {
        // Shared records (no tenant) are found under every tenant.
        let tenant = tenant.map(TenantSlug::as_str);
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE kind = $1 AND slug = $2 AND ($3 IS NULL OR tenant = $3) ORDER BY at_us DESC, id DESC LIMIT $4"
        ))
        .bind(kind.plural())
        .bind(slug)
        .bind(tenant)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM audit_log WHERE kind = $1 AND slug = $2 AND ($3 IS NULL OR tenant = $3)",
        )
        .bind(kind.plural())
        .bind(slug)
        .bind(tenant)
        .fetch_one(&self.pool)
        .await?
        .try_get("n")?;
        Ok((rows.iter().map(entry).collect::<Result<_>>()?, total))
    }

    /// Changes made in one tenant, newest first, one page at a time; the
    /// second value is the total count.
    pub async fn audit_of_tenant(
        &self,
        tenant: &TenantSlug,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<AuditEntry>, i64)> {
        self.audit_filtered(tenant, &AuditFilter::default(), offset, limit)
            .await
    }

    /// The same, narrowed to one person, kind, record or period.
    pub async fn audit_filtered(
        &self,
        tenant: &TenantSlug,
        filter: &AuditFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<AuditEntry>, i64)> {
        const WHERE: &str = "tenant = $1 AND ($2 IS NULL OR actor = $2) AND ($3 IS NULL OR kind = $3)
             AND ($4 IS NULL OR slug = $4) AND ($5 IS NULL OR at_us >= $5) AND ($6 IS NULL OR at_us < $6)";
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_log WHERE {WHERE} ORDER BY at_us DESC, id DESC LIMIT $7 OFFSET $8"
        );
        let rows = bind_filter(sqlx::query(&sql), tenant, filter)
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
        let count = format!("SELECT COUNT(*) AS n FROM audit_log WHERE {WHERE}");
        let total: i64 = bind_filter(sqlx::query(&count), tenant, filter)
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        Ok((rows.iter().map(entry).collect::<Result<_>>()?, total))
    }

    /// Everyone who changed something in a tenant, for the log's filter.
    pub async fn audit_actors(&self, tenant: &TenantSlug) -> Result<Vec<String>> {
        let rows =
            sqlx::query("SELECT DISTINCT actor FROM audit_log WHERE tenant = $1 ORDER BY actor")
                .bind(tenant.as_str())
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(|r| Ok(r.try_get("actor")?)).collect()
    }
}
