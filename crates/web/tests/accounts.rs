//! Accounts in the browser: invitations through a one-time link (by mail
//! through a real SMTP server, or shown once), roles, disabled accounts,
//! "Passwort vergessen" and the optional second factor.

mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::http::StatusCode;
use common::{app, cookie_of, csrf_of, day, form_body, visible, App, Reply, Session, PASSWORD};
use kreiskom_core::Role;
use kreiskom_testkit::SmtpServer;

const ADMIN: &str = "admin@harz.example";
const PRESS: &str = "presse@harz.example";
const NEW_PASSWORD: &str = "ein ganz neues Passwort";

async fn harz(url: &str) -> App {
    let app = app(url, true, day(2026, 11, 23)).await;
    app.named_user(ADMIN, "Hanna Admin", &[("harz", Role::Administrator)])
        .await;
    app.named_user(PRESS, "Paul Presse", &[("harz", Role::PressOfficer)])
        .await;
    app
}

/// The app with a mailer on a local SMTP server, as `serve` has with `smtp`.
fn with_mail(mut app: App, smtp: &SmtpServer) -> App {
    let mailer = kreiskom_channels::smtp::Mailer::new(&kreiskom_channels::smtp::SmtpSettings {
        host: "127.0.0.1".into(),
        port: smtp.port,
        security: kreiskom_channels::smtp::Security::None,
        username: None,
        password: None,
        from: "kreiskom@landkreis-harz.example".into(),
        connections: 1,
        ca_pem: None,
    })
    .unwrap();
    app.state.mailer = Some(mailer);
    app.router = kreiskom_web::app(app.state.clone());
    app
}

fn with_key(mut app: App) -> App {
    app.state.secret_key = Some(kreiskom_secrets::SecretKey::ephemeral());
    app.router = kreiskom_web::app(app.state.clone());
    app
}

fn later(app: &App, seconds: i64) {
    app.later.fetch_add(seconds, Ordering::SeqCst);
}

/// The one-time link's path in a mail, read as a mail program reads it.
fn link_in(python: &std::path::Path, raw: &str) -> String {
    let text = kreiskom_testkit::run_python(
        python,
        "import sys, email, email.policy\n\
         m = email.message_from_string(sys.stdin.read(), policy=email.policy.default)\n\
         print(m['To'])\n\
         print(m.get_body(('plain',)).get_content())",
        raw,
    );
    path_of_link(&text)
}

fn path_of_link(text: &str) -> String {
    let at = text
        .find("/admin/konto/")
        .unwrap_or_else(|| panic!("no link in {text}"));
    text[at..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .next()
        .unwrap()
        .to_owned()
}

/// Mails arrive after the answer when the work goes on behind it.
async fn wait_for_mail(smtp: &SmtpServer, count: usize) -> Vec<String> {
    for _ in 0..100 {
        if smtp.count() >= count {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    smtp.messages()
}

/// A signed-out page's form: the cookie that goes with its token.
struct SignedOutForm {
    cookie: String,
    csrf: String,
}

impl SignedOutForm {
    fn of(page: &Reply) -> Self {
        Self {
            cookie: cookie_of(page, kreiskom_web::auth::LOGIN_CSRF_COOKIE)
                .unwrap_or_else(|| panic!("no form cookie: {page:?}")),
            csrf: csrf_of(&page.text),
        }
    }

    async fn open(app: &App, path: &str) -> Self {
        Self::of(&app.get(path).await)
    }

    async fn send(&self, app: &App, path: &str, pairs: &[(&str, &str)]) -> Reply {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(pairs);
        app.request(
            "POST",
            path,
            Some(&form_body(&all)),
            &[("cookie", &self.cookie)],
            true,
        )
        .await
    }
}

async fn choose_password(app: &App, link: &str, password: &str) -> Reply {
    let form = SignedOutForm::open(app, link).await;
    form.send(app, link, &[("neu", password), ("wiederholung", password)])
        .await
}

fn value_of(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = html.find(&key).unwrap_or_else(|| panic!("no field {name}"));
    let rest = &html[at + key.len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

async fn an_invitation_by_mail_lets_the_person_choose_a_password(url: &str) {
    let Some(python) = kreiskom_testkit::python() else {
        return;
    };
    let smtp = SmtpServer::start(&python);
    let app = with_mail(harz(url).await, &smtp);
    let admin = app.signed_in(ADMIN).await;
    let form = app.get_as("/admin/harz/konten/neu", &admin).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("Internetredaktion"), "{}", form.text);
    let sent = app
        .post_as(
            "/admin/harz/konten/neu",
            &admin,
            &[
                ("name", "Wiebke Web"),
                ("email", "Web@Harz.example"),
                ("rollen", "web"),
                ("rollen", "readonly"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    let page = sent.header("location");
    assert!(
        page.starts_with("/admin/harz/konten/web%40harz.example?hinweis="),
        "{page}"
    );
    let shown = app.get_as(&page, &admin).await;
    assert!(visible(&shown.text).contains("Die Einladung ist an web@harz.example unterwegs."));
    assert!(visible(&shown.text).contains("eingeladen"));

    let mails = smtp.messages();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("web@harz.example"));
    let link = link_in(&python, &mails[0]);
    let text = kreiskom_testkit::run_python(
        &python,
        "import sys, email, email.policy\n\
         m = email.message_from_string(sys.stdin.read(), policy=email.policy.default)\n\
         print(m['Subject']); print(m.get_body(('plain',)).get_content())",
        &mails[0],
    );
    assert!(text.contains("Hanna Admin"), "the inviter is named: {text}");
    assert!(text.contains("Landkreis Harz"), "{text}");
    assert!(
        !mails[0].contains("List-Unsubscribe"),
        "an account mail is no mailing"
    );

    // The account cannot sign in before a password is chosen.
    assert!(app.sign_in("web@harz.example", "").await.1.is_none());
    let open = app.get(&link).await;
    assert_eq!(open.status, StatusCode::OK);
    assert!(visible(&open.text).contains("Wiebke Web"), "{}", open.text);
    let short = choose_password(&app, &link, "kurz").await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.text.contains("href=\"#f-neu\""), "{}", short.text);
    let form = SignedOutForm::open(&app, &link).await;
    let differs = form
        .send(
            &app,
            &link,
            &[
                ("neu", NEW_PASSWORD),
                ("wiederholung", "ein anderes Passwort"),
            ],
        )
        .await;
    assert_eq!(differs.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible(&differs.text).contains("stimmt nicht mit dem Passwort überein"));

    let chosen = choose_password(&app, &link, NEW_PASSWORD).await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER);
    assert_eq!(chosen.header("location"), "/admin/anmelden?passwort=1");
    let login = app.get("/admin/anmelden?passwort=1").await;
    assert!(visible(&login.text).contains("Passwort"), "{}", login.text);
    let (_, session) = app.sign_in("web@harz.example", NEW_PASSWORD).await;
    let session = session.expect("the invited person signs in");
    let start = app.get_as("/admin/harz/", &session).await;
    assert_eq!(start.status, StatusCode::OK);
    let account = app
        .store
        .account("web@harz.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.name, "Wiebke Web");
    let mut roles: Vec<Role> = account.grants.iter().map(|g| g.role).collect();
    roles.sort();
    assert_eq!(roles.len(), 2, "{roles:?}");
    assert!(roles.contains(&Role::WebEditor) && roles.contains(&Role::ReadOnly));

    // The link works once.
    assert_eq!(app.get(&link).await.status, StatusCode::GONE);
    let form = SignedOutForm::open(&app, "/admin/passwort-vergessen").await;
    let again = form
        .send(
            &app,
            &link,
            &[
                ("neu", "noch ein anderes"),
                ("wiederholung", "noch ein anderes"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::GONE);
    let list = app.get_as("/admin/harz/konten/", &admin).await;
    let list = visible(&list.text);
    assert!(
        list.contains("Wiebke Web") && list.contains("3 Konten"),
        "{list}"
    );
}

async fn without_mail_the_link_is_shown_once_and_expires_after_a_week(url: &str) {
    let app = harz(url).await;
    let admin = app.signed_in(ADMIN).await;
    let shown = app
        .post_as(
            "/admin/harz/konten/neu",
            &admin,
            &[
                ("name", "Dora Druck"),
                ("email", "druck@harz.example"),
                ("rollen", "print"),
            ],
        )
        .await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
    let page = visible(&shown.text);
    assert!(page.contains("kein Mailserver"), "{page}");
    let link = path_of_link(&shown.text);
    // The page names the link once; the account page does not.
    let account = app
        .get_as("/admin/harz/konten/druck%40harz.example", &admin)
        .await;
    assert!(!account.text.contains(&link));
    assert_eq!(app.get(&link).await.status, StatusCode::OK);

    // A week later it still works; a day after that it is gone.
    later(&app, 7 * 24 * 3600 - 60);
    assert_eq!(app.get(&link).await.status, StatusCode::OK);
    later(&app, 24 * 3600);
    let gone = app.get(&link).await;
    assert_eq!(gone.status, StatusCode::GONE);
    assert!(
        visible(&gone.text).contains("nicht mehr gültig"),
        "{}",
        gone.text
    );

    // A new invitation replaces the old link.
    let admin = app.signed_in(ADMIN).await;
    let again = app
        .post_as(
            "/admin/harz/konten/druck%40harz.example/einladung",
            &admin,
            &[],
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    let fresh = path_of_link(&again.text);
    assert_ne!(fresh, link);
    assert_eq!(
        choose_password(&app, &fresh, NEW_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(app
        .sign_in("druck@harz.example", NEW_PASSWORD)
        .await
        .1
        .is_some());

    // Without a mail server, nobody can send a reset link: the page says whom to ask.
    let forgot = app.get("/admin/passwort-vergessen").await;
    assert!(
        visible(&forgot.text).contains("Administration"),
        "{}",
        forgot.text
    );
}

async fn an_invitation_shows_every_error_at_once(url: &str) {
    let app = harz(url).await;
    let admin = app.signed_in(ADMIN).await;
    let refused = app
        .post_as(
            "/admin/harz/konten/neu",
            &admin,
            &[("name", "Zeile\neins"), ("email", "keine-adresse")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["name", "email", "rollen"] {
        assert!(
            refused.text.contains(&format!("href=\"#f-{field}\"")),
            "{field}: {}",
            refused.text
        );
    }
    assert!(
        refused.text.contains("value=\"keine-adresse\""),
        "input kept"
    );
    assert!(app.store.account("keine-adresse").await.unwrap().is_none());
}

async fn only_the_administration_manages_accounts(url: &str) {
    let app = harz(url).await;
    let press = app.signed_in(PRESS).await;
    let admin = app.signed_in(ADMIN).await;
    for path in [
        "/admin/harz/konten/",
        "/admin/harz/konten/neu",
        "/admin/harz/konten/admin%40harz.example",
    ] {
        assert_eq!(
            app.get_as(path, &press).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    // Refused before the input is read: even a bad form gets 403.
    let invite = app
        .post_as("/admin/harz/konten/neu", &press, &[("email", "x")])
        .await;
    assert_eq!(invite.status, StatusCode::FORBIDDEN);
    let roles = app
        .post_as(
            "/admin/harz/konten/presse%40harz.example/rollen",
            &press,
            &[("rollen", "admin")],
        )
        .await;
    assert_eq!(roles.status, StatusCode::FORBIDDEN);
    assert!(!app
        .store
        .account(PRESS)
        .await
        .unwrap()
        .unwrap()
        .grants
        .iter()
        .any(|g| g.role == Role::Administrator));
    // The navigation shows accounts only to those who manage them.
    assert!(!app
        .get_as("/admin/harz/", &press)
        .await
        .text
        .contains("/admin/harz/konten/"));
    assert!(app
        .get_as("/admin/harz/", &admin)
        .await
        .text
        .contains("/admin/harz/konten/"));
    // Another tenant's administration is a stranger here.
    app.user("admin@goslar.example", &[("goslar", Role::Administrator)])
        .await;
    let goslar = app.signed_in("admin@goslar.example").await;
    assert_eq!(
        app.get_as("/admin/harz/konten/", &goslar).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get_as("/admin/goslar/konten/presse%40harz.example", &goslar)
            .await
            .status,
        StatusCode::NOT_FOUND,
        "Harz's people are not Goslar's members"
    );
}

async fn roles_are_set_and_shown_in_german(url: &str) {
    let app = harz(url).await;
    let admin = app.signed_in(ADMIN).await;
    let saved = app
        .post_as(
            "/admin/harz/konten/presse%40harz.example/rollen",
            &admin,
            &[("rollen", "press"), ("rollen", "web")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let mut roles: Vec<Role> = app
        .store
        .account(PRESS)
        .await
        .unwrap()
        .unwrap()
        .grants
        .iter()
        .map(|g| g.role)
        .collect();
    roles.sort();
    assert_eq!(roles, [Role::PressOfficer, Role::WebEditor]);
    let audit = visible(&app.get_as("/admin/harz/protokoll", &admin).await.text);
    assert!(audit.contains("Rollen"), "{audit}");
    assert!(
        audit.contains("Pressestelle → Pressestelle, Internetredaktion"),
        "{audit}"
    );
    assert!(!audit.contains("\"roles\""), "{audit}");

    let none = app
        .post_as(
            "/admin/harz/konten/presse%40harz.example/rollen",
            &admin,
            &[],
        )
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    let own = app
        .post_as(
            "/admin/harz/konten/admin%40harz.example/rollen",
            &admin,
            &[("rollen", "press")],
        )
        .await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        visible(&own.text).contains("nicht selbst entziehen"),
        "{}",
        own.text
    );
    assert!(app.get_as("/admin/harz/konten/", &admin).await.status == StatusCode::OK);
}

async fn a_disabled_account_can_no_longer_sign_in(url: &str) {
    let app = harz(url).await;
    let admin = app.signed_in(ADMIN).await;
    let press = app.signed_in(PRESS).await;
    let off = app
        .post_as(
            "/admin/harz/konten/presse%40harz.example/sperren",
            &admin,
            &[],
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.text);
    // The running session ends at once …
    let after = app.get_as("/admin/harz/", &press).await;
    assert_ne!(after.status, StatusCode::OK);
    // … and the right password no longer opens the account, a wrong one
    // tells nothing.
    let (right, session) = app.sign_in(PRESS, PASSWORD).await;
    assert!(session.is_none());
    assert_eq!(right.status, StatusCode::FORBIDDEN);
    assert!(visible(&right.text).contains("gesperrt"), "{}", right.text);
    let (wrong, _) = app.sign_in(PRESS, "falsch falsch falsch").await;
    assert!(!visible(&wrong.text).contains("gesperrt"));
    let page = visible(
        &app.get_as("/admin/harz/konten/presse%40harz.example", &admin)
            .await
            .text,
    );
    assert!(
        page.contains("gesperrt") && page.contains("Konto entsperren"),
        "{page}"
    );

    // Nobody locks themselves out.
    let own = app
        .post_as(
            "/admin/harz/konten/admin%40harz.example/sperren",
            &admin,
            &[],
        )
        .await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app
        .store
        .account(ADMIN)
        .await
        .unwrap()
        .unwrap()
        .disabled_at
        .is_none());

    let on = app
        .post_as(
            "/admin/harz/konten/presse%40harz.example/entsperren",
            &admin,
            &[],
        )
        .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER);
    assert!(app.sign_in(PRESS, PASSWORD).await.1.is_some());
}

async fn a_forgotten_password_is_reset_through_a_link_that_expires(url: &str) {
    let Some(python) = kreiskom_testkit::python() else {
        return;
    };
    let smtp = SmtpServer::start(&python);
    let app = with_mail(harz(url).await, &smtp);
    let running = app.signed_in(PRESS).await;
    let ask = |email: &'static str| {
        let app = &app;
        async move {
            let form = SignedOutForm::open(app, "/admin/passwort-vergessen").await;
            form.send(app, "/admin/passwort-vergessen", &[("email", email)])
                .await
        }
    };
    let known = ask(PRESS).await;
    let unknown = ask("niemand@harz.example").await;
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(unknown.status, known.status);
    let answer = |r: &Reply| {
        let t = r.text.clone();
        t.replace(&csrf_of(&t), "")
    };
    assert_eq!(answer(&known), answer(&unknown), "the answer tells nothing");
    assert!(visible(&known.text).contains("Er gilt eine Stunde"));
    let mails = wait_for_mail(&smtp, 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smtp.count(), 1, "only the known address gets a mail");
    assert!(mails[0].contains(PRESS));
    let link = link_in(&python, &mails[0]);

    let reset = choose_password(&app, &link, NEW_PASSWORD).await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER);
    assert_ne!(
        app.get_as("/admin/harz/", &running).await.status,
        StatusCode::OK,
        "a reset ends every session"
    );
    assert!(app.sign_in(PRESS, PASSWORD).await.1.is_none());
    assert!(app.sign_in(PRESS, NEW_PASSWORD).await.1.is_some());
    assert_eq!(app.get(&link).await.status, StatusCode::GONE);

    // A link not used within the hour is gone.
    let form = SignedOutForm::open(&app, "/admin/passwort-vergessen").await;
    form.send(&app, "/admin/passwort-vergessen", &[("email", PRESS)])
        .await;
    let mails = wait_for_mail(&smtp, 2).await;
    let second = mails
        .iter()
        .map(|m| link_in(&python, m))
        .find(|l| *l != link)
        .expect("a second link");
    later(&app, 3600 + 60);
    assert_eq!(app.get(&second).await.status, StatusCode::GONE);
    assert!(app.sign_in(PRESS, NEW_PASSWORD).await.1.is_some());
}

async fn sign_in_keeps_the_address_after_a_failure(url: &str) {
    let app = harz(url).await;
    let (reply, session) = app.sign_in(PRESS, "das falsche Passwort").await;
    assert!(session.is_none());
    assert!(
        reply.text.contains(&format!("value=\"{PRESS}\"")),
        "{}",
        reply.text
    );
    assert!(reply.text.contains("/admin/passwort-vergessen"));
}

fn code(secret_base32: &str, email: &str, at: jiff::Timestamp) -> String {
    let secret = totp_rs::Secret::Encoded(secret_base32.to_owned())
        .to_bytes()
        .unwrap();
    totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        secret,
        Some("kreiskom".into()),
        email.into(),
    )
    .unwrap()
    .generate(at.as_second() as u64)
}

/// Signs in with password and code; the code page's reply when refused.
async fn sign_in_with_code(app: &App, email: &str, code: &str) -> Result<Session, Reply> {
    let (asked, session) = app.sign_in(email, PASSWORD).await;
    assert!(session.is_none(), "the password alone is not enough");
    assert_eq!(asked.status, StatusCode::OK);
    assert!(visible(&asked.text).contains("Code"), "{}", asked.text);
    let login = cookie_of(&asked, kreiskom_web::auth::LOGIN_CSRF_COOKIE).unwrap();
    let factor = cookie_of(&asked, kreiskom_web::auth::SECOND_FACTOR_COOKIE).unwrap();
    let body = form_body(&[
        ("csrf", &csrf_of(&asked.text)),
        ("weiter", "/admin/harz/"),
        ("code", code),
    ]);
    let reply = app
        .request(
            "POST",
            "/admin/anmelden/code",
            Some(&body),
            &[("cookie", &format!("{login}; {factor}"))],
            true,
        )
        .await;
    let Some(cookie) = cookie_of(&reply, kreiskom_web::auth::SESSION_COOKIE) else {
        return Err(reply);
    };
    assert_eq!(reply.header("location"), "/admin/harz/");
    Ok(Session {
        cookie,
        csrf: String::new(),
    })
}

async fn a_second_factor_guards_the_sign_in(url: &str) {
    let app = with_key(harz(url).await);
    let press = app.signed_in(PRESS).await;
    let setup = app.get_as("/admin/zweiter-faktor", &press).await;
    assert_eq!(setup.status, StatusCode::OK);
    assert!(setup.text.contains("<svg"), "a QR code to scan");
    let secret = {
        let t = &setup.text[setup.text.find("one-time-link\">").unwrap() + 15..];
        t[..t.find('<').unwrap()].to_owned()
    };
    let sealed = value_of(&setup.text, "schluessel");
    assert!(
        !sealed.contains(&secret),
        "the page's form carries the key sealed"
    );
    let wrong = app
        .post_as(
            "/admin/zweiter-faktor",
            &press,
            &[("schluessel", &sealed), ("code", "000000")],
        )
        .await;
    if code(&secret, PRESS, app.state.now()) != "000000" {
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // A setup key sealed for another account does not fit this one.
    let admin = app.signed_in(ADMIN).await;
    let stolen = app
        .post_as(
            "/admin/zweiter-faktor",
            &admin,
            &[
                ("schluessel", &sealed),
                ("code", &code(&secret, ADMIN, app.state.now())),
            ],
        )
        .await;
    assert_eq!(stolen.status, StatusCode::UNPROCESSABLE_ENTITY);
    let on = app
        .post_as(
            "/admin/zweiter-faktor",
            &press,
            &[
                ("schluessel", &sealed),
                ("code", &code(&secret, PRESS, app.state.now())),
            ],
        )
        .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER, "{}", on.text);
    let stored = app.store.account(PRESS).await.unwrap().unwrap();
    let sealed_secret = stored.second_factor.expect("stored");
    assert!(!sealed_secret.contains(&secret), "stored encrypted");

    // The code that turned it on cannot be used again …
    let replay = sign_in_with_code(&app, PRESS, &code(&secret, PRESS, app.state.now())).await;
    assert_eq!(replay.unwrap_err().status, StatusCode::UNAUTHORIZED);
    later(&app, 60);
    let refused = sign_in_with_code(&app, PRESS, "12345").await.unwrap_err();
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(visible(&refused.text).contains("Der Code passt nicht"));
    // … the current one opens a session, once.
    let now_code = code(&secret, PRESS, app.state.now());
    let session = sign_in_with_code(&app, PRESS, &now_code)
        .await
        .expect("signed in with the code");
    assert_eq!(
        app.get_as("/admin/harz/", &session).await.status,
        StatusCode::OK
    );
    assert!(sign_in_with_code(&app, PRESS, &now_code).await.is_err());

    // Without the code page's cookie, a code alone signs nobody in.
    let form = SignedOutForm::open(&app, "/admin/anmelden").await;
    later(&app, 60);
    let bare = form
        .send(
            &app,
            "/admin/anmelden/code",
            &[("code", &code(&secret, PRESS, app.state.now()))],
        )
        .await;
    assert!(cookie_of(&bare, kreiskom_web::auth::SESSION_COOKIE).is_none());

    // Turning it off needs a current code.
    let page = app.get_as("/admin/zweiter-faktor", &press).await;
    assert!(visible(&page.text).contains("ausschalten"), "{}", page.text);
    later(&app, 60);
    let off = app
        .post_as(
            "/admin/zweiter-faktor/aus",
            &press,
            &[("code", &code(&secret, PRESS, app.state.now()))],
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.text);
    assert!(app.sign_in(PRESS, PASSWORD).await.1.is_some());
}

async fn without_a_key_no_second_factor_is_offered(url: &str) {
    let app = harz(url).await;
    let press = app.signed_in(PRESS).await;
    let page = app.get_as("/admin/zweiter-faktor", &press).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(visible(&page.text).contains("kein Schlüssel eingerichtet"));
    assert!(!page.text.contains("<svg"));
}

kreiskom_testkit::on_both_backends!(
    an_invitation_by_mail_lets_the_person_choose_a_password,
    without_mail_the_link_is_shown_once_and_expires_after_a_week,
    an_invitation_shows_every_error_at_once,
    only_the_administration_manages_accounts,
    roles_are_set_and_shown_in_german,
    a_disabled_account_can_no_longer_sign_in,
    a_forgotten_password_is_reset_through_a_link_that_expires,
    sign_in_keeps_the_address_after_a_failure,
    a_second_factor_guards_the_sign_in,
    without_a_key_no_second_factor_is_offered,
);
