//! Persistence of kreiskom. The same SQL runs on SQLite (the embedded
//! default) and PostgreSQL through sqlx's `Any` driver; the store's test
//! suite runs against both.

mod accounts;
mod audit;
pub mod backup;
mod credentials;
mod dataset;
mod error;
mod figures;
mod generation;
mod links;
mod outbox;
mod press;
mod records;
mod snapshot;
mod twinnings;

use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Transaction};

pub use accounts::{normalize_email, Account, LinkPurpose, LoginFailure, Member, Session};
pub use audit::{Action, AuditEntry, AuditFilter};
pub use credentials::{credential_context, CredentialInfo};
pub use error::StoreError;
pub use figures::PageViews;
pub use generation::TimedWindow;
pub use outbox::{
    Delivery, DeliveryState, Job, JobState, Outcome, Receipt, ScheduledJob, TroubledJob,
};
pub use records::{Referrer, Stored};
pub use twinnings::ImportStep;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The database file used when nothing is configured: in the working
/// directory, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://kreiskom.db?mode=rwc";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    seen: generation::Seen,
    /// Set on a copy made by `snapshot`: reads come from memory.
    snapshot: Option<std::sync::Arc<snapshot::Snapshot>>,
}

impl Store {
    /// Connects and brings the schema up to date; safe to call on every
    /// start, also by several nodes on one PostgreSQL database.
    pub async fn connect(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::Config(format!(
                "Datenbank-URL „{url}“ wird nicht unterstützt: erwartet sqlite://… oder postgres://…"
            )));
        };
        let options = AnyConnectOptions::from_str(url)
            .map_err(|e| StoreError::Config(format!("Datenbank-URL ungültig: {e}")))?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 4,
                Backend::Postgres => 10,
            })
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        let store = Self {
            pool,
            backend,
            seen: Default::default(),
            snapshot: None,
        };
        store.plan_missing_timed_changes().await?;
        store.refresh_generation().await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A write transaction. On SQLite it takes the write lock up front, so
    /// a transaction that reads before it writes cannot fail on upgrade.
    async fn write(&self) -> Result<Transaction<'static, Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or_else(|_| jiff::Timestamp::now())
        .to_string()
}
