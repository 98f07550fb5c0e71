//! `kreiskom worker` as an operator runs it: two worker processes on one
//! database mail one release to 201 recipients through a real SMTP server
//! (aiosmtpd); one worker is killed mid-run. Nobody gets a message twice,
//! and what the killed worker had in hand is marked uncertain, not resent.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kreiskom_core::{Actor, Dataset, Grant, Journalist, Kind, ReleaseMail, Role, TenantSlug};
use kreiskom_store::{DeliveryState, JobState, Store};
use kreiskom_testkit::SmtpServer;

const DEMO: &str = include_str!("../../../demo/demo.json");
const RECIPIENTS: usize = 200;

fn goslar() -> TenantSlug {
    TenantSlug::parse("goslar").unwrap()
}

fn mail() -> ReleaseMail {
    ReleaseMail {
        release: "hilfskonvoi-trebnitz".into(),
    }
}

fn worker(db: &str, smtp: &SmtpServer) -> Child {
    Command::new(env!("CARGO_BIN_EXE_kreiskom"))
        .args(["worker", "--every", "1"])
        .env("KREISKOM_DATABASE_URL", db)
        .env("KREISKOM_PUBLIC_URL", "https://presse.goslar.example")
        .env("KREISKOM_SMTP__HOST", "127.0.0.1")
        .env("KREISKOM_SMTP__PORT", smtp.port.to_string())
        .env("KREISKOM_SMTP__SECURITY", "none")
        .env("KREISKOM_SMTP__FROM", "presse@landkreis-goslar.example")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start kreiskom worker")
}

fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "waited {limit:?} for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

async fn two_workers_one_killed_nobody_mailed_twice(url: &str) {
    let Some(python) = kreiskom_testkit::python() else {
        return;
    };
    let store = Store::connect(url).await.unwrap();
    let demo: Dataset = serde_json::from_str(DEMO).unwrap();
    let op = Actor::operator("test");
    store.import(&op, &demo, |_, _| {}).await.unwrap();
    let permit = op.operator_permit(Kind::Journalist).unwrap();
    for i in 0..RECIPIENTS {
        let j: Journalist = serde_json::from_value(serde_json::json!({
            "slug": format!("journalist-{i}"),
            "name": format!("Journalist {i}"),
            "email": format!("journalist-{i}@presse.example"),
            "mailing_lists": ["regionalpresse"],
            "consent": "2026-01-05"
        }))
        .unwrap();
        store.create(&permit, Some(&goslar()), j).await.unwrap();
    }
    let smtp = SmtpServer::start(&python);
    let mut first = worker(url, &smtp);

    // The head of administration approves the aid convoy release; the
    // workers find the job on their next look.
    let head = Actor::account(
        "landrat@goslar.example",
        vec![Grant {
            tenant: goslar(),
            role: Role::HeadOfAdministration,
        }],
    );
    store
        .approve_release(
            &head,
            &goslar(),
            "hilfskonvoi-trebnitz",
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();

    // The first worker is well under way when the second one joins; both
    // send side by side until the first is killed.
    wait_for("the first 40 messages", Duration::from_secs(60), || {
        smtp.count() >= 40
    });
    let mut second = worker(url, &smtp);
    wait_for("80 messages", Duration::from_secs(60), || {
        smtp.count() >= 80
    });
    first.kill().unwrap();
    first.wait().unwrap();
    let at_kill = smtp.count();

    // The other worker carries out everything the killed one had not
    // taken, then stops cleanly when asked.
    let open = || async {
        let (_, deliveries) = store.job_of(&goslar(), &mail()).await.unwrap().unwrap();
        deliveries
            .iter()
            .filter(|d| d.state == DeliveryState::Pending)
            .count()
    };
    let start = Instant::now();
    while open().await > 0 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the survivor stalled"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    unsafe {
        libc::kill(second.id() as i32, libc::SIGTERM);
    }
    let status = second.wait().unwrap();
    assert!(status.success(), "worker stopped with {status}");

    // What the killed worker held is "sending" until its lease runs out;
    // then any runner's sweep marks it uncertain.
    let later =
        jiff::Timestamp::now() + kreiskom_channels::LEASE + jiff::SignedDuration::from_mins(1);
    let uncertain = store.sweep_outbox(later).await.unwrap() as usize;
    let (state, deliveries) = store.job_of(&goslar(), &mail()).await.unwrap().unwrap();
    assert_eq!(state, JobState::Done);
    assert_eq!(
        deliveries.len(),
        RECIPIENTS + 1,
        "the demo's Erika Beispiel too"
    );

    let mut received: HashMap<String, usize> = HashMap::new();
    for m in smtp.messages() {
        let to = m
            .lines()
            .find_map(|l| l.strip_prefix("To: "))
            .expect("a To header")
            .rsplit(['<', ' '])
            .next()
            .unwrap()
            .trim_end_matches('>')
            .to_owned();
        *received.entry(to).or_default() += 1;
    }
    for d in &deliveries {
        let n = received.get(&d.target).copied().unwrap_or(0);
        match d.state {
            DeliveryState::Delivered => assert_eq!(n, 1, "{}", d.target),
            DeliveryState::Uncertain => assert!(n <= 1, "{} got {n}", d.target),
            other => panic!("{}: {other:?}", d.target),
        }
    }
    let twice: Vec<_> = received.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "mailed twice: {twice:?}");
    eprintln!(
        "killed after {at_kill} messages; {uncertain} uncertain; {} received",
        smtp.count()
    );
    // Only the batch the killed worker had in hand is in doubt.
    assert!(uncertain <= 32, "{uncertain} uncertain");
    assert!(
        smtp.count() > at_kill,
        "the surviving worker went on after the kill"
    );
    assert_eq!(
        deliveries
            .iter()
            .filter(|d| d.state == DeliveryState::Uncertain)
            .count(),
        uncertain
    );
}

kreiskom_testkit::on_both_backends!(two_workers_one_killed_nobody_mailed_twice);
