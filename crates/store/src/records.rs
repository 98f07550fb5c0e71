//! Create, read, update and delete for every kind of record, with the
//! references between records kept in one table.

use kreiskom_core::{
    Actor, FieldError, Kind, Permit, Record, Reference, Scope, TenantScope, TenantSlug,
};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};

use crate::audit::{self, Action, Change};
use crate::generation;
use crate::{now, Result, Store, StoreError};

/// A record as stored, with the version that guards against lost updates.
#[derive(Debug, Clone, Serialize)]
pub struct Stored<R> {
    #[serde(flatten)]
    pub record: R,
    #[serde(skip)]
    pub version: i64,
    #[serde(skip)]
    pub created_at: String,
    #[serde(skip)]
    pub updated_at: String,
}

/// A record that points at another one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referrer {
    pub kind: Kind,
    pub tenant: String,
    pub slug: String,
    pub field: String,
}

pub(crate) fn kind_name(kind: Kind) -> &'static str {
    kind.plural()
}

/// The tenant column: '' for shared kinds. Panics if the caller mixes up
/// scopes, which is a programming error, not user input.
pub(crate) fn tenant_key(kind: Kind, tenant: Option<&TenantSlug>) -> &str {
    match (kind.scope(), tenant) {
        (Scope::Global, None) => "",
        (Scope::Tenant, Some(t)) => t.as_str(),
        (scope, t) => panic!("{kind:?} is {scope:?}-scoped but was given tenant {t:?}"),
    }
}

fn decode<R: Record>(row: &sqlx::any::AnyRow) -> Result<Stored<R>> {
    decode_parts(
        &row.try_get::<String, _>("slug").unwrap_or_default(),
        &row.try_get::<String, _>("data")?,
        row.try_get("version")?,
        row.try_get("created_at")?,
        row.try_get("updated_at")?,
    )
}

pub(crate) fn decode_parts<R: Record>(
    slug: &str,
    data: &str,
    version: i64,
    created_at: String,
    updated_at: String,
) -> Result<Stored<R>> {
    let record = serde_json::from_str(data).map_err(|e| StoreError::Corrupt {
        kind: R::KIND,
        slug: slug.to_owned(),
        reason: e.to_string(),
    })?;
    Ok(Stored {
        record,
        version,
        created_at,
        updated_at,
    })
}

impl Store {
    pub async fn list<R: Record>(&self, tenant: Option<&TenantSlug>) -> Result<Vec<Stored<R>>> {
        if let Some(snap) = &self.snapshot {
            return snap.list(tenant);
        }
        let sql = format!(
            "SELECT slug, data, version, created_at, updated_at FROM {} WHERE tenant = $1 ORDER BY slug",
            R::KIND.plural()
        );
        let rows = sqlx::query(&sql)
            .bind(tenant_key(R::KIND, tenant))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(decode).collect()
    }

    /// The records alone, without their versions.
    pub async fn records<R: Record>(&self, tenant: Option<&TenantSlug>) -> Result<Vec<R>> {
        Ok(self
            .list::<R>(tenant)
            .await?
            .into_iter()
            .map(|s| s.record)
            .collect())
    }

    pub async fn get<R: Record>(
        &self,
        tenant: Option<&TenantSlug>,
        slug: &str,
    ) -> Result<Option<Stored<R>>> {
        if let Some(snap) = &self.snapshot {
            return Ok(snap.get_many(tenant, &[slug])?.pop());
        }
        let sql = format!(
            "SELECT slug, data, version, created_at, updated_at FROM {} WHERE tenant = $1 AND slug = $2",
            R::KIND.plural()
        );
        let row = sqlx::query(&sql)
            .bind(tenant_key(R::KIND, tenant))
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(decode).transpose()
    }

    /// The records of one kind with the given slugs, in a few queries
    /// whatever their number; slugs with no record are left out.
    pub async fn get_many<R: Record>(
        &self,
        tenant: Option<&TenantSlug>,
        slugs: &[&str],
    ) -> Result<Vec<Stored<R>>> {
        if let Some(snap) = &self.snapshot {
            return snap.get_many(tenant, slugs);
        }
        let key = tenant_key(R::KIND, tenant);
        let mut out = Vec::with_capacity(slugs.len());
        for chunk in slugs.chunks(IN_CHUNK) {
            let sql = format!(
                "SELECT slug, data, version, created_at, updated_at FROM {} WHERE tenant = $1 AND slug IN ({}) ORDER BY slug",
                R::KIND.plural(),
                placeholders(2, chunk.len())
            );
            let mut query = sqlx::query(&sql).bind(key);
            for slug in chunk {
                query = query.bind(*slug);
            }
            for row in query.fetch_all(&self.pool).await? {
                out.push(decode(&row)?);
            }
        }
        Ok(out)
    }

    /// Like `get`, but a missing record is an error.
    pub async fn fetch<R: Record>(
        &self,
        tenant: Option<&TenantSlug>,
        slug: &str,
    ) -> Result<Stored<R>> {
        self.get(tenant, slug)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                kind: R::KIND,
                slug: slug.to_owned(),
            })
    }

    pub async fn create<R: Record>(
        &self,
        permit: &Permit,
        tenant: Option<&TenantSlug>,
        record: R,
    ) -> Result<Stored<R>> {
        check_permit::<R>(permit);
        let key = tenant_key(R::KIND, tenant).to_owned();
        if !permit.reaches(&key, None, Some(&record)) {
            return Err(StoreError::Forbidden);
        }
        let mut record = record;
        record.keep_managed(None);
        record.stamp(None, permit.tenant());
        invalid_if_any(record.check())?;
        let mut tx = self.write().await?;
        if let Some(t) = tenant {
            require_tenant(&mut tx, t).await?;
        }
        if current_version(&mut tx, R::KIND, &key, record.slug())
            .await?
            .is_some()
        {
            return Err(StoreError::AlreadyExists {
                kind: R::KIND,
                slug: record.slug().to_owned(),
            });
        }
        check_references(&mut tx, &key, &record).await?;
        check_no_circle(&mut tx, &key, &record).await?;
        let stored = insert(&mut tx, &key, &record).await?;
        let after = serde_json::to_string(&record).expect("records always serialize");
        let version = Some(stored.version);
        log::<R>(
            &mut tx,
            permit,
            &key,
            record.slug(),
            Action::Create,
            version,
            None,
            Some(&after),
        )
        .await?;
        let generation = generation::bump(&mut tx).await?;
        tx.commit().await?;
        self.committed(generation);
        Ok(stored)
    }

    /// Replaces a record. With `expected_version`, a record changed by
    /// someone else since it was read is refused instead of overwritten.
    pub async fn update<R: Record>(
        &self,
        permit: &Permit,
        tenant: Option<&TenantSlug>,
        slug: &str,
        record: R,
        expected_version: Option<i64>,
    ) -> Result<Stored<R>> {
        check_permit::<R>(permit);
        let key = tenant_key(R::KIND, tenant).to_owned();
        if !permit.reaches(&key, Some(slug), Some(&record)) {
            return Err(StoreError::Forbidden);
        }
        let mut record = record;
        let mut tx = self.write().await?;
        let current = current_version(&mut tx, R::KIND, &key, slug)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                kind: R::KIND,
                slug: slug.to_owned(),
            })?;
        if expected_version.is_some_and(|v| v != current) {
            return Err(StoreError::Conflict {
                kind: R::KIND,
                slug: slug.to_owned(),
                current,
            });
        }
        let before = current_data(&mut tx, R::KIND, &key, slug).await?;
        let stored: R = parse(slug, &before)?;
        if let Some(reason) = stored.locked() {
            // Clearing a doubt mark is still allowed on a locked record.
            if without_doubts(&stored) != without_doubts(&record) {
                return Err(StoreError::Locked(reason));
            }
        }
        record.keep_managed(Some(&stored));
        record.stamp(Some(&stored), permit.tenant());
        let mut errors = record.check();
        if record.slug() != slug {
            errors.insert(
                0,
                FieldError::new("slug", format!("kann nicht geändert werden (ist „{slug}“)")),
            );
        }
        invalid_if_any(errors)?;
        check_references(&mut tx, &key, &record).await?;
        check_no_circle(&mut tx, &key, &record).await?;
        let stored = rewrite(&mut tx, &key, &record, current).await?;
        let data = serde_json::to_string(&stored.record).expect("records always serialize");
        let version = Some(stored.version);
        log::<R>(
            &mut tx,
            permit,
            &key,
            slug,
            Action::Update,
            version,
            Some(&before),
            Some(&data),
        )
        .await?;
        let generation = generation::bump(&mut tx).await?;
        tx.commit().await?;
        self.committed(generation);
        Ok(stored)
    }

    /// Deletes a record nobody points at; otherwise names who does.
    pub async fn delete<R: Record>(
        &self,
        permit: &Permit,
        tenant: Option<&TenantSlug>,
        slug: &str,
    ) -> Result<()> {
        check_permit::<R>(permit);
        let key = tenant_key(R::KIND, tenant).to_owned();
        if !permit.reaches::<R>(&key, Some(slug), None) {
            return Err(StoreError::Forbidden);
        }
        let mut tx = self.write().await?;
        let Some(version) = current_version(&mut tx, R::KIND, &key, slug).await? else {
            return Err(StoreError::NotFound {
                kind: R::KIND,
                slug: slug.to_owned(),
            });
        };
        let stored: R = parse(slug, &current_data(&mut tx, R::KIND, &key, slug).await?)?;
        if let Some(reason) = stored.locked() {
            return Err(StoreError::Locked(reason));
        }
        let mut by: Vec<String> = referrers_in(&mut *tx, R::KIND, &key, slug)
            .await?
            .into_iter()
            .filter(|r| !(r.kind == R::KIND && r.tenant == key && r.slug == slug))
            .map(|r| format!("{} „{}“", r.kind.label(), r.slug))
            .collect();
        if R::KIND == Kind::Tenant {
            for kind in Kind::ALL.iter().filter(|k| k.scope() == Scope::Tenant) {
                let sql = format!(
                    "SELECT COUNT(*) AS n FROM {} WHERE tenant = $1",
                    kind.plural()
                );
                let n: i64 = sqlx::query(&sql)
                    .bind(slug)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("n")?;
                if n > 0 {
                    by.push(format!("{n} × {}", kind.label()));
                }
            }
        }
        by.dedup();
        if !by.is_empty() {
            return Err(StoreError::InUse {
                kind: R::KIND,
                slug: slug.to_owned(),
                by,
            });
        }
        let before = current_data(&mut tx, R::KIND, &key, slug).await?;
        log::<R>(
            &mut tx,
            permit,
            &key,
            slug,
            Action::Delete,
            Some(version),
            Some(&before),
            None,
        )
        .await?;
        delete_references(&mut tx, R::KIND, &key, slug).await?;
        sqlx::query(&format!(
            "DELETE FROM {} WHERE tenant = $1 AND slug = $2",
            R::KIND.plural()
        ))
        .bind(&key)
        .bind(slug)
        .execute(&mut *tx)
        .await?;
        let generation = generation::bump(&mut tx).await?;
        tx.commit().await?;
        self.committed(generation);
        Ok(())
    }

    /// The records that point at the given one, e.g. the partnerships of a
    /// region or the activities of a partnership.
    pub async fn referrers(
        &self,
        kind: Kind,
        tenant: Option<&TenantSlug>,
        slug: &str,
    ) -> Result<Vec<Referrer>> {
        if let Some(snap) = &self.snapshot {
            return Ok(snap.referrers(kind, tenant_key(kind, tenant), slug));
        }
        referrers_in(&self.pool, kind, tenant_key(kind, tenant), slug).await
    }

    /// Who of one kind points at a record: a district's towns among the
    /// thousands of partnerships that name the district too.
    pub async fn referrers_of_kind(
        &self,
        kind: Kind,
        tenant: Option<&TenantSlug>,
        slug: &str,
        from: Kind,
    ) -> Result<Vec<Referrer>> {
        if let Some(snap) = &self.snapshot {
            return Ok(snap.referrers_of_kind(kind, tenant_key(kind, tenant), slug, from));
        }
        let rows = sqlx::query(
            "SELECT from_kind, from_tenant, from_slug, field FROM record_references
             WHERE to_kind = $1 AND to_tenant = $2 AND to_slug = $3 AND from_kind = $4
             ORDER BY from_tenant, from_slug, field",
        )
        .bind(kind_name(kind))
        .bind(tenant_key(kind, tenant))
        .bind(slug)
        .bind(kind_name(from))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(referrer).collect()
    }
}

/// Slugs per `IN (…)` list: well below both databases' limits on bound
/// parameters.
const IN_CHUNK: usize = 500;

/// `$first, $first+1, …` for `n` parameters.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Who points at any of the given records, as (target slug, referrer),
    /// in a few queries whatever their number.
    pub async fn referrers_of_many(
        &self,
        kind: Kind,
        tenant: Option<&TenantSlug>,
        slugs: &[&str],
    ) -> Result<Vec<(String, Referrer)>> {
        let mut out = Vec::new();
        if let Some(snap) = &self.snapshot {
            let mut wanted: Vec<&str> = slugs.to_vec();
            wanted.sort_unstable();
            wanted.dedup();
            for slug in wanted {
                for r in snap.referrers(kind, tenant_key(kind, tenant), slug) {
                    out.push((slug.to_owned(), r));
                }
            }
            return Ok(out);
        }
        for chunk in slugs.chunks(IN_CHUNK) {
            let sql = format!(
                "SELECT to_slug, from_kind, from_tenant, from_slug, field FROM record_references
                 WHERE to_kind = $1 AND to_tenant = $2 AND to_slug IN ({})
                 ORDER BY to_slug, from_kind, from_tenant, from_slug, field",
                placeholders(3, chunk.len())
            );
            let mut query = sqlx::query(&sql)
                .bind(kind_name(kind))
                .bind(tenant_key(kind, tenant));
            for slug in chunk {
                query = query.bind(*slug);
            }
            for row in query.fetch_all(&self.pool).await? {
                out.push((row.try_get("to_slug")?, referrer(&row)?));
            }
        }
        Ok(out)
    }

    /// Leave for `actor` to change records of `kind` on behalf of `tenant`,
    /// carrying the tenant's scope where the kind is shared, so every write
    /// through the store is held to it.
    pub async fn permit(
        &self,
        actor: &Actor,
        tenant: &TenantSlug,
        kind: Kind,
    ) -> Result<Option<Permit>> {
        if actor.is_operator() || kind.scope() == Scope::Tenant || !actor.may_edit(tenant, kind) {
            return Ok(actor.permit(tenant, kind));
        }
        let scope = self.tenant_scope(tenant).await?;
        Ok(actor.permit_with(tenant, kind, scope))
    }

    /// The regions and partnerships a tenant looks after, in one query:
    /// its region and those below it (at any depth), the partnerships that
    /// name one of them, and every region those partnerships name.
    pub async fn tenant_scope(&self, tenant: &TenantSlug) -> Result<TenantScope> {
        let rows = sqlx::query(
            "WITH RECURSIVE home(slug) AS (
                 SELECT to_slug FROM record_references
                  WHERE from_kind = 'tenants' AND from_tenant = '' AND from_slug = $1
                    AND field = 'region' AND to_kind = 'regions'
               UNION
                 SELECT r.from_slug FROM record_references r JOIN home h ON r.to_slug = h.slug
                  WHERE r.to_kind = 'regions' AND r.to_tenant = '' AND r.from_kind = 'regions'
                    AND r.field = 'parent'
             ),
             linked(slug) AS (
                 SELECT DISTINCT r.from_slug FROM record_references r JOIN home h ON r.to_slug = h.slug
                  WHERE r.to_kind = 'regions' AND r.to_tenant = '' AND r.from_kind = 'partnerships'
             ),
             partners(slug) AS (
                 SELECT DISTINCT r.to_slug FROM record_references r JOIN linked l ON r.from_slug = l.slug
                  WHERE r.from_kind = 'partnerships' AND r.from_tenant = '' AND r.to_kind = 'regions'
             )
             SELECT 'home' AS what, slug FROM home
             UNION ALL SELECT 'partnership' AS what, slug FROM linked
             UNION ALL SELECT 'region' AS what, slug FROM partners
             -- A partner's parent is named on its page and checked for freshness.
             UNION ALL SELECT DISTINCT 'region' AS what, r.to_slug AS slug
                 FROM record_references r JOIN partners p ON r.from_slug = p.slug
                 WHERE r.from_kind = 'regions' AND r.from_tenant = '' AND r.field = 'parent' AND r.to_kind = 'regions'",
        )
        .bind(tenant.as_str())
        .fetch_all(&self.pool)
        .await?;
        let mut scope = TenantScope::default();
        for row in rows {
            let slug: String = row.try_get("slug")?;
            match row.try_get::<String, _>("what")?.as_str() {
                "home" => {
                    scope.home.push(slug.clone());
                    scope.regions.push(slug);
                }
                "partnership" => scope.partnerships.push(slug),
                _ => scope.regions.push(slug),
            }
        }
        scope.regions.sort();
        scope.regions.dedup();
        scope.partnerships.sort();
        Ok(scope)
    }
}

pub(crate) fn referrer(row: &sqlx::any::AnyRow) -> Result<Referrer> {
    let kind: String = row.try_get("from_kind")?;
    Ok(Referrer {
        kind: Kind::from_plural(&kind).ok_or_else(|| StoreError::Corrupt {
            kind: Kind::Region,
            slug: kind.clone(),
            reason: "unbekannte Art in record_references".into(),
        })?,
        tenant: row.try_get("from_tenant")?,
        slug: row.try_get("from_slug")?,
        field: row.try_get("field")?,
    })
}

/// Who points at a record, on the pool or inside a write transaction.
async fn referrers_in<'e, E>(exec: E, kind: Kind, tenant: &str, slug: &str) -> Result<Vec<Referrer>>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let rows = sqlx::query(
        "SELECT from_kind, from_tenant, from_slug, field FROM record_references
         WHERE to_kind = $1 AND to_tenant = $2 AND to_slug = $3
         ORDER BY from_kind, from_tenant, from_slug, field",
    )
    .bind(kind_name(kind))
    .bind(tenant)
    .bind(slug)
    .fetch_all(exec)
    .await?;
    rows.iter().map(referrer).collect()
}

/// Where a reference to `kind` points: shared kinds have no tenant; a
/// tenant's own links to its units point into that tenant.
fn target_tenant<'a, R: Record>(kind: Kind, tenant: &'a str, record: &'a R) -> &'a str {
    match (kind.scope(), R::KIND) {
        (Scope::Global, _) => "",
        (Scope::Tenant, Kind::Tenant) => record.slug(),
        (Scope::Tenant, _) => tenant,
    }
}

/// A permit for another kind is a programming error, not a user's mistake.
fn check_permit<R: Record>(permit: &Permit) {
    assert_eq!(
        permit.kind(),
        R::KIND,
        "permit for {:?} used to write {:?}",
        permit.kind(),
        R::KIND
    );
}

/// One change of a record into the audit log. Tenant-scoped records are
/// logged under their tenant; shared ones under the tenant on whose behalf
/// they were changed.
#[allow(clippy::too_many_arguments)]
async fn log<R: Record>(
    tx: &mut Transaction<'static, Any>,
    permit: &Permit,
    key: &str,
    slug: &str,
    action: Action,
    version: Option<i64>,
    before: Option<&str>,
    after: Option<&str>,
) -> Result<()> {
    let tenant = if key.is_empty() {
        permit.tenant().map_or("", |t| t.as_str())
    } else {
        key
    };
    audit::append(
        tx,
        Change {
            actor: permit.actor(),
            tenant,
            kind: R::KIND.plural(),
            slug,
            action,
            version,
            before,
            after,
        },
    )
    .await
}

async fn current_data(
    tx: &mut Transaction<'static, Any>,
    kind: Kind,
    tenant: &str,
    slug: &str,
) -> Result<String> {
    let sql = format!(
        "SELECT data FROM {} WHERE tenant = $1 AND slug = $2",
        kind.plural()
    );
    Ok(sqlx::query(&sql)
        .bind(tenant)
        .bind(slug)
        .fetch_one(&mut **tx)
        .await?
        .try_get("data")?)
}

fn invalid_if_any(errors: Vec<FieldError>) -> Result<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(errors))
    }
}

async fn require_tenant(tx: &mut Transaction<'static, Any>, tenant: &TenantSlug) -> Result<()> {
    match current_version(tx, Kind::Tenant, "", tenant.as_str()).await? {
        Some(_) => Ok(()),
        None => Err(StoreError::NotFound {
            kind: Kind::Tenant,
            slug: tenant.to_string(),
        }),
    }
}

async fn current_version(
    tx: &mut Transaction<'static, Any>,
    kind: Kind,
    tenant: &str,
    slug: &str,
) -> Result<Option<i64>> {
    let sql = format!(
        "SELECT version FROM {} WHERE tenant = $1 AND slug = $2",
        kind.plural()
    );
    let row = sqlx::query(&sql)
        .bind(tenant)
        .bind(slug)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match row {
        Some(row) => Some(row.try_get("version")?),
        None => None,
    })
}

/// Every reference must point at an existing record; the errors name the
/// field, as validation does.
async fn check_references<R: Record>(
    tx: &mut Transaction<'static, Any>,
    tenant: &str,
    record: &R,
) -> Result<()> {
    let mut errors = Vec::new();
    for r in record.references() {
        let target_tenant = target_tenant(r.kind, tenant, record);
        let pointing_at_itself =
            r.kind == R::KIND && r.slug == record.slug() && target_tenant == tenant;
        if !pointing_at_itself
            && current_version(tx, r.kind, target_tenant, &r.slug)
                .await?
                .is_none()
        {
            errors.push(FieldError::new(
                r.field,
                format!("verweist auf unbekannte {} „{}“", r.kind.label(), r.slug),
            ));
        }
    }
    invalid_if_any(errors)
}

/// Refuses a parent chain that would lead back to the record itself.
async fn check_no_circle<R: Record>(
    tx: &mut Transaction<'static, Any>,
    tenant: &str,
    record: &R,
) -> Result<()> {
    let Some(field) = R::PARENT else {
        return Ok(());
    };
    let mut up = record.parent_slug();
    // A chain longer than this is a circle that does not pass the record.
    for _ in 0..1_000 {
        let Some(parent) = up else {
            return Ok(());
        };
        if parent == record.slug() {
            return invalid_if_any(vec![kreiskom_core::dataset::parent_circle(
                field,
                record.slug(),
            )]);
        }
        up = sqlx::query(
            "SELECT to_slug FROM record_references WHERE from_kind = $1 AND from_tenant = $2 AND from_slug = $3 AND field = $4 AND to_kind = $1",
        )
        .bind(kind_name(R::KIND))
        .bind(tenant)
        .bind(&parent)
        .bind(field)
        .fetch_optional(&mut **tx)
        .await?
        .map(|row| row.try_get::<String, _>("to_slug"))
        .transpose()?;
    }
    Ok(())
}

/// Forgets the links a record holds (before rewriting or deleting it).
pub(crate) async fn delete_references(
    tx: &mut Transaction<'static, Any>,
    kind: Kind,
    tenant: &str,
    slug: &str,
) -> Result<()> {
    sqlx::query("DELETE FROM record_references WHERE from_kind = $1 AND from_tenant = $2 AND from_slug = $3")
        .bind(kind_name(kind))
        .bind(tenant)
        .bind(slug)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn write_references<R: Record>(
    tx: &mut Transaction<'static, Any>,
    tenant: &str,
    record: &R,
) -> Result<()> {
    let row = NewRecord::of(tenant, record);
    write_reference_rows(tx, tenant, &row).await
}

async fn write_reference_rows(
    tx: &mut Transaction<'static, Any>,
    tenant: &str,
    row: &NewRecord,
) -> Result<()> {
    delete_references(tx, row.kind, tenant, &row.slug).await?;
    let stamp = now();
    for (r, target_tenant) in &row.references {
        sqlx::query(
            "INSERT INTO record_references (from_kind, from_tenant, from_slug, field, to_kind, to_tenant, to_slug, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(kind_name(row.kind))
        .bind(tenant)
        .bind(&row.slug)
        .bind(&r.field)
        .bind(kind_name(r.kind))
        .bind(target_tenant)
        .bind(&r.slug)
        .bind(&stamp)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Replaces the stored data of a record whose version the caller read in
/// this transaction.
pub(crate) async fn rewrite<R: Record>(
    tx: &mut Transaction<'static, Any>,
    key: &str,
    record: &R,
    current: i64,
) -> Result<Stored<R>> {
    let data = serde_json::to_string(record).expect("records always serialize");
    let sql = format!(
        "UPDATE {} SET data = $1, version = version + 1, updated_at = $2 WHERE tenant = $3 AND slug = $4 AND version = $5",
        R::KIND.plural()
    );
    let done = sqlx::query(&sql)
        .bind(&data)
        .bind(now())
        .bind(key)
        .bind(record.slug())
        .bind(current)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Conflict {
            kind: R::KIND,
            slug: record.slug().to_owned(),
            current: current + 1,
        });
    }
    write_references(tx, key, record).await?;
    let row = sqlx::query(&format!(
        "SELECT slug, data, version, created_at, updated_at FROM {} WHERE tenant = $1 AND slug = $2",
        R::KIND.plural()
    ))
    .bind(key)
    .bind(record.slug())
    .fetch_one(&mut **tx)
    .await?;
    decode(&row)
}

pub(crate) fn parse<R: Record>(slug: &str, data: &str) -> Result<R> {
    serde_json::from_str(data).map_err(|e| StoreError::Corrupt {
        kind: R::KIND,
        slug: slug.to_owned(),
        reason: e.to_string(),
    })
}

fn without_doubts<R: Record>(record: &R) -> serde_json::Value {
    let mut r = record.clone();
    r.doubts_mut().clear();
    serde_json::to_value(r).expect("records always serialize")
}

/// Inserts without checks; callers check first (API) or checked the whole
/// dataset (import).
/// A record ready to be written, its type no longer needed: what the
/// import collects from a dataset's lists.
pub(crate) struct NewRecord {
    pub kind: Kind,
    pub slug: String,
    pub data: String,
    /// Each reference with the tenant its target is kept under.
    pub references: Vec<(Reference, String)>,
}

impl NewRecord {
    pub(crate) fn of<R: Record>(tenant: &str, record: &R) -> Self {
        NewRecord {
            kind: R::KIND,
            slug: record.slug().to_owned(),
            data: serde_json::to_string(record).expect("records always serialize"),
            references: record
                .references()
                .into_iter()
                .map(|r| {
                    let to = target_tenant(r.kind, tenant, record).to_owned();
                    (r, to)
                })
                .collect(),
        }
    }
}

/// Writes a new record; returns its time stamp.
pub(crate) async fn insert_row(
    tx: &mut Transaction<'static, Any>,
    tenant: &str,
    row: &NewRecord,
) -> Result<String> {
    let stamp = now();
    let sql = format!(
        "INSERT INTO {} (tenant, slug, data, version, created_at, updated_at) VALUES ($1, $2, $3, 1, $4, $4)",
        row.kind.plural()
    );
    sqlx::query(&sql)
        .bind(tenant)
        .bind(&row.slug)
        .bind(&row.data)
        .bind(&stamp)
        .execute(&mut **tx)
        .await?;
    write_reference_rows(tx, tenant, row).await?;
    Ok(stamp)
}

pub(crate) async fn insert<R: Record>(
    tx: &mut Transaction<'static, Any>,
    tenant: &str,
    record: &R,
) -> Result<Stored<R>> {
    let stamp = insert_row(tx, tenant, &NewRecord::of(tenant, record)).await?;
    Ok(Stored {
        record: record.clone(),
        version: 1,
        created_at: stamp.clone(),
        updated_at: stamp,
    })
}

/// Writes many new records of one kind at once: a few hundred rows per
/// statement instead of one statement each, which is what makes a list
/// of 26,000 twinnings an import of well under a second. `progress` is
/// called with the number written after each statement.
pub(crate) async fn insert_many(
    tx: &mut Transaction<'static, Any>,
    backend: crate::Backend,
    tenant: &str,
    rows: &[NewRecord],
    mut progress: impl FnMut(usize),
) -> Result<()> {
    // Five values a record and nine a reference keep each statement far
    // below both databases' limits on bound values.
    const ROWS: usize = 500;
    let stamp = now();
    let mut done = 0;
    for chunk in rows.chunks(ROWS) {
        let Some(first) = chunk.first() else { break };
        let head = format!(
            "INSERT INTO {} (tenant, slug, data, version, created_at, updated_at) VALUES ",
            first.kind.plural()
        );
        let sql = values(backend, &head, chunk.len(), "(#, #, #, 1, #, #)");
        let mut query = sqlx::query(&sql);
        for row in chunk {
            debug_assert_eq!(row.kind, first.kind, "one kind per call");
            query = query
                .bind(tenant)
                .bind(&row.slug)
                .bind(&row.data)
                .bind(&stamp)
                .bind(&stamp);
        }
        query.execute(&mut **tx).await?;
        done += chunk.len();
        progress(done);
    }
    let references: Vec<(&NewRecord, &(Reference, String))> = rows
        .iter()
        .flat_map(|row| row.references.iter().map(move |r| (row, r)))
        .collect();
    for chunk in references.chunks(ROWS) {
        let sql = values(
            backend,
            "INSERT INTO record_references (from_kind, from_tenant, from_slug, field, to_kind, to_tenant, to_slug, created_at, updated_at) VALUES ",
            chunk.len(),
            "(#, #, #, #, #, #, #, #, #)",
        );
        let mut query = sqlx::query(&sql);
        for (row, (r, target_tenant)) in chunk {
            query = query
                .bind(kind_name(row.kind))
                .bind(tenant)
                .bind(&row.slug)
                .bind(&r.field)
                .bind(kind_name(r.kind))
                .bind(target_tenant)
                .bind(&r.slug)
                .bind(&stamp)
                .bind(&stamp);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// `head` and `rows` times `row`, each `#` a placeholder bound in order:
/// `$1, $2, …` for PostgreSQL, `?` for SQLite, where numbered ones make
/// binding quadratic (sqlx looks each one up by its name).
fn values(backend: crate::Backend, head: &str, rows: usize, row: &str) -> String {
    let mut sql = String::with_capacity(head.len() + rows * (row.len() * 2 + 2));
    sql.push_str(head);
    let mut n = 0;
    for i in 0..rows {
        if i > 0 {
            sql.push(',');
        }
        for c in row.chars() {
            if c != '#' {
                sql.push(c);
                continue;
            }
            n += 1;
            match backend {
                crate::Backend::Sqlite => sql.push('?'),
                crate::Backend::Postgres => {
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
            }
        }
    }
    sql
}
