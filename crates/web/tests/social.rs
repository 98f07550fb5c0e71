//! Posts to the social channels, from the workspace to a Mastodon server
//! (`kreiskom_testkit::mastodon`, checking requests as Mastodon does):
//! a channel's access is kept sealed and never shown again, a post is
//! checked against each channel's own rules before it can be scheduled,
//! goes out once at its time through the outbox, and its page says per
//! channel what happened, with the link or the platform's refusal.

mod common;

use axum::http::StatusCode;
use common::{app, day, visible, App};
use kreiskom_core::{Actor, Channel, Kind, Post, Record, Role, TenantSlug};
use kreiskom_testkit::mastodon::MastodonServer;
use serde_json::json;

const PRESS: &str = "presse@stade.example";
const READER: &str = "lesen@stade.example";
const TOKEN: &str = "stade-zugang-4711";

fn stade() -> TenantSlug {
    TenantSlug::parse("stade").unwrap()
}

async fn create<R: kreiskom_core::Record>(app: &App, value: serde_json::Value) {
    let op = Actor::operator("test");
    let record: R = serde_json::from_value(value).unwrap();
    app.store
        .create(
            &op.operator_permit(R::KIND).unwrap(),
            Some(&stade()),
            record,
        )
        .await
        .unwrap();
}

async fn stade_with(url: &str, servers: &[(&str, &MastodonServer)]) -> App {
    let app = app(url, true, day(2026, 12, 3)).await.with_secret_key();
    app.user(PRESS, &[("stade", Role::PressOfficer)]).await;
    app.user(READER, &[("stade", Role::ReadOnly)]).await;
    for (slug, server) in servers {
        create::<Channel>(
            &app,
            json!({
                "slug": slug, "platform": "mastodon", "handle": "@landkreis",
                "server": server.url, "unit": "pressestelle"
            }),
        )
        .await;
    }
    app
}

async fn post(app: &App, slug: &str, message: &str, channels: &[&str]) {
    create::<Post>(
        app,
        json!({
            "slug": slug,
            "message": message,
            "author": "kai-seefried",
            "channels": channels.iter().map(|c| json!({"channel": c})).collect::<Vec<_>>(),
        }),
    )
    .await;
}

async fn a_post_goes_out_once_at_its_time_with_its_link(url: &str) {
    let server = MastodonServer::start(TOKEN);
    let app = stade_with(url, &[("mastodon", &server)]).await;
    let press = app.signed_in(PRESS).await;

    // The access is stored sealed and never shown again.
    let saved = app
        .post_as(
            "/admin/stade/kanaele/mastodon/zugang",
            &press,
            &[("zugang", TOKEN), ("ablauf", "2026-12-10")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let page = app
        .get_as("/admin/stade/kanaele/mastodon?zugang=1", &press)
        .await;
    assert!(!page.text.contains(TOKEN), "the token is never shown again");
    let shown = visible(&page.text);
    assert!(shown.contains("verschlüsselt gespeichert"), "{shown}");
    assert!(shown.contains("Läuft ab am 10.12.2026"), "{shown}");
    let sealed = app
        .store
        .sealed_channel_credential(&stade(), "mastodon")
        .await
        .unwrap()
        .unwrap();
    assert!(!sealed.contains(TOKEN) && sealed.starts_with("v1."));
    let facebook = visible(
        &app.get_as("/admin/stade/kanaele/facebook", &press)
            .await
            .text,
    );
    assert!(
        facebook.contains("kreiskom kann auf Facebook noch nicht veröffentlichen")
            && !facebook.contains("Zugang speichern"),
        "no access asked for where nothing can be posted: {facebook}"
    );
    let dashboard = visible(&app.get_as("/admin/stade/", &press).await.text);
    assert!(
        dashboard.contains("Kanal Mastodon @landkreis Zugang läuft am 10.12.2026 ab"),
        "a week before it breaks: {dashboard}"
    );

    // 600 characters: over Mastodon's default, within this server's 1,000.
    let message = format!(
        "Neu im Fediverse: der Landkreis Stade. {}",
        "Nachrichten ".repeat(47)
    );
    post(&app, "fediverse", &message, &["mastodon", "facebook"]).await;
    let refused = app
        .post_as(
            "/admin/stade/beitraege/fediverse/planen",
            &press,
            &[("zeitpunkt", "2026-12-03T14:00")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let shown = visible(&refused.text);
    assert!(
        shown.contains("Facebook: kreiskom kann auf Facebook noch nicht veröffentlichen."),
        "{shown}"
    );
    assert!(
        shown.contains("Facebook: Es ist kein Zugang hinterlegt."),
        "{shown}"
    );
    assert!(
        !shown.contains("zu lang"),
        "the server's own limit: {shown}"
    );
    assert!(app
        .store
        .scheduled_jobs::<kreiskom_core::PostPublish>(&stade())
        .await
        .unwrap()
        .is_empty());

    // Without Facebook it can be scheduled.
    let mut stored = app
        .store
        .get::<Post>(Some(&stade()), "fediverse")
        .await
        .unwrap()
        .unwrap();
    stored.record.channels.truncate(1);
    let permit = Actor::operator("test").operator_permit(Kind::Post).unwrap();
    app.store
        .update(
            &permit,
            Some(&stade()),
            "fediverse",
            stored.record,
            Some(stored.version),
        )
        .await
        .unwrap();
    let planned = app
        .post_as(
            "/admin/stade/beitraege/fediverse/planen",
            &press,
            &[("zeitpunkt", "2026-12-03T14:00")],
        )
        .await;
    assert_eq!(planned.status, StatusCode::SEE_OTHER, "{}", planned.text);
    let shown = visible(
        &app.get_as("/admin/stade/beitraege/fediverse", &press)
            .await
            .text,
    );
    assert!(
        shown.contains("Stand: Geplant für Donnerstag, 03.12.2026, 14:00 Uhr"),
        "{shown}"
    );
    let calendar = visible(
        &app.get_as("/admin/stade/beitraege/kalender", &press)
            .await
            .text,
    );
    assert!(
        calendar.contains("Kalender der Beiträge: Dezember 2026"),
        "{calendar}"
    );
    assert!(
        calendar.contains("Donnerstag, 3. Dezember 2026 14:00 Uhr Neu im Fediverse"),
        "{calendar}"
    );

    // Nothing goes out before its time; at its time, once.
    let runner = app.runner(None);
    runner.run_due().await.unwrap();
    assert_eq!(server.books().created, 0);
    app.set_clock("2026-12-03T14:01");
    runner.run_due().await.unwrap();
    runner.run_due().await.unwrap();
    assert_eq!(
        server.texts(),
        [format!("{}\n\n– Kai Seefried", message.trim())],
        "signed by the district administrator"
    );
    let page = app.get_as("/admin/stade/beitraege/fediverse", &press).await;
    let shown = visible(&page.text);
    assert!(shown.contains("Stand: Veröffentlicht"), "{shown}");
    assert!(
        page.text
            .contains("href=\"https://social.example/@landkreis/11001\""),
        "the post's link: {}",
        page.text
    );
    // Published posts cannot be moved or called off.
    let late = app
        .post_as(
            "/admin/stade/beitraege/fediverse/planen",
            &press,
            &[("zeitpunkt", "2026-12-04T10:00")],
        )
        .await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible(&late.text).contains("Der Versand ist schon abgeschlossen"));

    // A correction edits the post where it went out; a withdrawal deletes it.
    let stored = app
        .store
        .get::<Post>(Some(&stade()), "fediverse")
        .await
        .unwrap()
        .unwrap();
    let mut corrected = stored.record.clone();
    corrected.message = "Korrektur: Der Landkreis Stade ist jetzt im Fediverse.".into();
    app.store
        .update(
            &permit,
            Some(&stade()),
            "fediverse",
            corrected,
            Some(stored.version),
        )
        .await
        .unwrap();
    let sent = app
        .post_as("/admin/stade/beitraege/fediverse/korrektur", &press, &[])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    runner.run_due().await.unwrap();
    assert_eq!(
        server.texts(),
        ["Korrektur: Der Landkreis Stade ist jetzt im Fediverse.\n\n– Kai Seefried"],
        "the same post, edited"
    );
    assert_eq!(server.books().created, 1);
    let shown = visible(
        &app.get_as("/admin/stade/beitraege/fediverse", &press)
            .await
            .text,
    );
    assert!(
        shown.contains("Korrektur (Fassung 3): auf allen Kanälen ausgeführt"),
        "{shown}"
    );
    assert!(
        !shown.contains("Korrektur senden"),
        "this version went out: {shown}"
    );
    let kept = app
        .post_as("/admin/stade/beitraege/fediverse/loeschen", &press, &[])
        .await;
    assert_eq!(kept.status, StatusCode::CONFLICT, "out on a channel");
    assert!(visible(&kept.text).contains("Ziehen Sie ihn zuerst zurück"));
    let withdrawn = app
        .post_as(
            "/admin/stade/beitraege/fediverse/zurueckziehen",
            &press,
            &[("bestaetigt", "1")],
        )
        .await;
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
    runner.run_due().await.unwrap();
    assert!(server.texts().is_empty(), "deleted on the server");
    let shown = visible(
        &app.get_as("/admin/stade/beitraege/fediverse", &press)
            .await
            .text,
    );
    assert!(shown.contains("Stand: Zurückgezogen"), "{shown}");
    assert!(
        shown.contains("Zurückziehen: auf allen Kanälen ausgeführt"),
        "{shown}"
    );
    assert!(!shown.contains("Korrektur senden"), "{shown}");
    let deleted = app
        .post_as("/admin/stade/beitraege/fediverse/loeschen", &press, &[])
        .await;
    assert_eq!(
        deleted.status,
        StatusCode::SEE_OTHER,
        "withdrawn, it can go"
    );
}

async fn a_refused_token_makes_the_post_partly_published_and_flags_the_channel(url: &str) {
    let ours = MastodonServer::start(TOKEN);
    let bund = MastodonServer::start("anderer-zugang");
    let app = stade_with(url, &[("mastodon", &ours), ("bund", &bund)]).await;
    let press = app.signed_in(PRESS).await;
    for channel in ["mastodon", "bund"] {
        let saved = app
            .post_as(
                &format!("/admin/stade/kanaele/{channel}/zugang"),
                &press,
                &[("zugang", TOKEN)],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);
    }
    post(
        &app,
        "sprechstunde",
        "Bürgersprechstunde des Landrats am Montag 🗓️",
        &["mastodon", "bund"],
    )
    .await;
    let planned = app
        .post_as(
            "/admin/stade/beitraege/sprechstunde/planen",
            &press,
            &[("zeitpunkt", "2026-12-03T12:00")],
        )
        .await;
    assert_eq!(planned.status, StatusCode::SEE_OTHER, "{}", planned.text);
    app.runner(None).run_due().await.unwrap();
    assert_eq!(ours.books().created, 1);
    assert_eq!(bund.books().created, 0);
    let shown = visible(
        &app.get_as("/admin/stade/beitraege/sprechstunde", &press)
            .await
            .text,
    );
    assert!(shown.contains("Stand: Teilweise veröffentlicht"), "{shown}");
    assert!(
        shown.contains("fehlgeschlagen Der Zugang zum Mastodon-Konto gilt nicht mehr (The access token is invalid)"),
        "{shown}"
    );
    let dashboard = visible(&app.get_as("/admin/stade/", &press).await.text);
    assert!(
        dashboard.contains("Zugang abgelehnt: Der Zugang zum Mastodon-Konto gilt nicht mehr"),
        "{dashboard}"
    );
}

async fn only_the_press_office_schedules_and_a_post_can_be_called_off(url: &str) {
    let server = MastodonServer::start(TOKEN);
    let app = stade_with(url, &[("mastodon", &server)]).await;
    let press = app.signed_in(PRESS).await;
    let reader = app.signed_in(READER).await;
    app.post_as(
        "/admin/stade/kanaele/mastodon/zugang",
        &press,
        &[("zugang", TOKEN)],
    )
    .await;
    let refused = app
        .post_as(
            "/admin/stade/kanaele/mastodon/zugang",
            &reader,
            &[("zugang", "meiner")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    post(
        &app,
        "kreistag",
        "Kreistag tagt am 14. Dezember",
        &["mastodon"],
    )
    .await;
    let page = visible(
        &app.get_as("/admin/stade/beitraege/kreistag", &reader)
            .await
            .text,
    );
    assert!(page.contains("Stand: Entwurf, nicht geplant"), "{page}");
    assert!(!page.contains("Prüfen und planen"), "{page}");
    let refused = app
        .post_as(
            "/admin/stade/beitraege/kreistag/planen",
            &reader,
            &[("zeitpunkt", "vorgestern")],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "the permission before the input"
    );
    let past = app
        .post_as(
            "/admin/stade/beitraege/kreistag/planen",
            &press,
            &[("zeitpunkt", "2026-12-01T09:00")],
        )
        .await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible(&past.text).contains("Der Zeitpunkt liegt in der Vergangenheit."));
    let planned = app
        .post_as(
            "/admin/stade/beitraege/kreistag/planen",
            &press,
            &[("zeitpunkt", "2026-12-04T08:00")],
        )
        .await;
    assert_eq!(planned.status, StatusCode::SEE_OTHER);
    let moved = app
        .post_as(
            "/admin/stade/beitraege/kreistag/planen",
            &press,
            &[("zeitpunkt", "2026-12-05T09:30")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "rescheduled");
    let page = visible(
        &app.get_as("/admin/stade/beitraege/kreistag", &press)
            .await
            .text,
    );
    assert!(
        page.contains("Geplant für Samstag, 05.12.2026, 09:30 Uhr"),
        "{page}"
    );
    let cancelled = app
        .post_as("/admin/stade/beitraege/kreistag/absagen", &press, &[])
        .await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
    app.set_clock("2026-12-06T12:00");
    app.runner(None).run_due().await.unwrap();
    assert_eq!(
        server.books().post_requests,
        0,
        "a cancelled post stays home"
    );
    // Three days on, the session has ended.
    let press = app.signed_in(PRESS).await;
    let page = visible(
        &app.get_as("/admin/stade/beitraege/kreistag", &press)
            .await
            .text,
    );
    assert!(page.contains("Stand: Abgesagt"), "{page}");
    let nothing_out = app
        .post_as(
            "/admin/stade/beitraege/kreistag/zurueckziehen",
            &press,
            &[("bestaetigt", "1")],
        )
        .await;
    assert_eq!(nothing_out.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible(&nothing_out.text).contains("noch auf keinem Kanal erschienen"));
}

async fn a_released_press_release_drafts_its_post(url: &str) {
    let server = MastodonServer::start(TOKEN);
    let app = stade_with(url, &[("mastodon", &server)]).await;
    create::<kreiskom_core::PressRelease>(
        &app,
        json!({
            "slug": "fediverse-start",
            "title": "Landkreis Stade startet im Fediverse",
            "body": "Ab heute auch auf Mastodon.",
            "embargo": "2026-12-03T15:00",
            "post_channels": ["mastodon"]
        }),
    )
    .await;
    let grant = |role| {
        vec![kreiskom_core::Grant {
            tenant: stade(),
            role,
        }]
    };
    let press = Actor::account(PRESS, grant(Role::PressOfficer));
    let head = Actor::account("landrat@stade.example", grant(Role::HeadOfAdministration));
    let now = app.state.clock.as_ref()();
    app.store
        .submit_release(&press, &stade(), "fediverse-start", now)
        .await
        .unwrap();
    let approved = app
        .store
        .approve_release(&head, &stade(), "fediverse-start", now)
        .await
        .unwrap();
    let number = approved.record.workflow.number.unwrap();

    // Not before the embargo ends …
    let runner = app.runner(None);
    runner.run_due().await.unwrap();
    let drafted = |app: &App| {
        let store = app.store.clone();
        async move { store.records::<Post>(Some(&stade())).await.unwrap() }
    };
    assert!(drafted(&app).await.is_empty(), "nothing before the embargo");
    // … then a draft with the title and the link, for the chosen channel.
    app.set_clock("2026-12-03T15:01");
    runner.run_due().await.unwrap();
    let posts = drafted(&app).await;
    assert_eq!(posts.len(), 1);
    let post = &posts[0];
    assert_eq!(post.slug(), "pm-fediverse-start");
    assert_eq!(
        post.message,
        format!(
            "Landkreis Stade startet im Fediverse\n\n{}/stade/presse/{}/{}",
            app.state.site.public_url(),
            number.year,
            number.number
        )
    );
    assert_eq!(post.channels[0].channel.as_str(), "mastodon");
    assert_eq!(post.release.as_ref().unwrap().as_str(), "fediverse-start");
    assert_eq!(
        server.books().created,
        0,
        "a draft, not a post: a person schedules it"
    );
    runner.run_due().await.unwrap();
    assert_eq!(drafted(&app).await.len(), 1, "drafted once");
}

async fn one_post_reaches_mastodon_and_bluesky_each_as_it_allows(url: &str) {
    use kreiskom_testkit::bluesky::BlueskyServer;
    let mastodon = MastodonServer::start(TOKEN);
    let bluesky = BlueskyServer::start("landkreis-stade.bsky.social", "app-pass-1234");
    let app = stade_with(url, &[("mastodon", &mastodon)]).await;
    create::<Channel>(
        &app,
        json!({
            "slug": "bluesky", "platform": "bluesky",
            "handle": "@landkreis-stade.bsky.social", "server": bluesky.url
        }),
    )
    .await;
    let press = app.signed_in(PRESS).await;
    for (channel, secret) in [("mastodon", TOKEN), ("bluesky", "app-pass-1234")] {
        let saved = app
            .post_as(
                &format!("/admin/stade/kanaele/{channel}/zugang"),
                &press,
                &[("zugang", secret)],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);
    }
    let text = "Grüße zum Advent 🎄 Termine: https://www.landkreis-stade.de/advent";
    post(&app, "advent", text, &["mastodon", "bluesky"]).await;
    let planned = app
        .post_as(
            "/admin/stade/beitraege/advent/planen",
            &press,
            &[("zeitpunkt", "2026-12-03T12:00")],
        )
        .await;
    assert_eq!(planned.status, StatusCode::SEE_OTHER, "{}", planned.text);
    let runner = app.runner(None);
    runner.run_due().await.unwrap();
    let signed = format!("{text}\n\n– Kai Seefried");
    assert_eq!(mastodon.texts(), std::slice::from_ref(&signed));
    let (rkey, record) = {
        let books = bluesky.books();
        let (k, v) = books.posts.iter().next().expect("a Bluesky post");
        (k.clone(), v.clone())
    };
    assert_eq!(record["text"], signed.as_str());
    assert_eq!(
        record["facets"][0]["features"][0]["uri"],
        "https://www.landkreis-stade.de/advent"
    );
    let page = app.get_as("/admin/stade/beitraege/advent", &press).await;
    assert!(visible(&page.text).contains("Stand: Veröffentlicht"));
    assert!(
        page.text.contains(&format!(
            "https://bsky.app/profile/landkreis-stade.bsky.social/post/{rkey}"
        )),
        "{}",
        page.text
    );

    // Mastodon takes the correction; Bluesky cannot edit and says so.
    let stored = app
        .store
        .get::<Post>(Some(&stade()), "advent")
        .await
        .unwrap()
        .unwrap();
    let mut corrected = stored.record.clone();
    corrected.message = "Grüße zum Advent 🎄".into();
    let permit = Actor::operator("test").operator_permit(Kind::Post).unwrap();
    app.store
        .update(
            &permit,
            Some(&stade()),
            "advent",
            corrected,
            Some(stored.version),
        )
        .await
        .unwrap();
    app.post_as("/admin/stade/beitraege/advent/korrektur", &press, &[])
        .await;
    runner.run_due().await.unwrap();
    assert_eq!(mastodon.texts(), ["Grüße zum Advent 🎄\n\n– Kai Seefried"]);
    assert_eq!(bluesky.books().posts[&rkey]["text"], signed.as_str());
    let shown = visible(
        &app.get_as("/admin/stade/beitraege/advent", &press)
            .await
            .text,
    );
    assert!(shown.contains("teilweise ausgeführt"), "{shown}");
    assert!(shown.contains("Bluesky erlaubt kein Bearbeiten"), "{shown}");

    // A withdrawal deletes on both, Bluesky in a new session once the
    // kept one has run out.
    bluesky.expire_sessions();
    app.post_as(
        "/admin/stade/beitraege/advent/zurueckziehen",
        &press,
        &[("bestaetigt", "1")],
    )
    .await;
    runner.run_due().await.unwrap();
    assert!(mastodon.texts().is_empty());
    assert!(bluesky.books().posts.is_empty());
    assert_eq!(
        bluesky.books().sessions,
        2,
        "one session kept for publishing and correcting, a new one when it ran out"
    );
    let dashboard = visible(&app.get_as("/admin/stade/", &press).await.text);
    assert!(
        !dashboard.contains("Zugang abgelehnt"),
        "a session that ran out is no refused access: {dashboard}"
    );
    let shown = visible(
        &app.get_as("/admin/stade/beitraege/advent", &press)
            .await
            .text,
    );
    assert!(shown.contains("Stand: Zurückgezogen"), "{shown}");
}

kreiskom_testkit::on_both_backends!(
    one_post_reaches_mastodon_and_bluesky_each_as_it_allows,
    a_released_press_release_drafts_its_post,
    a_post_goes_out_once_at_its_time_with_its_link,
    a_refused_token_makes_the_post_partly_published_and_flags_the_channel,
    only_the_press_office_schedules_and_a_post_can_be_called_off,
);
