//! The newsroom's own steps: the release workflow with its numbering (an
//! approval writes the mail job into the outbox), unsubscribing and
//! erasing a journalist.

use jiff::Timestamp;
use kreiskom_core::{
    Actor, Journalist, Kind, Permit, PressRelease, Record, ReleaseMail, ReleaseNumber, TenantSlug,
};
use sqlx::{Any, Row, Transaction};

use crate::audit::{self, Action, Change};
use crate::generation;
use crate::outbox;
use crate::records::{delete_references, parse, rewrite, Stored};
use crate::{now, Result, Store, StoreError};

impl Store {
    async fn release_in(
        tx: &mut Transaction<'static, Any>,
        tenant: &TenantSlug,
        slug: &str,
    ) -> Result<(PressRelease, i64, String)> {
        let row =
            sqlx::query("SELECT data, version FROM press_releases WHERE tenant = $1 AND slug = $2")
                .bind(tenant.as_str())
                .bind(slug)
                .fetch_optional(&mut **tx)
                .await?
                .ok_or_else(|| StoreError::NotFound {
                    kind: Kind::PressRelease,
                    slug: slug.to_owned(),
                })?;
        let data: String = row.try_get("data")?;
        Ok((parse(slug, &data)?, row.try_get("version")?, data))
    }

    /// One workflow step on a release, logged like any change.
    async fn step(
        &self,
        actor: &Actor,
        tenant: &TenantSlug,
        slug: &str,
        action: Action,
        apply: impl FnOnce(&mut PressRelease) -> Result<()>,
    ) -> Result<Stored<PressRelease>> {
        let mut tx = self.write().await?;
        let (mut release, version, before) = Self::release_in(&mut tx, tenant, slug).await?;
        apply(&mut release)?;
        let stored = rewrite_logged(
            &mut tx,
            actor.name(),
            tenant.as_str(),
            &release,
            version,
            &before,
            action,
        )
        .await?;
        let generation = generation::bump(&mut tx).await?;
        tx.commit().await?;
        self.committed(generation);
        Ok(stored)
    }

    pub async fn submit_release(
        &self,
        actor: &Actor,
        tenant: &TenantSlug,
        slug: &str,
        at: Timestamp,
    ) -> Result<Stored<PressRelease>> {
        self.step(actor, tenant, slug, Action::Submitted, |r| {
            Ok(r.submit(actor, tenant, at)?)
        })
        .await
    }

    pub async fn return_release(
        &self,
        actor: &Actor,
        tenant: &TenantSlug,
        slug: &str,
        at: Timestamp,
        comment: &str,
    ) -> Result<Stored<PressRelease>> {
        self.step(actor, tenant, slug, Action::ReturnedToDraft, |r| {
            Ok(r.return_to_draft(actor, tenant, at, comment)?)
        })
        .await
    }

    /// Takes an approved release off every public surface, with a reason.
    pub async fn withdraw_release(
        &self,
        actor: &Actor,
        tenant: &TenantSlug,
        slug: &str,
        at: Timestamp,
        reason: &str,
    ) -> Result<Stored<PressRelease>> {
        self.step(actor, tenant, slug, Action::Withdrawn, |r| {
            Ok(r.withdraw(actor, tenant, at, reason)?)
        })
        .await
    }

    /// Approves a submitted release and gives it the next number of its
    /// year. The ledger's key refuses a number given twice; a concurrent
    /// approval that loses that race starts over with the next number.
    pub async fn approve_release(
        &self,
        actor: &Actor,
        tenant: &TenantSlug,
        slug: &str,
        at: Timestamp,
    ) -> Result<Stored<PressRelease>> {
        let mut tries = 0;
        loop {
            match self.try_approve(actor, tenant, slug, at).await {
                Err(StoreError::Database(sqlx::Error::Database(e)))
                    if tries < 20 && (e.is_unique_violation() || is_serialization(&*e)) =>
                {
                    tries += 1;
                }
                other => return other,
            }
        }
    }

    async fn try_approve(
        &self,
        actor: &Actor,
        tenant: &TenantSlug,
        slug: &str,
        at: Timestamp,
    ) -> Result<Stored<PressRelease>> {
        let mut tx = self.write().await?;
        let (mut release, version, before) = Self::release_in(&mut tx, tenant, slug).await?;
        release.check_approval(actor, tenant)?;
        let year = release.number_year(at);
        let first: String = sqlx::query("SELECT data FROM tenants WHERE tenant = '' AND slug = $1")
            .bind(tenant.as_str())
            .fetch_one(&mut *tx)
            .await?
            .try_get("data")?;
        let first =
            parse::<kreiskom_core::Tenant>(tenant.as_str(), &first)?.first_release_number(year);
        let last: Option<i64> = sqlx::query(
            "SELECT MAX(number) AS n FROM release_numbers WHERE tenant = $1 AND year = $2",
        )
        .bind(tenant.as_str())
        .bind(i64::from(year))
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        let number = match last {
            Some(n) => u32::try_from(n + 1).unwrap_or(u32::MAX),
            None => first,
        };
        let number = ReleaseNumber { year, number };
        release.approved(actor, at, number);
        record_number(&mut tx, tenant.as_str(), &release).await?;
        let stored = rewrite_logged(
            &mut tx,
            actor.name(),
            tenant.as_str(),
            &release,
            version,
            &before,
            Action::Approved,
        )
        .await?;
        if !release.mailing_lists.is_empty() {
            let mail = ReleaseMail {
                release: slug.to_owned(),
            };
            let due = release.workflow.released_at.unwrap_or(at);
            outbox::enqueue(&mut tx, tenant.as_str(), &mail, due).await?;
        }
        if !release.post_channels.is_empty() {
            let post = kreiskom_core::post::ReleasePost {
                release: slug.to_owned(),
            };
            let due = release.workflow.released_at.unwrap_or(at);
            outbox::enqueue(&mut tx, tenant.as_str(), &post, due).await?;
        }
        let generation = generation::bump(&mut tx).await?;
        tx.commit().await?;
        self.committed(generation);
        Ok(stored)
    }

    /// The release with the given number, whatever its stage.
    pub async fn release_by_number(
        &self,
        tenant: &TenantSlug,
        year: i16,
        number: u32,
    ) -> Result<Option<PressRelease>> {
        let row = sqlx::query(
            "SELECT p.slug, p.data FROM release_numbers n JOIN press_releases p ON p.tenant = n.tenant AND p.slug = n.slug
             WHERE n.tenant = $1 AND n.year = $2 AND n.number = $3",
        )
        .bind(tenant.as_str())
        .bind(i64::from(year))
        .bind(i64::from(number))
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => Ok(Some(parse(
                &row.try_get::<String, _>("slug")?,
                &row.try_get::<String, _>("data")?,
            )?)),
            None => Ok(None),
        }
    }

    /// What the public may see: released releases, newest first.
    pub async fn public_releases(
        &self,
        tenant: &TenantSlug,
        now: Timestamp,
    ) -> Result<Vec<PressRelease>> {
        let mut out: Vec<PressRelease> = self
            .records::<PressRelease>(Some(tenant))
            .await?
            .into_iter()
            .filter(|r| r.is_public(now))
            .collect();
        out.sort_by(|a, b| {
            (b.workflow.released_at, b.workflow.number)
                .cmp(&(a.workflow.released_at, a.workflow.number))
        });
        Ok(out)
    }

    /// Takes the journalist behind an unsubscribe link off every list.
    /// Returns the journalist's name, or None for an unknown link.
    pub async fn unsubscribe(&self, token: &str) -> Result<Option<String>> {
        let mut tx = self.write().await?;
        let row = sqlx::query(
            "SELECT j.tenant, d.person, d.name FROM deliveries d JOIN jobs j ON j.id = d.job WHERE d.token = $1",
        )
        .bind(token)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let tenant: String = row.try_get("tenant")?;
        let slug: String = row.try_get("person")?;
        let name: String = row.try_get("name")?;
        let current =
            sqlx::query("SELECT data, version FROM journalists WHERE tenant = $1 AND slug = $2")
                .bind(&tenant)
                .bind(&slug)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(current) = current {
            let before: String = current.try_get("data")?;
            let mut journalist: Journalist = parse(&slug, &before)?;
            if !journalist.mailing_lists.is_empty() {
                journalist.mailing_lists.clear();
                rewrite_logged(
                    &mut tx,
                    "Abmeldelink",
                    &tenant,
                    &journalist,
                    current.try_get("version")?,
                    &before,
                    Action::Update,
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(Some(name))
    }

    /// Everything kept about one journalist (GDPR Art. 15): the record, the
    /// mailings to them and the history of the record.
    pub async fn journalist_export(
        &self,
        tenant: &TenantSlug,
        slug: &str,
    ) -> Result<serde_json::Value> {
        let record = self.fetch::<Journalist>(Some(tenant), slug).await?;
        let rows = sqlx::query(
            "SELECT j.subject, d.target, d.state, d.sent_at FROM deliveries d JOIN jobs j ON j.id = d.job
             WHERE j.tenant = $1 AND d.person = $2 ORDER BY d.created_at",
        )
        .bind(tenant.as_str())
        .bind(slug)
        .fetch_all(&self.pool)
        .await?;
        let mut mailings = Vec::new();
        for row in rows {
            mailings.push(serde_json::json!({
                "press_release": row.try_get::<String, _>("subject")?,
                "email": row.try_get::<String, _>("target")?,
                "state": row.try_get::<String, _>("state")?,
                "sent_at": row.try_get::<Option<String>, _>("sent_at")?,
            }));
        }
        let history = self
            .audit_of_record(Kind::Journalist, Some(tenant), slug)
            .await?;
        Ok(serde_json::json!({
            "journalist": record.record,
            "mailings": mailings,
            "history": history,
        }))
    }

    /// Erases a journalist on request (GDPR Art. 17): the record, their
    /// address in past mailings, and the record's contents in the audit
    /// log. The log keeps that an erasure happened, and by whom.
    pub async fn erase_journalist(
        &self,
        permit: &Permit,
        tenant: &TenantSlug,
        slug: &str,
    ) -> Result<()> {
        assert_eq!(permit.kind(), Kind::Journalist, "permit for another kind");
        let mut tx = self.write().await?;
        let found = sqlx::query("DELETE FROM journalists WHERE tenant = $1 AND slug = $2")
            .bind(tenant.as_str())
            .bind(slug)
            .execute(&mut *tx)
            .await?;
        if found.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                kind: Kind::Journalist,
                slug: slug.to_owned(),
            });
        }
        delete_references(&mut tx, Kind::Journalist, tenant.as_str(), slug).await?;
        sqlx::query(
            "UPDATE deliveries SET target = 'geloescht-' || token, name = '(gelöscht)', person = '', updated_at = $1
             WHERE person = $2 AND job IN (SELECT id FROM jobs WHERE tenant = $3)",
        )
        .bind(now())
        .bind(slug)
        .bind(tenant.as_str())
        .execute(&mut *tx)
        .await?;
        // The one change the audit log ever sees: personal data must go.
        sqlx::query("UPDATE audit_log SET before = NULL, after = NULL WHERE kind = $1 AND tenant = $2 AND slug = $3")
            .bind(Kind::Journalist.plural())
            .bind(tenant.as_str())
            .bind(slug)
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            Change {
                actor: permit.actor(),
                tenant: tenant.as_str(),
                kind: Kind::Journalist.plural(),
                slug,
                action: Action::Erased,
                version: None,
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Rewrites a record changed by one of the store's own steps and logs the
/// change in the same transaction.
async fn rewrite_logged<R: Record>(
    tx: &mut Transaction<'static, Any>,
    actor: &str,
    tenant: &str,
    record: &R,
    version: i64,
    before: &str,
    action: Action,
) -> Result<Stored<R>> {
    let stored = rewrite(tx, tenant, record, version).await?;
    let after = serde_json::to_string(&stored.record).expect("records always serialize");
    audit::append(
        tx,
        Change {
            actor,
            tenant,
            kind: R::KIND.plural(),
            slug: record.slug(),
            action,
            version: Some(stored.version),
            before: Some(before),
            after: Some(&after),
        },
    )
    .await?;
    Ok(stored)
}

fn is_serialization(e: &dyn sqlx::error::DatabaseError) -> bool {
    // PostgreSQL: serialization_failure, deadlock_detected.
    matches!(e.code().as_deref(), Some("40001") | Some("40P01"))
}

/// Notes a release's number in the ledger and the moment it becomes public
/// as a timed change of the site.
pub(crate) async fn record_number(
    tx: &mut Transaction<'static, Any>,
    tenant: &str,
    release: &PressRelease,
) -> Result<()> {
    let Some(number) = release.workflow.number else {
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO release_numbers (tenant, year, number, slug, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(tenant)
    .bind(i64::from(number.year))
    .bind(i64::from(number.number))
    .bind(release.slug())
    .bind(now())
    .execute(&mut **tx)
    .await?;
    match release.workflow.released_at {
        Some(at) => generation::plan_timed_change(tx, tenant, &release_change(release), at).await,
        None => Ok(()),
    }
}

/// The timed change of a release's publication.
fn release_change(release: &PressRelease) -> String {
    format!("{}/{}", Kind::PressRelease.plural(), release.slug())
}

/// The releases a dataset brings with numbers go into the ledger too.
pub(crate) async fn record_imported_numbers(
    tx: &mut Transaction<'static, Any>,
    tenant: &str,
    releases: &[PressRelease],
) -> Result<()> {
    for r in releases {
        record_number(tx, tenant, r).await?;
    }
    Ok(())
}

impl Store {
    /// Databases from before timed changes existed learn their releases'
    /// publication moments once.
    pub(crate) async fn plan_missing_timed_changes(&self) -> Result<()> {
        let planned: i64 = sqlx::query("SELECT COUNT(*) AS n FROM timed_changes")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        if planned > 0 {
            return Ok(());
        }
        let rows = sqlx::query("SELECT tenant, slug, data FROM press_releases")
            .fetch_all(&self.pool)
            .await?;
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.write().await?;
        for row in &rows {
            let tenant: String = row.try_get("tenant")?;
            let release: PressRelease = parse(
                &row.try_get::<String, _>("slug")?,
                &row.try_get::<String, _>("data")?,
            )?;
            if let Some(at) = release.workflow.released_at {
                generation::plan_timed_change(&mut tx, &tenant, &release_change(&release), at)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}
