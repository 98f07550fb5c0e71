//! The SMTP connector against a real mail server (aiosmtpd) that speaks
//! only TLS and requires a login, as a district's submission server does.

use kreiskom_channels::smtp::{Mailer, Outgoing, Security, SmtpSettings};
use kreiskom_channels::SendError;
use kreiskom_testkit::{Certificates, SmtpSecurity, SmtpServer};

fn settings(port: u16, security: Security, password: &str, ca: Option<Vec<u8>>) -> SmtpSettings {
    SmtpSettings {
        host: "localhost".into(),
        port,
        security,
        username: Some("presse".into()),
        password: Some(password.into()),
        from: "presse@landkreis-goslar.example".into(),
        connections: 2,
        ca_pem: ca,
    }
}

fn message(n: usize) -> Outgoing {
    Outgoing {
        from_name: "Landkreis Goslar – Pressestelle".into(),
        to_name: "Erika Muster".into(),
        to_email: "erika@zeitung.example".into(),
        subject: format!("Hilfskonvoi nach Trzebnica ({n})"),
        text: "Text".into(),
        html: "<p>Text</p>".into(),
        unsubscribe_url: Some("https://presse.goslar.example/goslar/presse/abmelden/t".into()),
        message_id: format!("<m{n}@presse.goslar.example>"),
        attachments: Vec::new(),
    }
}

async fn a_login_over_tls_delivers_and_a_wrong_one_is_refused_for_good(implicit_tls: bool) {
    let Some(python) = kreiskom_testkit::python() else {
        return;
    };
    let certificates = Certificates::new();
    let server = SmtpServer::start_secure(
        &python,
        &SmtpSecurity {
            implicit_tls,
            certificates: &certificates,
            login: ("presse", "geheim-und-lang"),
        },
    );
    let security = if implicit_tls {
        Security::Tls
    } else {
        Security::StartTls
    };
    let mailer = Mailer::new(&settings(
        server.port,
        security.clone(),
        "geheim-und-lang",
        Some(certificates.ca_pem()),
    ))
    .unwrap();
    for n in 0..3 {
        mailer.send(&message(n)).await.unwrap();
    }
    let received = server.messages();
    assert_eq!(received.len(), 3, "connections are reused and stay good");
    assert!(received
        .iter()
        .any(|m| m.contains("Hilfskonvoi nach Trzebnica (2)")));

    let wrong = Mailer::new(&settings(
        server.port,
        security.clone(),
        "falsch",
        Some(certificates.ca_pem()),
    ))
    .unwrap();
    let refused = wrong.send(&message(9)).await.unwrap_err();
    assert!(matches!(refused, SendError::Permanent(_)), "{refused:?}");

    // A certificate no trusted authority signed is not accepted.
    let untrusted = Mailer::new(&settings(server.port, security, "geheim-und-lang", None)).unwrap();
    assert!(untrusted.send(&message(10)).await.is_err());
    assert_eq!(server.count(), 3, "nothing else arrived");
}

#[tokio::test]
async fn starttls_with_a_login_delivers_and_a_wrong_login_is_refused() {
    a_login_over_tls_delivers_and_a_wrong_one_is_refused_for_good(false).await;
}

#[tokio::test]
async fn implicit_tls_with_a_login_delivers_and_a_wrong_login_is_refused() {
    a_login_over_tls_delivers_and_a_wrong_one_is_refused_for_good(true).await;
}

#[tokio::test]
async fn starttls_required_never_falls_back_to_plain_text() {
    let Some(python) = kreiskom_testkit::python() else {
        return;
    };
    let plain = SmtpServer::start(&python);
    let mailer = Mailer::new(&settings(
        plain.port,
        Security::StartTls,
        "geheim-und-lang",
        Some(Certificates::new().ca_pem()),
    ))
    .unwrap();
    assert!(mailer.send(&message(0)).await.is_err());
    assert_eq!(plain.count(), 0);
}
