//! The newsroom in the store: workflow, numbering under concurrency, the
//! outbox with its claims by several workers, and erasure, on SQLite and PostgreSQL.

use jiff::Timestamp;
use kreiskom_core::{
    Actor, Grant, Journalist, Kind, LocalTime, MailingList, PressRelease, Record, Region, Role,
    Tenant, TenantSlug, WorkflowError,
};
use kreiskom_core::{ReleaseMail, ReleaseState, Target};
use kreiskom_store::{Action, DeliveryState, JobState, Outcome, Store, StoreError};
use serde_json::json;

fn t() -> TenantSlug {
    TenantSlug::parse("spree-neisse").unwrap()
}

fn account(email: &str, role: Role) -> Actor {
    Actor::account(email, vec![Grant { tenant: t(), role }])
}

fn press() -> Actor {
    account("presse@spree-neisse.example", Role::PressOfficer)
}

fn head() -> Actor {
    account("landrat@spree-neisse.example", Role::HeadOfAdministration)
}

fn at(s: &str) -> Timestamp {
    LocalTime::parse(s).unwrap().instant()
}

fn release(slug: &str) -> PressRelease {
    serde_json::from_value(json!({
        "slug": slug, "title": format!("Mitteilung {slug}"), "body": "Text."
    }))
    .unwrap()
}

async fn seeded(url: &str, first_2014: Option<u32>) -> Store {
    let store = Store::connect(url).await.unwrap();
    let op = Actor::operator("test");
    let region: Region = serde_json::from_value(json!({
        "slug": "spree-neisse", "kind": "district", "country": "DE",
        "names": [{"lang": "de", "name": "Landkreis Spree-Neiße"}]
    }))
    .unwrap();
    store
        .create(&op.operator_permit(Kind::Region).unwrap(), None, region)
        .await
        .unwrap();
    let mut tenant: Tenant = serde_json::from_value(json!({
        "slug": "spree-neisse", "name": "Landkreis Spree-Neiße", "region": "spree-neisse"
    }))
    .unwrap();
    if let Some(first) = first_2014 {
        tenant.press_numbering = vec![kreiskom_core::NumberingStart { year: 2014, first }];
    }
    store
        .create(&op.operator_permit(Kind::Tenant).unwrap(), None, tenant)
        .await
        .unwrap();
    store
}

async fn write(store: &Store, r: PressRelease) {
    let permit = press().permit(&t(), Kind::PressRelease).unwrap();
    store.create(&permit, Some(&t()), r).await.unwrap();
}

async fn numbers_follow_on_from_the_configured_start(url: &str) {
    let store = seeded(url, Some(150)).await;
    for slug in ["a", "b", "c"] {
        write(&store, release(slug)).await;
        store
            .submit_release(&press(), &t(), slug, at("2014-07-01T09:00"))
            .await
            .unwrap();
        store
            .approve_release(&head(), &t(), slug, at("2014-07-01T10:00"))
            .await
            .unwrap();
    }
    let titles: Vec<String> = store
        .public_releases(&t(), at("2014-07-02T00:00"))
        .await
        .unwrap()
        .iter()
        .map(|r| r.workflow.number.unwrap().to_string())
        .collect();
    assert_eq!(titles, ["152/14", "151/14", "150/14"]);
    // A new year starts at 1.
    write(&store, release("d")).await;
    store
        .submit_release(&press(), &t(), "d", at("2015-01-02T09:00"))
        .await
        .unwrap();
    let d = store
        .approve_release(&head(), &t(), "d", at("2015-01-02T10:00"))
        .await
        .unwrap();
    assert_eq!(d.record.workflow.number.unwrap().to_string(), "1/15");
    let found = store.release_by_number(&t(), 2014, 151).await.unwrap();
    assert_eq!(found.unwrap().slug(), "b");
}

async fn concurrent_approvals_never_repeat_or_skip_a_number(url: &str) {
    let store = seeded(url, None).await;
    let n = 12;
    for i in 0..n {
        let slug = format!("r{i}");
        write(&store, release(&slug)).await;
        store
            .submit_release(&press(), &t(), &slug, at("2026-03-01T09:00"))
            .await
            .unwrap();
    }
    let mut tasks = Vec::new();
    for i in 0..n {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .approve_release(&head(), &t(), &format!("r{i}"), at("2026-03-01T10:00"))
                .await
                .map(|s| s.record.workflow.number.unwrap().number)
        }));
    }
    let mut numbers = Vec::new();
    for task in tasks {
        numbers.push(task.await.unwrap().unwrap());
    }
    numbers.sort();
    assert_eq!(numbers, (1..=n).collect::<Vec<u32>>());
}

async fn workflow_keeps_four_eyes_and_locks_released_texts(url: &str) {
    let store = seeded(url, None).await;
    write(&store, release("a")).await;
    let now = at("2026-03-01T09:00");
    let err = store
        .approve_release(&head(), &t(), "a", now)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        StoreError::Workflow(WorkflowError::NotSubmitted)
    ));
    store
        .submit_release(&press(), &t(), "a", now)
        .await
        .unwrap();
    let err = store
        .approve_release(&press(), &t(), "a", now)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        StoreError::Workflow(WorkflowError::NotApprover)
    ));
    // A submitted text is not edited behind the approver's back.
    let permit = press().permit(&t(), Kind::PressRelease).unwrap();
    let mut edited = release("a");
    edited.body = "Anders.".into();
    let err = store
        .update(&permit, Some(&t()), "a", edited.clone(), None)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Locked(_)));
    let returned = store
        .return_release(&head(), &t(), "a", now, "Bitte das Zitat prüfen.")
        .await
        .unwrap();
    let w = &returned.record.workflow;
    assert_eq!(w.state, ReleaseState::Draft);
    assert_eq!(w.return_comment.as_deref(), Some("Bitte das Zitat prüfen."));
    assert_eq!(w.returned_at, Some(now));
    store
        .update(&permit, Some(&t()), "a", edited.clone(), None)
        .await
        .unwrap();
    store
        .submit_release(&press(), &t(), "a", now)
        .await
        .unwrap();
    let approved = store
        .approve_release(&head(), &t(), "a", now)
        .await
        .unwrap();
    assert_eq!(
        approved.record.workflow.approved_by.as_deref(),
        Some("landrat@spree-neisse.example")
    );
    // An edit through a form cannot smuggle in a workflow or change the text.
    let err = store
        .update(&permit, Some(&t()), "a", release("a"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Locked(_)));
    let err = store
        .delete::<PressRelease>(&permit, Some(&t()), "a")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Locked(_)));
    // A new release given a workflow through the API starts as a draft.
    let mut sneaky = release("b");
    sneaky.workflow = approved.record.workflow.clone();
    let created = store.create(&permit, Some(&t()), sneaky).await.unwrap();
    assert_eq!(created.record.workflow, Default::default());
    let history = store
        .audit_of_record(Kind::PressRelease, Some(&t()), "a")
        .await
        .unwrap();
    let actions: Vec<Action> = history.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            Action::Approved,
            Action::Submitted,
            Action::Update,
            Action::ReturnedToDraft,
            Action::Submitted,
            Action::Create
        ]
    );
}

async fn embargo_decides_what_is_public(url: &str) {
    let store = seeded(url, None).await;
    let mut r = release("a");
    r.embargo = Some(LocalTime::parse("2026-03-02T10:00").unwrap());
    write(&store, r).await;
    store
        .submit_release(&press(), &t(), "a", at("2026-03-01T09:00"))
        .await
        .unwrap();
    store
        .approve_release(&head(), &t(), "a", at("2026-03-01T10:00"))
        .await
        .unwrap();
    let embargo = at("2026-03-02T10:00");
    let before = embargo - jiff::SignedDuration::from_secs(1);
    assert!(store
        .public_releases(&t(), before)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.public_releases(&t(), embargo).await.unwrap().len(), 1);
    // The mail job waits for the embargo too.
    assert!(store.claim_job(before, LEASE).await.unwrap().is_none());
}

async fn mailing(store: &Store) -> String {
    let op = Actor::operator("test");
    let list: MailingList =
        serde_json::from_value(json!({"slug": "regional", "name": "Regionalpresse"})).unwrap();
    store
        .create(
            &op.operator_permit(Kind::MailingList).unwrap(),
            Some(&t()),
            list,
        )
        .await
        .unwrap();
    for (slug, mail) in [("anna", "anna@lr.example"), ("ben", "ben@radio.example")] {
        let j: Journalist = serde_json::from_value(json!({
            "slug": slug, "name": slug, "email": mail, "mailing_lists": ["regional"], "consent": "2026-01-05"
        }))
        .unwrap();
        store
            .create(
                &op.operator_permit(Kind::Journalist).unwrap(),
                Some(&t()),
                j,
            )
            .await
            .unwrap();
    }
    let mut r = release("a");
    r.mailing_lists = vec![kreiskom_core::MailingListSlug::parse("regional").unwrap()];
    write(store, r).await;
    store
        .submit_release(&press(), &t(), "a", at("2026-03-01T09:00"))
        .await
        .unwrap();
    store
        .approve_release(&head(), &t(), "a", at("2026-03-01T10:00"))
        .await
        .unwrap();
    let job = store
        .claim_job(at("2026-03-01T10:00"), LEASE)
        .await
        .unwrap()
        .expect("the approval wrote a mail job");
    assert_eq!(job.subject, "a");
    job.id
}

fn recipients() -> Vec<Target> {
    [("anna", "anna@lr.example"), ("ben", "Ben@Radio.example")]
        .iter()
        .map(|(s, m)| Target::email(m, s, s))
        .collect()
}

fn mail_a() -> ReleaseMail {
    ReleaseMail {
        release: "a".into(),
    }
}

const LEASE: jiff::SignedDuration = jiff::SignedDuration::from_mins(5);

async fn deliveries_are_planned_once_and_never_resent(url: &str) {
    let store = seeded(url, None).await;
    let job = mailing(&store).await;
    let t0 = at("2026-03-01T10:00");
    store.plan_job(&job, &recipients(), t0).await.unwrap();
    // Planning again (a planner that was cut off) adds nobody twice.
    store.plan_job(&job, &recipients(), t0).await.unwrap();
    assert_eq!(store.deliveries(&job).await.unwrap().len(), 2);

    // One worker takes anna and dies before noting the result; another
    // worker gets only ben.
    let first = store.claim_deliveries(t0, LEASE, 1).await.unwrap();
    assert_eq!(first[0].target, "anna@lr.example");
    let second = store.claim_deliveries(t0, LEASE, 10).await.unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(
        second[0].target, "ben@radio.example",
        "stored in lower case"
    );
    store
        .finish_deliveries(&[(&second[0], Outcome::Delivered(Default::default()))])
        .await
        .unwrap();

    // While the lease holds, anna's delivery is the dead worker's.
    let during = t0 + jiff::SignedDuration::from_mins(4);
    assert_eq!(store.sweep_outbox(during).await.unwrap(), 0);
    assert!(store
        .claim_deliveries(during, LEASE, 10)
        .await
        .unwrap()
        .is_empty());
    let (state, _) = store.job_of(&t(), &mail_a()).await.unwrap().unwrap();
    assert_eq!(state, JobState::Delivering);
    // After it, she becomes uncertain and is never sent again.
    let after = t0 + jiff::SignedDuration::from_mins(6);
    assert_eq!(store.sweep_outbox(after).await.unwrap(), 1);
    assert!(store
        .claim_deliveries(after, LEASE, 10)
        .await
        .unwrap()
        .is_empty());
    let (state, d) = store.job_of(&t(), &mail_a()).await.unwrap().unwrap();
    assert_eq!(state, JobState::Done);
    assert_eq!(d[0].state, DeliveryState::Uncertain);
    assert_eq!(d[1].state, DeliveryState::Delivered);
    assert!(d[1].sent_at.is_some());
    assert_eq!(d[1].attempts, 1);
    // Nothing is due any more.
    assert!(store.claim_job(after, LEASE).await.unwrap().is_none());
}

async fn a_retry_waits_and_a_failed_job_ends_what_is_left(url: &str) {
    let store = seeded(url, None).await;
    let job = mailing(&store).await;
    let t0 = at("2026-03-01T10:00");
    store.plan_job(&job, &recipients(), t0).await.unwrap();
    let batch = store.claim_deliveries(t0, LEASE, 10).await.unwrap();
    let again = t0 + jiff::SignedDuration::from_mins(1);
    store
        .finish_deliveries(&[
            (
                &batch[0],
                Outcome::Retry {
                    not_before: again,
                    error: "Server nicht erreichbar".into(),
                },
            ),
            (&batch[1], Outcome::Failed("550 unbekannt".into())),
        ])
        .await
        .unwrap();
    let early = again - jiff::SignedDuration::from_secs(1);
    assert!(store
        .claim_deliveries(early, LEASE, 10)
        .await
        .unwrap()
        .is_empty());
    let retried = store.claim_deliveries(again, LEASE, 10).await.unwrap();
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].attempts, 2);
    store.fail_job(&job, "Mitteilung gelöscht").await.unwrap();
    let (state, d) = store.job_of(&t(), &mail_a()).await.unwrap().unwrap();
    assert_eq!(state, JobState::Failed);
    assert!(d.iter().all(|d| d.state == DeliveryState::Failed), "{d:?}");
    assert_eq!(d[1].error.as_deref(), Some("550 unbekannt"));
    assert!(d[0]
        .error
        .as_deref()
        .unwrap()
        .contains("Mitteilung gelöscht"));
}

/// Two workers with pools of their own claim from one job at once: every
/// delivery is claimed exactly once.
async fn concurrent_workers_never_claim_the_same_delivery(url: &str) {
    let store = seeded(url, None).await;
    let job = mailing(&store).await;
    let t0 = at("2026-03-01T10:00");
    let targets: Vec<Target> = (0..200)
        .map(|i| Target::email(&format!("r{i}@presse.example"), "R", ""))
        .collect();
    store.plan_job(&job, &targets, t0).await.unwrap();
    let mut workers = Vec::new();
    for _ in 0..2 {
        let store = Store::connect(url).await.unwrap();
        workers.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let batch = store.claim_deliveries(t0, LEASE, 7).await.unwrap();
                if batch.is_empty() {
                    return mine;
                }
                assert!(batch.len() <= 7, "claimed {} of at most 7", batch.len());
                let done: Vec<_> = batch
                    .iter()
                    .map(|d| (d, Outcome::Delivered(Default::default())))
                    .collect();
                store.finish_deliveries(&done).await.unwrap();
                mine.extend(batch.into_iter().map(|d| d.target));
                tokio::task::yield_now().await;
            }
        }));
    }
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.unwrap());
    }
    let claimed = all.len();
    all.sort();
    all.dedup();
    assert_eq!(claimed, 200, "each delivery claimed once");
    assert_eq!(all.len(), 200);
    store.sweep_outbox(t0).await.unwrap();
    let (state, _) = store.job_of(&t(), &mail_a()).await.unwrap().unwrap();
    assert_eq!(state, JobState::Done);
}

async fn unsubscribe_and_erasure_remove_the_journalist(url: &str) {
    let store = seeded(url, None).await;
    let job = mailing(&store).await;
    store
        .plan_job(&job, &recipients(), at("2026-03-01T10:00"))
        .await
        .unwrap();
    let token = store.deliveries(&job).await.unwrap()[1].token.clone();
    assert_eq!(
        store.unsubscribe(&token).await.unwrap().as_deref(),
        Some("ben")
    );
    assert_eq!(store.unsubscribe("falsch").await.unwrap(), None);
    let ben = store.fetch::<Journalist>(Some(&t()), "ben").await.unwrap();
    assert!(ben.record.mailing_lists.is_empty());

    let export = store.journalist_export(&t(), "ben").await.unwrap();
    assert_eq!(export["journalist"]["email"], "ben@radio.example");
    assert_eq!(export["mailings"][0]["press_release"], "a");
    assert!(!export["history"].as_array().unwrap().is_empty());

    let permit = press().permit(&t(), Kind::Journalist).unwrap();
    store.erase_journalist(&permit, &t(), "ben").await.unwrap();
    assert!(store
        .get::<Journalist>(Some(&t()), "ben")
        .await
        .unwrap()
        .is_none());
    let d = store.deliveries(&job).await.unwrap();
    assert!(d.iter().all(|d| d.target != "ben@radio.example"
        && d.name != "ben"
        && d.person.is_empty() == (d.name == "(gelöscht)")));
    let history = store
        .audit_of_record(Kind::Journalist, Some(&t()), "ben")
        .await
        .unwrap();
    assert_eq!(history[0].action, Action::Erased);
    let log = serde_json::to_string(&history).unwrap();
    assert!(!log.contains("ben@radio.example"), "{log}");
}

kreiskom_testkit::on_both_backends!(
    numbers_follow_on_from_the_configured_start,
    concurrent_approvals_never_repeat_or_skip_a_number,
    workflow_keeps_four_eyes_and_locks_released_texts,
    embargo_decides_what_is_public,
    deliveries_are_planned_once_and_never_resent,
    a_retry_waits_and_a_failed_job_ends_what_is_left,
    concurrent_workers_never_claim_the_same_delivery,
    unsubscribe_and_erasure_remove_the_journalist,
);
