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

/// A worker for posts: the installation's key opens the channels' tokens.
fn post_worker(db: &str, dir: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_kreiskom"))
        .args(["worker", "--every", "1"])
        .current_dir(dir)
        .env("KREISKOM_DATABASE_URL", db)
        .env("KREISKOM_PUBLIC_URL", "https://www.landkreis-stade.example")
        .env("KREISKOM_SECRET_KEY", SECRET_KEY)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start kreiskom worker")
}

/// 32 bytes in Base64, as `openssl rand -base64 32` gives them.
const SECRET_KEY: &str = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=";

async fn a_worker_killed_while_posting_leaves_one_post_per_channel(url: &str) {
    use kreiskom_core::post::PostPublish;
    use kreiskom_testkit::mastodon::MastodonServer;

    let store = Store::connect(url).await.unwrap();
    let demo: Dataset = serde_json::from_str(DEMO).unwrap();
    let op = Actor::operator("test");
    store.import(&op, &demo, |_, _| {}).await.unwrap();
    let stade = TenantSlug::parse("stade").unwrap();
    let key = kreiskom_secrets::SecretKey::parse(SECRET_KEY).unwrap();
    // The first server makes the post but holds its answer: the worker is
    // killed while it waits, so it never learns the post went out.
    let slow = MastodonServer::start("zugang-a");
    slow.books().hold = Some(Duration::from_secs(60));
    let quick = MastodonServer::start("zugang-b");
    for (slug, server, token) in [
        ("fediverse", &slow, "zugang-a"),
        ("bund", &quick, "zugang-b"),
    ] {
        let channel: kreiskom_core::Channel = serde_json::from_value(serde_json::json!({
            "slug": slug, "platform": "mastodon", "server": server.url, "handle": "@landkreis"
        }))
        .unwrap();
        let permit = op.operator_permit(Kind::Channel).unwrap();
        store.create(&permit, Some(&stade), channel).await.unwrap();
        let sealed = key.seal(
            &kreiskom_store::credential_context(&stade, slug),
            token.as_bytes(),
        );
        store
            .set_channel_credential(&permit, &stade, slug, &sealed, None)
            .await
            .unwrap();
    }
    let post: kreiskom_core::Post = serde_json::from_value(serde_json::json!({
        "slug": "weihnachtsgruss",
        "message": "Frohe Weihnachten aus dem Landkreis Stade 🎄",
        "author": "kai-seefried",
        "channels": [{"channel": "fediverse"}, {"channel": "bund"}]
    }))
    .unwrap();
    store
        .create(&op.operator_permit(Kind::Post).unwrap(), Some(&stade), post)
        .await
        .unwrap();
    let job = PostPublish {
        post: "weihnachtsgruss".into(),
    };
    store
        .schedule_job(&stade, &job, jiff::Timestamp::now())
        .await
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let mut first = post_worker(url, dir.path());
    wait_for("both posts made", Duration::from_secs(60), || {
        slow.books().created == 1 && quick.books().created == 1
    });
    first.kill().unwrap();
    first.wait().unwrap();
    assert_eq!(slow.books().post_requests, 1);

    // Once the killed worker's lease is over, its delivery is due again
    // (not left uncertain); the next worker asks the server first.
    let later =
        jiff::Timestamp::now() + kreiskom_channels::LEASE + jiff::SignedDuration::from_mins(1);
    assert_eq!(
        store.sweep_outbox(later).await.unwrap(),
        0,
        "none uncertain"
    );
    let mut second = post_worker(url, dir.path());
    let start = Instant::now();
    let deliveries = loop {
        let (state, deliveries) = store.job_of(&stade, &job).await.unwrap().unwrap();
        if state == JobState::Done {
            break deliveries;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the second worker stalled"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    unsafe {
        libc::kill(second.id() as i32, libc::SIGTERM);
    }
    assert!(second.wait().unwrap().success());

    assert_eq!(
        slow.texts(),
        ["Frohe Weihnachten aus dem Landkreis Stade 🎄\n\n– Kai Seefried"]
    );
    assert_eq!(quick.books().created, 1);
    assert_eq!(
        slow.books().post_requests,
        1,
        "found among the account's posts, not sent again"
    );
    for d in &deliveries {
        assert_eq!(d.state, DeliveryState::Delivered, "{d:?}");
        assert!(
            d.receipt
                .url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://social.example/@landkreis/")),
            "{d:?}"
        );
    }
}

kreiskom_testkit::on_both_backends!(
    two_workers_one_killed_nobody_mailed_twice,
    a_worker_killed_while_posting_leaves_one_post_per_channel,
);
