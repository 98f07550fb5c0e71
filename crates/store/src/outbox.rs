//! The outbox. A job is written in the transaction of the change that
//! causes it, planned once into deliveries, and carried out by any number
//! of workers. Every claim takes a lease and, on PostgreSQL, skips rows
//! another worker holds (`FOR UPDATE SKIP LOCKED`); on SQLite the write
//! lock serialises claims. So no delivery is carried out twice, and one a
//! crash cut off is marked uncertain instead of being sent again.

use jiff::{SignedDuration, Timestamp};
use kreiskom_core::{Kind, Payload, Target, TargetKind, TenantSlug};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};

use crate::records::placeholders;
use crate::{now, Backend, Result, Store, StoreError};

/// A job as the runner sees it; its payload is read by the handler of
/// its kind.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: String,
    pub kind: String,
    pub tenant: TenantSlug,
    pub subject: String,
    pub payload: String,
    /// Plannings so far, including this one.
    pub attempts: i64,
}

/// A job that needs a person: failed as a whole, or with deliveries that
/// failed or whose outcome is unknown.
#[derive(Debug, Clone, Serialize)]
pub struct TroubledJob {
    /// The payload's kind (`release_mail`).
    pub kind: String,
    /// What the job is about (a release's slug).
    pub subject: String,
    pub state: JobState,
    pub error: Option<String>,
    pub failed: i64,
    pub uncertain: i64,
}

/// A job on a calendar: what it is about, when it is due, how far it got.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduledJob {
    #[serde(skip)]
    pub id: String,
    pub subject: String,
    pub state: JobState,
    pub due: Timestamp,
    pub error: Option<String>,
    pub deliveries: i64,
    pub delivered: i64,
    pub failed: i64,
}

impl Job {
    pub fn payload<P: Payload>(&self) -> std::result::Result<P, String> {
        serde_json::from_str(&self.payload)
            .map_err(|e| format!("Auftrag {} ist nicht lesbar: {e}", self.id))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Pending,
    Planning,
    Delivering,
    Done,
    Failed,
    /// Called off before it was planned (a post taken off the calendar).
    Cancelled,
}

impl JobState {
    fn parse(s: &str) -> Self {
        match s {
            "cancelled" => JobState::Cancelled,
            "planning" => JobState::Planning,
            "delivering" => JobState::Delivering,
            "done" => JobState::Done,
            "failed" => JobState::Failed,
            _ => JobState::Pending,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            JobState::Pending => "geplant",
            JobState::Planning => "wird vorbereitet",
            JobState::Delivering => "läuft",
            JobState::Done => "abgeschlossen",
            JobState::Failed => "abgebrochen",
            JobState::Cancelled => "abgesagt",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Pending,
    Sending,
    Delivered,
    Failed,
    /// A run stopped between handing the message over and noting it; it is
    /// not sent again, so a person has to check.
    Uncertain,
}

impl DeliveryState {
    fn parse(s: &str) -> Self {
        match s {
            "sending" => DeliveryState::Sending,
            "delivered" => DeliveryState::Delivered,
            "failed" => DeliveryState::Failed,
            "uncertain" => DeliveryState::Uncertain,
            _ => DeliveryState::Pending,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DeliveryState::Pending => "wartet",
            DeliveryState::Sending => "wird gesendet",
            DeliveryState::Delivered => "zugestellt",
            DeliveryState::Failed => "fehlgeschlagen",
            DeliveryState::Uncertain => "unklar – bitte prüfen, nicht erneut gesendet",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub job: String,
    pub target_kind: TargetKind,
    pub target: String,
    pub name: String,
    pub person: String,
    /// Unique per delivery: the secret of the unsubscribe link and the
    /// delivery's handle.
    #[serde(skip)]
    pub token: String,
    pub state: DeliveryState,
    pub state_label: &'static str,
    /// Tries so far, including the one under way.
    pub attempts: i64,
    pub error: Option<String>,
    pub sent_at: Option<String>,
    /// When it was planned; a check of what went out looks from here.
    pub created_at: String,
    /// What the platform answered.
    pub receipt: Receipt,
}

/// A platform's answer to a delivery: the post's id there (for a later
/// correction or withdrawal) and its public address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Receipt {
    pub id: Option<String>,
    pub url: Option<String>,
}

const DELIVERY_COLUMNS: &str =
    "job, target_kind, target, name, person, token, state, attempts, error, sent_at, created_at, receipt_id, receipt_url";

fn delivery(row: &sqlx::any::AnyRow) -> Result<Delivery> {
    let state = DeliveryState::parse(&row.try_get::<String, _>("state")?);
    let kind: String = row.try_get("target_kind")?;
    let target: String = row.try_get("target")?;
    Ok(Delivery {
        job: row.try_get("job")?,
        target_kind: TargetKind::parse(&kind).ok_or_else(|| StoreError::Corrupt {
            kind: Kind::Journalist,
            slug: target.clone(),
            reason: format!("unbekannte Zielart „{kind}“"),
        })?,
        target,
        name: row.try_get("name")?,
        person: row.try_get("person")?,
        token: row.try_get("token")?,
        state,
        state_label: state.label(),
        attempts: row.try_get("attempts")?,
        error: row.try_get("error")?,
        sent_at: row.try_get("sent_at")?,
        created_at: row.try_get("created_at")?,
        receipt: Receipt {
            id: row.try_get("receipt_id")?,
            url: row.try_get("receipt_url")?,
        },
    })
}

/// How one delivery's try ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered(Receipt),
    /// Refused for good.
    Failed(String),
    /// Could not be tried (server unreachable): due again at `not_before`.
    Retry {
        not_before: Timestamp,
        error: String,
    },
}

pub(crate) fn random_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

fn job_key(kind: &str, tenant: &str, key: &str) -> String {
    format!("{kind}:{tenant}:{key}")
}

const JOB_COLUMNS: &str = "id, kind, tenant, subject, payload, attempts";

fn job(row: &sqlx::any::AnyRow) -> Result<Job> {
    let tenant: String = row.try_get("tenant")?;
    Ok(Job {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        tenant: TenantSlug::parse(&tenant).map_err(|e| StoreError::Corrupt {
            kind: Kind::Tenant,
            slug: tenant.clone(),
            reason: e.to_string(),
        })?,
        subject: row.try_get("subject")?,
        payload: row.try_get("payload")?,
        attempts: row.try_get("attempts")?,
    })
}

/// Writes a job in the caller's transaction; a second one for the same
/// effect is a no-op.
pub(crate) async fn enqueue<P: Payload>(
    tx: &mut Transaction<'static, Any>,
    tenant: &str,
    payload: &P,
    not_before: Timestamp,
) -> Result<()> {
    let data = serde_json::to_string(payload).map_err(|e| StoreError::Corrupt {
        kind: Kind::Tenant,
        slug: tenant.to_owned(),
        reason: format!("Auftrag nicht speicherbar: {e}"),
    })?;
    sqlx::query(
        "INSERT INTO jobs (id, idempotency_key, kind, tenant, subject, payload, state, not_before_us, attempts, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, 0, $8, $8) ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(random_id())
    .bind(job_key(P::KIND, tenant, &payload.key()))
    .bind(P::KIND)
    .bind(tenant)
    .bind(payload.subject())
    .bind(data)
    .bind(not_before.as_microsecond())
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Jobs whose deliveries have all ended are done. Also run by every sweep,
/// because two workers finishing a job's last deliveries at once may each
/// still see the other's as open.
async fn complete_jobs(tx: &mut Transaction<'static, Any>) -> Result<()> {
    sqlx::query(
        "UPDATE jobs SET state = 'done', lease_until_us = NULL, updated_at = $1
         WHERE state = 'delivering' AND NOT EXISTS
             (SELECT 1 FROM deliveries d WHERE d.job = jobs.id AND d.state IN ('pending', 'sending'))",
    )
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Rows per multi-row INSERT: well under both databases' parameter limits.
const INSERT_CHUNK: usize = 200;

impl Store {
    /// Writes a job on its own, for effects not tied to a record change
    /// (a scheduled post, a test).
    pub async fn enqueue_job<P: Payload>(
        &self,
        tenant: &TenantSlug,
        payload: &P,
        not_before: Timestamp,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        enqueue(&mut tx, tenant.as_str(), payload, not_before).await?;
        tx.commit().await?;
        Ok(())
    }

    fn skip_locked(&self) -> &'static str {
        match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        }
    }

    /// Takes the next job that is due to be planned, or one whose planner
    /// vanished (lease over).
    pub async fn claim_job(&self, at: Timestamp, lease: SignedDuration) -> Result<Option<Job>> {
        let sql = format!(
            "UPDATE jobs SET state = 'planning', lease_until_us = $1, attempts = attempts + 1, updated_at = $2
             WHERE id = (SELECT id FROM jobs WHERE not_before_us <= $3
                 AND (state = 'pending' OR (state = 'planning' AND lease_until_us < $3))
                 ORDER BY not_before_us LIMIT 1{})
               AND (state = 'pending' OR (state = 'planning' AND lease_until_us < $3))
             RETURNING {JOB_COLUMNS}",
            self.skip_locked()
        );
        let mut tx = self.write().await?;
        let row = sqlx::query(&sql)
            .bind((at + lease).as_microsecond())
            .bind(now())
            .bind(at.as_microsecond())
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        row.as_ref().map(job).transpose()
    }

    /// Writes one delivery per target, each due at `at`, and hands the
    /// job over to delivery. A target that is already planned keeps its
    /// delivery, so planning again never sends twice.
    pub async fn plan_job(&self, job: &str, targets: &[Target], at: Timestamp) -> Result<()> {
        let mut tx = self.write().await?;
        let stamp = now();
        for chunk in targets.chunks(INSERT_CHUNK) {
            let rows: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let p = i * 7;
                    format!(
                        "(${}, ${}, ${}, ${}, ${}, ${}, 'pending', 0, ${}, $1, $1)",
                        p + 2,
                        p + 3,
                        p + 4,
                        p + 5,
                        p + 6,
                        p + 7,
                        p + 8
                    )
                })
                .collect();
            let sql = format!(
                "INSERT INTO deliveries (job, target_kind, target, name, person, token, state, attempts, not_before_us, created_at, updated_at)
                 VALUES {} ON CONFLICT (job, target_kind, target) DO NOTHING",
                rows.join(", ")
            );
            let mut q = sqlx::query(&sql).bind(&stamp);
            for t in chunk {
                q = q
                    .bind(job)
                    .bind(t.kind.key())
                    .bind(&t.address)
                    .bind(&t.name)
                    .bind(&t.person)
                    .bind(random_id())
                    .bind(at.as_microsecond());
            }
            q.execute(&mut *tx).await?;
        }
        sqlx::query("UPDATE jobs SET state = 'delivering', lease_until_us = NULL, last_error = NULL, updated_at = $1 WHERE id = $2")
            .bind(&stamp)
            .bind(job)
            .execute(&mut *tx)
            .await?;
        complete_jobs(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Puts a job back to be planned at `not_before` (its subject is not
    /// due yet, or something it needs is missing).
    pub async fn postpone_job(&self, job: &str, not_before: Timestamp, error: &str) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "UPDATE jobs SET state = 'pending', lease_until_us = NULL, not_before_us = $1, last_error = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(not_before.as_microsecond())
        .bind(error)
        .bind(now())
        .bind(job)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Gives a job up: what was not delivered yet fails with it.
    pub async fn fail_job(&self, job: &str, error: &str) -> Result<()> {
        let mut tx = self.write().await?;
        let stamp = now();
        sqlx::query("UPDATE jobs SET state = 'failed', lease_until_us = NULL, last_error = $1, updated_at = $2 WHERE id = $3")
            .bind(error)
            .bind(&stamp)
            .bind(job)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE deliveries SET state = 'failed', error = $1, lease_until_us = NULL, updated_at = $2 WHERE job = $3 AND state IN ('pending', 'sending')")
            .bind(format!("Versand abgebrochen: {error}"))
            .bind(&stamp)
            .bind(job)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes up to `limit` due deliveries for one worker and marks them as
    /// being sent: from here on a crash leaves them uncertain.
    pub async fn claim_deliveries(
        &self,
        at: Timestamp,
        lease: SignedDuration,
        limit: usize,
    ) -> Result<Vec<Delivery>> {
        // The pick is a CTE so it runs once: as a subquery PostgreSQL may
        // run it again per row and then skip the rows this very statement
        // locked, claiming more than `limit`.
        let sql = format!(
            "WITH picked AS (SELECT token AS picked_token FROM deliveries
                 WHERE state = 'pending' AND not_before_us <= $3
                 ORDER BY not_before_us, target LIMIT $4{})
             UPDATE deliveries SET state = 'sending', lease_until_us = $1, attempts = attempts + 1, updated_at = $2
             FROM picked WHERE deliveries.token = picked.picked_token AND deliveries.state = 'pending'
             RETURNING {DELIVERY_COLUMNS}",
            self.skip_locked()
        );
        let mut tx = self.write().await?;
        let rows = sqlx::query(&sql)
            .bind((at + lease).as_microsecond())
            .bind(now())
            .bind(at.as_microsecond())
            .bind(limit as i64)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        rows.iter().map(delivery).collect()
    }

    /// Notes how the deliveries of one batch ended, in one transaction.
    pub async fn finish_deliveries(&self, outcomes: &[(&Delivery, Outcome)]) -> Result<()> {
        let mut tx = self.write().await?;
        let stamp = now();
        for (d, outcome) in outcomes {
            let none = Receipt::default();
            let (state, error, sent_at, not_before, receipt) = match outcome {
                Outcome::Delivered(r) => ("delivered", None, Some(stamp.as_str()), None, r),
                Outcome::Failed(e) => ("failed", Some(e.as_str()), None, None, &none),
                Outcome::Retry { not_before, error } => (
                    "pending",
                    Some(error.as_str()),
                    None,
                    Some(not_before.as_microsecond()),
                    &none,
                ),
            };
            sqlx::query(
                "UPDATE deliveries SET state = $1, error = $2, sent_at = $3, lease_until_us = NULL,
                     not_before_us = COALESCE($4, not_before_us), updated_at = $5,
                     receipt_id = $6, receipt_url = $7
                 WHERE token = $8 AND state = 'sending'",
            )
            .bind(state)
            .bind(error)
            .bind(sent_at)
            .bind(not_before)
            .bind(&stamp)
            .bind(&receipt.id)
            .bind(&receipt.url)
            .bind(&d.token)
            .execute(&mut *tx)
            .await?;
        }
        complete_jobs(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deliveries whose worker vanished while sending become uncertain,
    /// but for those to a channel: their handler finds out what went out
    /// before it tries again, so they are due again at once. Jobs with
    /// nothing left to deliver are done. Returns how many became uncertain.
    pub async fn sweep_outbox(&self, at: Timestamp) -> Result<u64> {
        let mut tx = self.write().await?;
        sqlx::query(
            "UPDATE deliveries SET state = 'pending', lease_until_us = NULL,
                 error = 'Versand unterbrochen; vor dem nächsten Versuch wird geprüft, was schon veröffentlicht ist', updated_at = $2
             WHERE state = 'sending' AND lease_until_us < $1 AND target_kind = 'channel'",
        )
        .bind(at.as_microsecond())
        .bind(now())
        .execute(&mut *tx)
        .await?;
        let cut = sqlx::query(
            "UPDATE deliveries SET state = 'uncertain', lease_until_us = NULL,
                 error = 'Versand unterbrochen; ob die Nachricht ankam, ist unklar', updated_at = $1
             WHERE state = 'sending' AND lease_until_us < $2",
        )
        .bind(now())
        .bind(at.as_microsecond())
        .execute(&mut *tx)
        .await?;
        complete_jobs(&mut tx).await?;
        tx.commit().await?;
        Ok(cut.rows_affected())
    }

    /// The jobs with these ids, in one query.
    pub async fn jobs(&self, ids: &[&str]) -> Result<Vec<Job>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT {JOB_COLUMNS} FROM jobs WHERE id IN ({})",
                placeholders(1, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            for row in q.fetch_all(&self.pool).await? {
                out.push(job(&row)?);
            }
        }
        Ok(out)
    }

    pub async fn deliveries(&self, job: &str) -> Result<Vec<Delivery>> {
        let rows = sqlx::query(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE job = $1 ORDER BY target"
        ))
        .bind(job)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(delivery).collect()
    }

    /// A tenant's jobs that failed, or have deliveries that failed or are
    /// uncertain: what a person has to look at. Newest first.
    pub async fn troubled_jobs(&self, tenant: &TenantSlug) -> Result<Vec<TroubledJob>> {
        let rows = sqlx::query(
            "SELECT j.kind, j.subject, j.state, j.last_error,
                    (SELECT COUNT(*) FROM deliveries d WHERE d.job = j.id AND d.state = 'failed') AS failed,
                    (SELECT COUNT(*) FROM deliveries d WHERE d.job = j.id AND d.state = 'uncertain') AS uncertain
             FROM jobs j
             WHERE j.tenant = $1 AND (j.state = 'failed' OR EXISTS
                 (SELECT 1 FROM deliveries d WHERE d.job = j.id AND d.state IN ('failed', 'uncertain')))
             ORDER BY j.updated_at DESC",
        )
        .bind(tenant.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TroubledJob {
                    kind: r.try_get("kind")?,
                    subject: r.try_get("subject")?,
                    state: JobState::parse(&r.try_get::<String, _>("state")?),
                    error: r.try_get("last_error")?,
                    failed: r.try_get("failed")?,
                    uncertain: r.try_get("uncertain")?,
                })
            })
            .collect()
    }

    /// Plans the job for this payload at `at`, or moves it there if it
    /// has not started yet (also one that was cancelled or failed before
    /// planning). Refused once it is under way or done.
    pub async fn schedule_job<P: Payload>(
        &self,
        tenant: &TenantSlug,
        payload: &P,
        at: Timestamp,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let key = job_key(P::KIND, tenant.as_str(), &payload.key());
        let row = sqlx::query("SELECT id, state FROM jobs WHERE idempotency_key = $1")
            .bind(&key)
            .fetch_optional(&mut *tx)
            .await?;
        match row {
            None => enqueue(&mut tx, tenant.as_str(), payload, at).await?,
            Some(row) => {
                let id: String = row.try_get("id")?;
                let state = JobState::parse(&row.try_get::<String, _>("state")?);
                let started = sqlx::query("SELECT COUNT(*) AS n FROM deliveries WHERE job = $1")
                    .bind(&id)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get::<i64, _>("n")?
                    > 0;
                if started || matches!(state, JobState::Planning | JobState::Delivering) {
                    return Err(StoreError::Locked(format!(
                        "Der Versand ist schon {}; der Termin lässt sich nicht mehr ändern.",
                        if state == JobState::Done {
                            "abgeschlossen"
                        } else {
                            "angelaufen"
                        }
                    )));
                }
                sqlx::query(
                    "UPDATE jobs SET state = 'pending', not_before_us = $1, attempts = 0, last_error = NULL,
                         lease_until_us = NULL, updated_at = $2 WHERE id = $3",
                )
                .bind(at.as_microsecond())
                .bind(now())
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Calls off the job for this payload if it has not been planned yet;
    /// says whether there was one to call off.
    pub async fn cancel_job<P: Payload>(&self, tenant: &TenantSlug, payload: &P) -> Result<bool> {
        let mut tx = self.write().await?;
        let done = sqlx::query(
            "UPDATE jobs SET state = 'cancelled', lease_until_us = NULL, updated_at = $1
             WHERE idempotency_key = $2 AND state = 'pending'",
        )
        .bind(now())
        .bind(job_key(P::KIND, tenant.as_str(), &payload.key()))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// A tenant's jobs of one kind with when they are (or were) due, for
    /// a calendar: earliest first.
    pub async fn scheduled_jobs<P: Payload>(
        &self,
        tenant: &TenantSlug,
    ) -> Result<Vec<ScheduledJob>> {
        let rows = sqlx::query(
            "SELECT j.id, j.subject, j.state, j.not_before_us, j.last_error,
                    (SELECT COUNT(*) FROM deliveries d WHERE d.job = j.id) AS deliveries,
                    (SELECT COUNT(*) FROM deliveries d WHERE d.job = j.id AND d.state = 'delivered') AS delivered,
                    (SELECT COUNT(*) FROM deliveries d WHERE d.job = j.id AND d.state IN ('failed', 'uncertain')) AS failed
             FROM jobs j WHERE j.tenant = $1 AND j.kind = $2
             ORDER BY j.not_before_us",
        )
        .bind(tenant.as_str())
        .bind(P::KIND)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ScheduledJob {
                    id: r.try_get("id")?,
                    subject: r.try_get("subject")?,
                    state: JobState::parse(&r.try_get::<String, _>("state")?),
                    due: Timestamp::from_microsecond(r.try_get("not_before_us")?)
                        .unwrap_or(Timestamp::UNIX_EPOCH),
                    error: r.try_get("last_error")?,
                    deliveries: r.try_get("deliveries")?,
                    delivered: r.try_get("delivered")?,
                    failed: r.try_get("failed")?,
                })
            })
            .collect()
    }

    /// The jobs of one kind about one subject (the corrections of a post),
    /// oldest first, each with its payload, state and deliveries.
    pub async fn jobs_about<P: Payload>(
        &self,
        tenant: &TenantSlug,
        subject: &str,
    ) -> Result<Vec<(P, ScheduledJob, Vec<Delivery>)>> {
        let rows = sqlx::query(
            "SELECT id, payload FROM jobs WHERE tenant = $1 AND kind = $2 AND subject = $3
             ORDER BY created_at, id",
        )
        .bind(tenant.as_str())
        .bind(P::KIND)
        .bind(subject)
        .fetch_all(&self.pool)
        .await?;
        let all = self.scheduled_jobs::<P>(tenant).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: String = row.try_get("id")?;
            let Some(scheduled) = all.iter().find(|j| j.id == id).cloned() else {
                continue;
            };
            let payload: String = row.try_get("payload")?;
            let payload = serde_json::from_str(&payload).map_err(|e| StoreError::Corrupt {
                kind: Kind::Tenant,
                slug: tenant.to_string(),
                reason: format!("Auftrag {id} nicht lesbar: {e}"),
            })?;
            out.push((payload, scheduled, self.deliveries(&id).await?));
        }
        Ok(out)
    }

    /// The job for this payload, with its state and deliveries.
    pub async fn job_of<P: Payload>(
        &self,
        tenant: &TenantSlug,
        payload: &P,
    ) -> Result<Option<(JobState, Vec<Delivery>)>> {
        let row = sqlx::query("SELECT id, state FROM jobs WHERE idempotency_key = $1")
            .bind(job_key(P::KIND, tenant.as_str(), &payload.key()))
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let id: String = row.try_get("id")?;
        let state = JobState::parse(&row.try_get::<String, _>("state")?);
        Ok(Some((state, self.deliveries(&id).await?)))
    }
}
