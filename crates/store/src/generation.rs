//! The site generation: a number every change to public data raises in its
//! own transaction. Rendered pages remember the generation they were made
//! from; a node learns of its own changes at once and of other nodes'
//! changes by polling, so a page is never served stale for longer than the
//! poll interval.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use sqlx::{Any, Row, Transaction};

use crate::{now, Result, Store};

/// The last generation this node knows of.
#[derive(Debug, Clone, Default)]
pub(crate) struct Seen(Arc<AtomicI64>);

impl Seen {
    fn raise(&self, generation: i64) {
        self.0.fetch_max(generation, Ordering::AcqRel);
    }
}

/// Raises the generation inside a write; the caller passes the returned
/// number to `Store::committed` once the transaction is committed.
pub(crate) async fn bump(tx: &mut Transaction<'static, Any>) -> Result<i64> {
    Ok(sqlx::query(
        "UPDATE site_generation SET value = value + 1, changed_at = $1 WHERE id = 1 RETURNING value",
    )
    .bind(now())
    .fetch_one(&mut **tx)
    .await?
    .try_get("value")?)
}

/// Notes a moment at which public pages change by themselves.
pub(crate) async fn plan_timed_change(
    tx: &mut Transaction<'static, Any>,
    tenant: &str,
    what: &str,
    at: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO timed_changes (tenant, what, at_us, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant, what, at_us) DO NOTHING",
    )
    .bind(tenant)
    .bind(what)
    .bind(at.as_microsecond())
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The timed changes around an instant: the last one at or before it and
/// the first one after it. Pages rendered at `at` stay right in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedWindow {
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
}

impl Store {
    /// The generation this node knows of; cheap, for every request.
    pub fn generation(&self) -> i64 {
        self.seen.0.load(Ordering::Acquire)
    }

    /// Called after committing a transaction that bumped the generation.
    pub(crate) fn committed(&self, generation: i64) {
        self.seen.raise(generation);
    }

    /// Reads the generation from the database (other nodes' changes).
    pub async fn refresh_generation(&self) -> Result<i64> {
        let value: i64 = sqlx::query("SELECT value FROM site_generation WHERE id = 1")
            .fetch_one(&self.pool)
            .await?
            .try_get("value")?;
        self.seen.raise(value);
        Ok(self.generation())
    }

    /// Polls the database for other nodes' changes every `every`.
    pub fn watch_generation(&self, every: Duration) -> tokio::task::JoinHandle<()> {
        let store = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = store.refresh_generation().await {
                    tracing::warn!(error = %e, "could not read the site generation");
                }
                tokio::time::sleep(every).await;
            }
        })
    }

    pub async fn timed_window(&self, at: Timestamp) -> Result<TimedWindow> {
        let row = sqlx::query(
            "SELECT (SELECT MAX(at_us) FROM timed_changes WHERE at_us <= $1) AS since,
                    (SELECT MIN(at_us) FROM timed_changes WHERE at_us > $1) AS until",
        )
        .bind(at.as_microsecond())
        .fetch_one(&self.pool)
        .await?;
        let at = |column: &str| -> Result<Option<Timestamp>> {
            let us: Option<i64> = row.try_get(column)?;
            Ok(us.and_then(|us| Timestamp::from_microsecond(us).ok()))
        };
        Ok(TimedWindow {
            since: at("since")?,
            until: at("until")?,
        })
    }
}
