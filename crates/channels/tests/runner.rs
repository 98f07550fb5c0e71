//! The outbox runner with handlers of its own kinds, on both databases:
//! a new job kind is a payload and a handler, nothing else.

use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use kreiskom_channels::{Handler, Plan, Runner, SendError};
use kreiskom_core::{Actor, Clock, Kind, Payload, Target, Tenant, TenantSlug};
use kreiskom_store::{Delivery, DeliveryState, JobState, Receipt, Store};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
struct Ping {
    id: String,
    /// The moment the handler asks to wait for, if any.
    wait_until: Option<Timestamp>,
}

impl Payload for Ping {
    const KIND: &'static str = "ping";
    fn key(&self) -> String {
        self.id.clone()
    }
    fn subject(&self) -> &str {
        &self.id
    }
}

/// Delivers to three addresses; the first try of "b" finds the server away.
struct Pinger {
    tries: Arc<AtomicUsize>,
}

impl Handler for Pinger {
    type Payload = Ping;
    type Prepared = String;

    async fn plan(&self, _: &TenantSlug, p: &Ping, _: Timestamp) -> Plan {
        match p.wait_until {
            Some(until) => Plan::Wait {
                until,
                reason: "später".into(),
            },
            None => Plan::Deliver(
                ["a", "b", "c"]
                    .iter()
                    .map(|n| Target::email(&format!("{n}@ping.example"), n, ""))
                    .collect(),
            ),
        }
    }

    async fn prepare(&self, _: &TenantSlug, p: &Ping) -> Result<String, String> {
        Ok(format!("ping {}", p.id))
    }

    async fn deliver(&self, _: &String, d: &Delivery) -> Result<Receipt, SendError> {
        let n = self.tries.fetch_add(1, Ordering::SeqCst);
        if d.target == "b@ping.example" && d.attempts == 1 {
            return Err(SendError::Transient(format!("weg ({n})")));
        }
        Ok(Receipt::default())
    }
}

fn t() -> TenantSlug {
    TenantSlug::parse("goslar").unwrap()
}

async fn setup(url: &str) -> (Store, Arc<AtomicI64>, Clock) {
    let store = Store::connect(url).await.unwrap();
    let tenant: Tenant = serde_json::from_value(serde_json::json!({
        "slug": "goslar", "name": "Landkreis Goslar", "region": "goslar"
    }))
    .unwrap();
    let op = Actor::operator("test");
    let region: kreiskom_core::Region = serde_json::from_value(serde_json::json!({
        "slug": "goslar", "kind": "district", "country": "DE",
        "names": [{"lang": "de", "name": "Landkreis Goslar"}]
    }))
    .unwrap();
    store
        .create(&op.operator_permit(Kind::Region).unwrap(), None, region)
        .await
        .unwrap();
    store
        .create(&op.operator_permit(Kind::Tenant).unwrap(), None, tenant)
        .await
        .unwrap();
    let later = Arc::new(AtomicI64::new(0));
    let start: Timestamp = "2026-11-23T11:00:00Z".parse().unwrap();
    let offset = later.clone();
    let clock: Clock =
        Arc::new(move || start + SignedDuration::from_secs(offset.load(Ordering::SeqCst)));
    (store, later, clock)
}

async fn a_new_job_kind_is_a_payload_and_a_handler(url: &str) {
    let (store, later, clock) = setup(url).await;
    let tries = Arc::new(AtomicUsize::new(0));
    let runner = Runner::new(store.clone(), clock.clone()).handle(Pinger {
        tries: tries.clone(),
    });
    let ping = Ping {
        id: "eins".into(),
        wait_until: None,
    };
    store.enqueue_job(&t(), &ping, clock()).await.unwrap();
    // Asked twice, it is one job.
    store.enqueue_job(&t(), &ping, clock()).await.unwrap();
    let r = runner.run_due().await.unwrap();
    assert_eq!((r.planned, r.delivered, r.retried), (1, 2, 1), "{r:?}");
    let (state, d) = store.job_of(&t(), &ping).await.unwrap().unwrap();
    assert_eq!(state, JobState::Delivering);
    assert_eq!(d[1].state, DeliveryState::Pending);
    assert!(d[1].error.as_deref().unwrap().contains("weg"));
    // Not before its backoff of a minute …
    later.store(59, Ordering::SeqCst);
    assert_eq!(runner.run_due().await.unwrap().delivered, 0);
    // … then once more, and the job is done.
    later.store(61, Ordering::SeqCst);
    assert_eq!(runner.run_due().await.unwrap().delivered, 1);
    let (state, d) = store.job_of(&t(), &ping).await.unwrap().unwrap();
    assert_eq!(state, JobState::Done);
    assert!(d.iter().all(|d| d.state == DeliveryState::Delivered));
    assert_eq!(d[1].attempts, 2);
    assert_eq!(tries.load(Ordering::SeqCst), 4);
}

async fn waiting_for_a_past_moment_does_not_spin(url: &str) {
    let (store, _, clock) = setup(url).await;
    let runner = Runner::new(store.clone(), clock.clone()).handle(Pinger {
        tries: Arc::default(),
    });
    let ping = Ping {
        id: "zwei".into(),
        wait_until: Some(clock() - SignedDuration::from_hours(1)),
    };
    store.enqueue_job(&t(), &ping, clock()).await.unwrap();
    let r = tokio::time::timeout(std::time::Duration::from_secs(10), runner.run_due())
        .await
        .expect("run_due claimed the same job again and again")
        .unwrap();
    assert_eq!(r.planned, 1, "planned once, then put off: {r:?}");
    let (state, _) = store.job_of(&t(), &ping).await.unwrap().unwrap();
    assert_eq!(state, JobState::Pending);
    assert!(store
        .claim_job(clock(), kreiskom_channels::LEASE)
        .await
        .unwrap()
        .is_none());
}

async fn a_job_nobody_handles_fails(url: &str) {
    let (store, _, clock) = setup(url).await;
    let runner = Runner::new(store.clone(), clock.clone());
    let ping = Ping {
        id: "drei".into(),
        wait_until: None,
    };
    store.enqueue_job(&t(), &ping, clock()).await.unwrap();
    runner.run_due().await.unwrap();
    let (state, d) = store.job_of(&t(), &ping).await.unwrap().unwrap();
    assert_eq!(state, JobState::Failed);
    assert!(d.is_empty());
}

kreiskom_testkit::on_both_backends!(
    a_new_job_kind_is_a_payload_and_a_handler,
    waiting_for_a_past_moment_does_not_spin,
    a_job_nobody_handles_fails,
);
