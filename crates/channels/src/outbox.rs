//! The outbox runner: plans due jobs into deliveries and carries the
//! deliveries out in batches, sent concurrently. Any number of runners, in
//! web nodes or `kreiskom worker` processes, share one database; the
//! store's claims make sure no delivery is carried out twice.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use kreiskom_core::{Clock, Payload, Target, TenantSlug};
use kreiskom_store::{Delivery, Job, Outcome, Receipt, Store, StoreError};

use crate::SendError;

/// How long a claim is someone's before others may take it over. A
/// delivery whose lease ran out while being sent becomes uncertain.
pub const LEASE: SignedDuration = SignedDuration::from_mins(10);
/// Tries before a job or a delivery gives up.
const MAX_ATTEMPTS: i64 = 8;
/// Deliveries claimed and sent at once by one runner. A crash leaves at
/// most this many uncertain.
const BATCH: usize = 32;
/// Jobs whose prepared message a runner keeps.
const PREPARED_KEPT: usize = 64;

/// Who a job goes to, as its handler decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    Deliver(Vec<Target>),
    /// Not due yet (an embargo): plan again then.
    Wait {
        until: Timestamp,
        reason: String,
    },
    /// Something it needs is missing or unreachable: again after a pause.
    Retry(String),
    /// Can never be carried out.
    Fail(String),
}

/// One kind of job: decides who gets it, prepares it once, delivers it to
/// one target at a time.
pub trait Handler: Send + Sync + 'static {
    type Payload: Payload;
    /// What every delivery of one job shares, made once (a rendered mail).
    type Prepared: Send + Sync + 'static;

    fn plan(
        &self,
        tenant: &TenantSlug,
        payload: &Self::Payload,
        at: Timestamp,
    ) -> impl Future<Output = Plan> + Send;

    fn prepare(
        &self,
        tenant: &TenantSlug,
        payload: &Self::Payload,
    ) -> impl Future<Output = Result<Self::Prepared, String>> + Send;

    /// Hands one delivery over; the receipt is what the platform answered
    /// (empty for mail).
    fn deliver(
        &self,
        prepared: &Self::Prepared,
        delivery: &Delivery,
    ) -> impl Future<Output = Result<Receipt, SendError>> + Send;
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
type Prepared = Arc<dyn Any + Send + Sync>;
type Ready = (Arc<dyn AnyHandler>, Prepared);

/// A handler behind its payload's kind name, so one runner holds them all.
trait AnyHandler: Send + Sync {
    fn plan<'a>(&'a self, job: &'a Job, at: Timestamp) -> BoxFuture<'a, Plan>;
    fn prepare<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<Prepared, String>>;
    fn deliver<'a>(
        &'a self,
        prepared: &'a Prepared,
        delivery: &'a Delivery,
    ) -> BoxFuture<'a, Result<Receipt, SendError>>;
}

impl<H: Handler> AnyHandler for H {
    fn plan<'a>(&'a self, job: &'a Job, at: Timestamp) -> BoxFuture<'a, Plan> {
        Box::pin(async move {
            match job.payload::<H::Payload>() {
                Ok(p) => Handler::plan(self, &job.tenant, &p, at).await,
                Err(e) => Plan::Fail(e),
            }
        })
    }

    fn prepare<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<Prepared, String>> {
        Box::pin(async move {
            let payload = job.payload::<H::Payload>()?;
            let prepared = Handler::prepare(self, &job.tenant, &payload).await?;
            Ok(Arc::new(prepared) as Prepared)
        })
    }

    fn deliver<'a>(
        &'a self,
        prepared: &'a Prepared,
        delivery: &'a Delivery,
    ) -> BoxFuture<'a, Result<Receipt, SendError>> {
        Box::pin(async move {
            let prepared = prepared
                .downcast_ref::<H::Prepared>()
                .ok_or_else(|| SendError::Permanent("falsch vorbereiteter Auftrag".into()))?;
            Handler::deliver(self, prepared, delivery).await
        })
    }
}

/// What one call of [`Runner::run_due`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    pub planned: usize,
    pub delivered: usize,
    pub failed: usize,
    pub retried: usize,
    /// Deliveries a vanished runner left in the middle of sending.
    pub uncertain: u64,
}

pub struct Runner {
    store: Store,
    clock: Clock,
    handlers: HashMap<&'static str, Arc<dyn AnyHandler>>,
    batch: usize,
    prepared: Mutex<HashMap<String, Ready>>,
    stopping: AtomicBool,
    wake: Arc<tokio::sync::Notify>,
}

impl Runner {
    pub fn new(store: Store, clock: Clock) -> Self {
        Self {
            store,
            clock,
            handlers: HashMap::new(),
            batch: BATCH,
            prepared: Mutex::default(),
            stopping: AtomicBool::new(false),
            wake: Arc::default(),
        }
    }

    /// Carries out the jobs of `H`'s payload kind.
    pub fn handle<H: Handler>(mut self, handler: H) -> Self {
        self.handlers
            .insert(<H::Payload as Payload>::KIND, Arc::new(handler));
        self
    }

    /// Deliveries claimed and sent at once.
    pub fn batch(mut self, n: usize) -> Self {
        self.batch = n.max(1);
        self
    }

    fn now(&self) -> Timestamp {
        (self.clock)()
    }

    /// Runs until nothing is due now.
    pub async fn run_due(&self) -> Result<Report, StoreError> {
        let mut report = Report::default();
        report.uncertain += self.store.sweep_outbox(self.now()).await?;
        while !self.stopping.load(Ordering::SeqCst) {
            let now = self.now();
            let mut planned = false;
            while let Some(job) = self.store.claim_job(now, LEASE).await? {
                self.plan(&job, now).await?;
                report.planned += 1;
                planned = true;
            }
            let batch = self.store.claim_deliveries(now, LEASE, self.batch).await?;
            if batch.is_empty() && !planned {
                break;
            }
            self.deliver(&batch, now, &mut report).await?;
        }
        // Jobs whose last deliveries another runner finished at the same
        // moment are done now.
        report.uncertain += self.store.sweep_outbox(self.now()).await?;
        Ok(report)
    }

    /// Runs due work now, whenever `wake` is notified, and every `every`,
    /// until [`Runner::stop`].
    pub fn spawn(
        self: Arc<Self>,
        wake: Arc<tokio::sync::Notify>,
        every: Duration,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            while !self.stopping.load(Ordering::SeqCst) {
                match self.run_due().await {
                    Ok(r) if r != Report::default() => tracing::info!(
                        planned = r.planned,
                        delivered = r.delivered,
                        failed = r.failed,
                        retried = r.retried,
                        uncertain = r.uncertain,
                        "outbox"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "outbox runner"),
                }
                tokio::select! {
                    _ = wake.notified() => {}
                    _ = self.wake.notified() => {}
                    _ = tokio::time::sleep(every) => {}
                }
            }
        })
    }

    /// Lets the batch under way finish, then ends the spawned task: what a
    /// worker does on SIGTERM, so a planned stop leaves nothing uncertain.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }

    async fn plan(&self, job: &Job, now: Timestamp) -> Result<(), StoreError> {
        let Some(handler) = self.handlers.get(job.kind.as_str()) else {
            return self
                .store
                .fail_job(&job.id, &format!("unbekannte Aufgabe „{}“", job.kind))
                .await;
        };
        match handler.plan(job, now).await {
            Plan::Deliver(targets) => self.store.plan_job(&job.id, &targets, now).await,
            Plan::Wait { until, reason } => {
                // A moment already past would be claimed again at once.
                let until = if until > now {
                    until
                } else {
                    now + backoff(job.attempts)
                };
                self.store.postpone_job(&job.id, until, &reason).await
            }
            Plan::Retry(error) if job.attempts < MAX_ATTEMPTS => {
                let until = now + backoff(job.attempts);
                self.store.postpone_job(&job.id, until, &error).await
            }
            Plan::Retry(error) | Plan::Fail(error) => self.store.fail_job(&job.id, &error).await,
        }
    }

    /// The handler and prepared message of each job in the batch, made
    /// once per job and runner. A job that cannot be prepared fails as a
    /// whole, with the deliveries it still had.
    async fn prepared(&self, batch: &[Delivery]) -> Result<HashMap<String, Ready>, StoreError> {
        let mut ready = HashMap::new();
        let mut missing: Vec<&str> = Vec::new();
        {
            let kept = self.prepared.lock().expect("prepared jobs");
            for d in batch {
                if ready.contains_key(&d.job) || missing.contains(&d.job.as_str()) {
                    continue;
                }
                match kept.get(&d.job) {
                    Some(r) => {
                        ready.insert(d.job.clone(), r.clone());
                    }
                    None => missing.push(&d.job),
                }
            }
        }
        for job in self.store.jobs(&missing).await? {
            let Some(handler) = self.handlers.get(job.kind.as_str()) else {
                let error = format!("unbekannte Aufgabe „{}“", job.kind);
                self.store.fail_job(&job.id, &error).await?;
                continue;
            };
            match handler.prepare(&job).await {
                Ok(p) => {
                    let r: Ready = (handler.clone(), p);
                    let mut kept = self.prepared.lock().expect("prepared jobs");
                    if kept.len() >= PREPARED_KEPT {
                        kept.clear();
                    }
                    kept.insert(job.id.clone(), r.clone());
                    ready.insert(job.id, r);
                }
                Err(e) => self.store.fail_job(&job.id, &e).await?,
            }
        }
        Ok(ready)
    }

    async fn deliver(
        &self,
        batch: &[Delivery],
        now: Timestamp,
        report: &mut Report,
    ) -> Result<(), StoreError> {
        if batch.is_empty() {
            return Ok(());
        }
        let ready = self.prepared(batch).await?;
        let sends = batch.iter().filter_map(|d| {
            let (handler, prepared) = ready.get(&d.job)?;
            Some(async move { (d, handler.deliver(prepared, d).await) })
        });
        let results = futures_util::future::join_all(sends).await;
        let mut outcomes = Vec::with_capacity(results.len());
        for (d, result) in results {
            let outcome = match result {
                Ok(receipt) => Outcome::Delivered(receipt),
                Err(SendError::Transient(e)) if d.attempts < MAX_ATTEMPTS => Outcome::Retry {
                    not_before: now + backoff(d.attempts),
                    error: e,
                },
                Err(e) => Outcome::Failed(e.to_string()),
            };
            match outcome {
                Outcome::Delivered(_) => report.delivered += 1,
                Outcome::Failed(_) => report.failed += 1,
                Outcome::Retry { .. } => report.retried += 1,
            }
            outcomes.push((d, outcome));
        }
        self.store.finish_deliveries(&outcomes).await
    }
}

/// 1, 2, 4 … minutes after the n-th try, at most an hour.
fn backoff(attempts: i64) -> SignedDuration {
    let minutes = 1i64 << (attempts - 1).clamp(0, 6);
    SignedDuration::from_mins(minutes.min(60))
}

#[cfg(test)]
mod tests {
    use super::backoff;
    use jiff::SignedDuration;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        let minutes: Vec<i64> = [1, 2, 3, 7, 20]
            .into_iter()
            .map(|n| backoff(n).as_mins())
            .collect();
        assert_eq!(minutes, [1, 2, 4, 60, 60]);
        assert_eq!(backoff(0), SignedDuration::from_mins(1));
    }
}
