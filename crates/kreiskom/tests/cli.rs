//! The real `kreiskom` binary, as a user runs it, on SQLite and PostgreSQL.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/demo.json");

fn kreiskom(dir: &Path, db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kreiskom"))
        .args(args)
        .current_dir(dir)
        .env("KREISKOM_DATABASE_URL", db)
        .env_remove("KREISKOM_API_TOKEN")
        .output()
        .expect("run kreiskom")
}

/// How many records the demo holds: every entry of every list in it.
fn demo_records() -> usize {
    let demo: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(DEMO).unwrap()).unwrap();
    let lists = |v: &serde_json::Value| -> usize {
        v.as_object()
            .unwrap()
            .values()
            .filter_map(|l| l.as_array())
            .map(Vec::len)
            .sum()
    };
    let tenants = demo["tenants"].as_array().unwrap();
    // The tenants list counts each tenant once; its records follow.
    lists(&demo) + tenants.iter().map(lists).sum::<usize>()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn a_backup_taken_while_serving_restores_everything(first: &str, second: &str) {
    let dir = tempfile::tempdir().unwrap();
    // The demo with its accounts, served while the backup is taken.
    let mut server = Command::new(env!("CARGO_BIN_EXE_kreiskom"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env("KREISKOM_DATABASE_URL", first)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines.next().expect("server printed its URL").unwrap();
        if let Some(url) = line.strip_prefix("kreiskom läuft auf ") {
            break url.trim().to_owned();
        }
    };
    let backup = kreiskom(dir.path(), first, &["backup", "sicherung.db"]);
    assert!(backup.status.success(), "{}", text(&backup.stderr));
    assert!(text(&backup.stdout).contains("Sicherung geschrieben: sicherung.db"));
    assert!(http_get(&format!("{url}harz/partnerschaften")).contains("Bistrița"));
    terminate(&server);
    server.wait().unwrap();
    let again = kreiskom(dir.path(), first, &["backup", "sicherung.db"]);
    assert!(
        !again.status.success(),
        "an existing file is not overwritten"
    );
    assert!(
        text(&again.stderr).contains("gibt es schon"),
        "{}",
        text(&again.stderr)
    );

    let restored = kreiskom(dir.path(), second, &["restore", "sicherung.db"]);
    assert!(restored.status.success(), "{}", text(&restored.stderr));
    assert!(
        text(&restored.stdout).contains(&format!("{} Datensätze", demo_records())),
        "{}",
        text(&restored.stdout)
    );
    let export = |db: &str| text(&kreiskom(dir.path(), db, &["export", "--format", "json"]).stdout);
    assert_eq!(export(first), export(second), "the same records");
    // Accounts and the audit log come back too, not only the records.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = kreiskom_store::Store::connect(second).await.unwrap();
        assert!(store
            .account("presse@demo.example")
            .await
            .unwrap()
            .is_some());
        let goslar = kreiskom_core::TenantSlug::parse("goslar").unwrap();
        let (_, log) = store.audit_of_tenant(&goslar, 0, 1).await.unwrap();
        assert!(log > 0, "the audit log is restored");
        store.close().await;
    });
    // Nothing is restored over data.
    let over = kreiskom(dir.path(), second, &["restore", "sicherung.db"]);
    assert!(!over.status.success());
    assert!(
        text(&over.stderr).contains("nicht leer"),
        "{}",
        text(&over.stderr)
    );
}

fn demo_file_is_the_canonical_export(first: &str, second: &str) {
    let dir = tempfile::tempdir().unwrap();
    let import = kreiskom(dir.path(), first, &["import", DEMO]);
    assert!(import.status.success(), "{}", text(&import.stderr));
    assert!(
        text(&import.stdout).contains(&format!("{} Datensätze", demo_records())),
        "{}",
        text(&import.stdout)
    );
    assert!(
        text(&import.stderr).contains(&format!("Import: {0} von {0}", demo_records())),
        "progress is shown"
    );
    // Into a pipe or file: whole lines, no carriage returns or colour codes.
    let progress = text(&import.stderr);
    assert!(
        !progress.contains('\r') && !progress.contains('\u{1b}') && progress.ends_with('\n'),
        "{progress:?}"
    );
    let export = kreiskom(dir.path(), first, &["export", "--format", "json"]);
    assert!(export.status.success());
    let demo = std::fs::read_to_string(DEMO).unwrap();
    assert!(
        text(&export.stdout) == demo,
        "export of the imported demo differs from demo/demo.json"
    );
    // And once more through a second, empty database.
    let file = dir.path().join("dump.json");
    std::fs::write(&file, &export.stdout).unwrap();
    assert!(
        kreiskom(dir.path(), second, &["import", file.to_str().unwrap()])
            .status
            .success()
    );
    let again = kreiskom(
        dir.path(),
        second,
        &["export", "--format", "json", "--output", "again.json"],
    );
    assert!(again.status.success());
    assert_eq!(
        std::fs::read(dir.path().join("again.json")).unwrap(),
        export.stdout,
        "second export is byte-identical"
    );
}

fn bad_import_changes_nothing_and_names_the_first_bad_record(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let mut demo: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(DEMO).unwrap()).unwrap();
    // Break one activity in the middle of Goslar's records.
    let activities = demo["tenants"][0]["activities"].as_array_mut().unwrap();
    let victim = activities[3]["slug"].as_str().unwrap().to_owned();
    activities[3]["partnerships"] = serde_json::json!(["goslar-atlantis"]);
    let file = dir.path().join("bad.json");
    std::fs::write(&file, demo.to_string()).unwrap();
    let out = kreiskom(dir.path(), db, &["import", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("Mandant „goslar“ / Aktivität „{victim}“")),
        "{err}"
    );
    assert!(
        err.contains("unbekannte Partnerschaft „goslar-atlantis“"),
        "{err}"
    );
    let export = kreiskom(dir.path(), db, &["export", "--format", "json"]);
    let empty: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    assert_eq!(
        empty["regions"],
        serde_json::json!([]),
        "nothing was written"
    );

    std::fs::write(
        &file,
        "{\"format\": \"kreiskom/1\", \"regions\": [{\"slug\": \"x\", \"kind\": 5}]}",
    )
    .unwrap();
    let out = kreiskom(dir.path(), db, &["import", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("regions[0].kind"),
        "{}",
        text(&out.stderr)
    );
}

/// Starts `serve`, waits for the URL it prints, fetches one page, stops it.
fn serve_once(dir: &Path, db: &str, demo: bool) -> (String, String) {
    let mut args = vec!["serve", "--listen", "127.0.0.1:0"];
    if demo {
        args.push("--demo");
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_kreiskom"))
        .args(&args)
        .current_dir(dir)
        .env("KREISKOM_DATABASE_URL", db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = String::new();
    let url = loop {
        let line = lines.next().expect("server printed its URL").unwrap();
        printed.push_str(&line);
        printed.push('\n');
        if let Some(url) = line.strip_prefix("kreiskom läuft auf ") {
            break url.trim().to_owned();
        }
    };
    let page = http_get(&format!("{url}harz/partnerschaften"));
    terminate(&child);
    child.wait().unwrap();
    (printed, page)
}

/// Stops the server as systemd or Ctrl-C would, so it shuts down cleanly.
fn terminate(child: &std::process::Child) {
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
}

fn http_get(url: &str) -> String {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut body = String::new();
    stream.read_to_string(&mut body).unwrap();
    body
}

fn serving_twice_keeps_the_data(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (first, page) = serve_once(dir.path(), db, true);
    assert!(
        first.contains(&format!("Demodaten geladen: {} Datensätze", demo_records())),
        "{first}"
    );
    assert!(page.contains("Territoire de Belfort"));
    assert!(
        first.contains("Partnerschaftskoordination")
            && first.contains("partnerschaften@demo.example"),
        "one demo login per role: {first}"
    );
    let (second, page) = serve_once(dir.path(), db, true);
    assert!(second.contains("enthält schon Daten"), "{second}");
    assert!(
        second.contains("lesen@demo.example"),
        "logins are printed again"
    );
    assert!(page.contains("Territoire de Belfort"));
    let export = kreiskom(dir.path(), db, &["export", "--format", "json"]);
    assert_eq!(
        text(&export.stdout),
        std::fs::read_to_string(DEMO).unwrap(),
        "nothing lost, nothing doubled"
    );
}

fn user_add_prints_a_one_time_password(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    assert!(kreiskom(dir.path(), db, &["import", DEMO]).status.success());
    let add = |args: &[&str]| {
        let mut all = vec!["user", "add"];
        all.extend_from_slice(args);
        kreiskom(dir.path(), db, &all)
    };
    let out = add(&[
        "--email",
        "Presse@Goslar.example",
        "--tenant",
        "goslar",
        "--tenant",
        "harz",
        "--role",
        "press",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    let password = printed
        .lines()
        .find_map(|l| l.strip_prefix("Einmalpasswort: "))
        .unwrap_or_else(|| panic!("{printed}"))
        .trim()
        .to_owned();
    assert!(printed.contains("goslar: Pressestelle") && printed.contains("harz: Pressestelle"));
    let account = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = kreiskom_store::Store::connect(db).await.unwrap();
        store
            .account("presse@goslar.example")
            .await
            .unwrap()
            .unwrap()
    });
    assert_eq!(account.grants.len(), 2);
    assert!(account.must_change_password);
    assert!(kreiskom_web::auth::verify_password(
        &account.password_hash,
        &password
    ));
    assert!(
        !account.password_hash.contains(&password),
        "only the hash is stored"
    );

    let again = add(&[
        "--email",
        "presse@goslar.example",
        "--tenant",
        "goslar",
        "--role",
        "press",
    ]);
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("gibt es schon"),
        "{}",
        text(&again.stderr)
    );
    let role = add(&[
        "--email",
        "x@goslar.example",
        "--tenant",
        "goslar",
        "--role",
        "chef",
    ]);
    assert!(text(&role.stderr).contains("Rolle „chef“ gibt es nicht; möglich sind: admin, press"));
    let tenant = add(&[
        "--email",
        "x@goslar.example",
        "--tenant",
        "atlantis",
        "--role",
        "press",
    ]);
    assert!(
        text(&tenant.stderr).contains("Mandant „atlantis“ gibt es nicht"),
        "{}",
        text(&tenant.stderr)
    );

    // Five failed sign-ins lock the address; a reset lifts the lock and
    // ends every session of the account.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let at = jiff::Timestamp::now();
    let store = runtime
        .block_on(kreiskom_store::Store::connect(db))
        .unwrap();
    runtime.block_on(async {
        store
            .create_session(
                "presse@goslar.example",
                "h1",
                "csrf",
                at + jiff::SignedDuration::from_hours(1),
            )
            .await
            .unwrap();
        for _ in 0..5 {
            store
                .login_failed(
                    "presse@goslar.example",
                    at,
                    5,
                    jiff::SignedDuration::from_mins(15),
                )
                .await
                .unwrap();
        }
        assert!(store
            .sign_in_locked_until("presse@goslar.example", at)
            .await
            .unwrap()
            .is_some());
    });
    let reset = kreiskom(
        dir.path(),
        db,
        &["user", "reset-password", "--email", "presse@goslar.example"],
    );
    assert!(text(&reset.stdout).contains("Neues Einmalpasswort für presse@goslar.example"));
    runtime.block_on(async {
        assert_eq!(
            store
                .sign_in_locked_until("presse@goslar.example", at)
                .await
                .unwrap(),
            None
        );
        assert!(
            store.session("h1", at).await.unwrap().is_none(),
            "sessions end"
        );
    });
}

/// `kreiskom print`: cards, badges, a release and a form as PDFs in the
/// district's design (its coat of arms from the media library), with a
/// line of progress and German refusals.
fn print_writes_the_print_offices_pdfs(db: &str) {
    use kreiskom_testkit::Poppler;
    let dir = tempfile::tempdir().unwrap();
    assert!(kreiskom(dir.path(), db, &["import", DEMO]).status.success());
    let arms = dir.path().join("media/spree-neisse/wappen-demo");
    std::fs::create_dir_all(&arms).unwrap();
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../demo/media/wappen-spree-neisse.png"
        ),
        arms.join("original.png"),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = kreiskom(dir.path(), db, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        text(&out.stderr)
    };
    let read = |name: &str| std::fs::read(dir.path().join(name)).unwrap();

    let progress = run(&[
        "print",
        "cards",
        "--tenant",
        "spree-neisse",
        "--unit",
        "kreisverwaltung",
        "--copies",
        "10",
        "--out",
        "karten.pdf",
    ]);
    assert!(progress.contains("Setze 10 Visitenkarten …"), "{progress}");
    assert!(
        progress.contains("karten.pdf geschrieben: 1 Seite"),
        "{progress}"
    );
    let cards = read("karten.pdf");
    assert_eq!(Poppler::page_mm(&cards), (210, 297));
    assert_eq!(
        Poppler::text(&cards).matches("Harald Altekrüger").count(),
        10,
        "a full sheet"
    );
    let images = std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(dir.path().join("karten.pdf"))
        .output()
        .unwrap();
    assert!(
        text(&images.stdout).lines().count() > 2,
        "the coat of arms is on the cards: {}",
        text(&images.stdout)
    );

    run(&[
        "print",
        "badges",
        "--tenant",
        "spree-neisse",
        "--activity",
        "gegenbesuch-2014",
        "--out",
        "schilder.pdf",
    ]);
    let badges = Poppler::text(&read("schilder.pdf"));
    assert!(
        badges.contains("Ralf Drescher") && badges.contains("Vorpommern-Rügen"),
        "{badges}"
    );

    run(&[
        "print",
        "release",
        "--tenant",
        "spree-neisse",
        "150/14",
        "--out",
        "brief.pdf",
    ]);
    let letter = read("brief.pdf");
    assert!(Poppler::text(&letter).contains("Nr. 150/14"));
    assert_eq!(Poppler::info(&letter, "Tagged"), "yes");

    run(&[
        "print",
        "form",
        "--tenant",
        "goslar",
        "bestellung-visitenkarten",
        "--out",
        "vordruck.pdf",
    ]);
    assert!(Poppler::text(&read("vordruck.pdf")).contains("Bestellung von Visitenkarten"));

    let missing = kreiskom(
        dir.path(),
        db,
        &[
            "print",
            "cards",
            "--tenant",
            "spree-neisse",
            "--unit",
            "bauamt",
            "--out",
            "x.pdf",
        ],
    );
    assert!(!missing.status.success());
    assert!(
        text(&missing.stderr).contains("Die Organisationseinheit „bauamt“ gibt es nicht."),
        "{}",
        text(&missing.stderr)
    );
    let none = kreiskom(
        dir.path(),
        db,
        &[
            "print",
            "badges",
            "--tenant",
            "goslar",
            "--activity",
            "studienfahrt",
            "--out",
            "x.pdf",
        ],
    );
    assert!(
        text(&none.stderr).contains("Zur Aktivität „studienfahrt“ gibt es keine Teilnehmerliste."),
        "{}",
        text(&none.stderr)
    );
    assert!(!dir.path().join("x.pdf").exists(), "nothing half-written");
}

/// A coordinator's list against the demo registry: known places found by
/// another spelling, an unsure one asked as a table, the answer taken.
#[test]
fn import_twinnings_asks_what_is_unsure_and_takes_the_answer() {
    let db = kreiskom_testkit::sqlite();
    let dir = tempfile::tempdir().unwrap();
    let demo = kreiskom(dir.path(), &db.url, &["import", DEMO]);
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    std::fs::write(
        dir.path().join("liste.csv"),
        "ort1,land1,ort2,land2,seit\n\
         Goslar,Deutschland,Trebnitz,Polen,1991\n\
         Iasi,Rumänien,Löhne,Deutschland,\n\
         Lohne,Deutschland,Iași,Romania,\n\
         Tokio,Japa,Goslar,Germany,\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["import", "twinnings", "liste.csv"];
        args.extend_from_slice(extra);
        let out = kreiskom(dir.path(), &db.url, &args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        (text(&out.stdout), text(&out.stderr))
    };
    let (first, progress) = run(&["--questions", "fragen.csv"]);
    assert!(progress.contains("Import: 4 Zeilen gelesen"), "{progress}");
    assert!(
        progress.contains("Import: mit dem Register abgeglichen"),
        "{progress}"
    );
    // Goslar is the demo's town, Trebnitz Trzebnica's German name, Iasi
    // Iași; Löhne is new.
    assert!(
        first.contains("Neu angelegt: 1 Gebietskörperschaft, 2 Partnerschaften."),
        "{first}"
    );
    assert!(
        first.contains("1 Ort ist nicht sicher zugeordnet; 1 Zeile wartet auf eine Entscheidung:"),
        "{first}"
    );
    assert!(
        first.contains("„Lohne“ (Deutschland), Zeile 4: vielleicht Löhne (loehne)"),
        "{first}"
    );
    assert!(
        first.contains("Zeile 5: Land „Japa“ von „Tokio“ ist unbekannt"),
        "{first}"
    );
    let questions = std::fs::read_to_string(dir.path().join("fragen.csv")).unwrap();
    assert_eq!(
        questions,
        "ort,land,zeilen,vorschlaege,entscheidung\nLohne,DE,4,Löhne (loehne),\n"
    );
    std::fs::write(
        dir.path().join("fragen.csv"),
        questions.replace("(loehne),", "(loehne),neu"),
    )
    .unwrap();
    let (decided, _) = run(&["--decisions", "fragen.csv"]);
    assert!(
        decided.contains("Neu angelegt: 1 Gebietskörperschaft, 1 Partnerschaft."),
        "{decided}"
    );
    assert!(!decided.contains("nicht sicher"), "{decided}");
    let (again, _) = run(&[]);
    assert!(again.contains("Nichts geändert."), "{again}");
    assert!(
        again.contains("Schon im Register oder doppelt in der Liste: 3 Zeilen."),
        "{again}"
    );
    let export = kreiskom(dir.path(), &db.url, &["export"]);
    let data: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    let partnership = data["partnerships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["regions"] == serde_json::json!(["stadt-goslar", "trzebnica"]))
        .expect("Goslar–Trzebnica imported");
    assert_eq!(partnership["timeline"][0]["date"], "1991");
}

/// The registry against Wikidata: written as QuickStatements, the query to
/// ask, the answer compared, and what only Wikidata knows taken in.
#[test]
fn wikidata_export_query_and_comparison() {
    let db = kreiskom_testkit::sqlite();
    let dir = tempfile::tempdir().unwrap();
    // The demo with Wikidata items for three regions (test values).
    let mut demo: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(DEMO).unwrap()).unwrap();
    for region in demo["regions"].as_array_mut().unwrap() {
        let q = match region["slug"].as_str().unwrap() {
            "nordhausen" => "Q101",
            "unterallgaeu" => "Q102",
            "powiat-gostynski" => "Q103",
            "harz" => "Q104",
            _ => continue,
        };
        region["wikidata"] = q.into();
    }
    std::fs::write(dir.path().join("demo.json"), demo.to_string()).unwrap();
    let import = kreiskom(dir.path(), &db.url, &["import", "demo.json"]);
    assert!(import.status.success(), "{}", text(&import.stderr));

    let export = kreiskom(dir.path(), &db.url, &["export", "--format", "wikidata"]);
    assert!(export.status.success(), "{}", text(&export.stderr));
    let statements = text(&export.stdout);
    assert!(
        statements.contains("Q101\tP190\tQ102\tP580\t+2019-00-00T00:00:00Z/9\n"),
        "Nordhausen–Unterallgäu from its charter: {statements}"
    );
    assert!(statements.contains("Q102\tP190\tQ101\t"), "on both items");
    assert!(
        statements.contains("Q103\tP190\tQ102\n"),
        "undated: no P580"
    );
    assert!(
        text(&export.stderr).contains("3 Partnerschaften (ohne 28 Partnerschaften, bei denen einer Seite die Wikidata-Kennung fehlt) exportiert."),
        "{}",
        text(&export.stderr)
    );

    let query = kreiskom(dir.path(), &db.url, &["import", "wikidata", "--query"]);
    assert!(text(&query.stdout).contains("VALUES ?item { wd:Q101 wd:Q102 wd:Q103 wd:Q104 }"));

    let entity = |q: &str| serde_json::json!({"type": "uri", "value": format!("http://www.wikidata.org/entity/{q}")});
    let year =
        |y: &str| serde_json::json!({"type": "literal", "value": format!("{y}-01-01T00:00:00Z")});
    let answer = serde_json::json!({"results": {"bindings": [
        {"item": entity("Q101"), "partner": entity("Q102"), "start": year("1991")},
        {"item": entity("Q102"), "partner": entity("Q103")},
        {"item": entity("Q104"), "partner": entity("Q103"), "start": year("2015")},
        {"item": entity("Q104"), "partner": entity("Q999")}
    ]}});
    std::fs::write(dir.path().join("antwort.json"), answer.to_string()).unwrap();
    let compare = |extra: &[&str]| {
        let mut args = vec!["import", "wikidata", "antwort.json"];
        args.extend_from_slice(extra);
        let out = kreiskom(dir.path(), &db.url, &args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let dry = compare(&["--dry-run"]);
    for line in [
        "Vergleich mit Wikidata (4 Partnerschaften aus antwort.json): 1 gleich.",
        "Nur im Register, fehlt bei Wikidata: 1 Partnerschaft",
        "  nordhausen-gostyn: Landkreis Nordhausen (Q101) – Landkreis Gostyn (Q103)\n",
        "Abweichend: 1 Partnerschaft",
        "  nordhausen-unterallgaeu: im Register seit 2019, bei Wikidata seit 1991",
        "Nur bei Wikidata: 2 Partnerschaften",
        "  Landkreis Harz (Q104) – Landkreis Gostyn (Q103), seit 2015: anzulegen als harz-powiat-gostynski",
        "  Landkreis Harz (Q104) – Q999: nicht im Register (keine Gebietskörperschaft mit dieser Kennung)",
    ] {
        assert!(dry.contains(line), "{line}\n{dry}");
    }
    assert!(
        compare(&["--dry-run"]).contains("anzulegen als harz-powiat-gostynski"),
        "a dry run takes nothing"
    );
    assert!(compare(&[]).contains("angelegt als harz-powiat-gostynski"));
    let after = compare(&[]);
    assert!(after.contains("): 2 gleich."), "{after}");
    assert!(
        after.contains("Nur bei Wikidata: 1 Partnerschaft"),
        "{after}"
    );
}

#[test]
fn sqlite_print_writes_the_print_offices_pdfs() {
    print_writes_the_print_offices_pdfs(&kreiskom_testkit::sqlite().url);
}

#[test]
fn postgres_print_writes_the_print_offices_pdfs() {
    let Some(db) = kreiskom_testkit::postgres() else {
        return;
    };
    print_writes_the_print_offices_pdfs(&db.url);
}

#[test]
fn sqlite_user_add_prints_a_one_time_password() {
    user_add_prints_a_one_time_password(&kreiskom_testkit::sqlite().url);
}

#[test]
fn postgres_user_add_prints_a_one_time_password() {
    let Some(db) = kreiskom_testkit::postgres() else {
        return;
    };
    user_add_prints_a_one_time_password(&db.url);
}

#[test]
fn sqlite_a_backup_taken_while_serving_restores_everything() {
    let (a, b) = (kreiskom_testkit::sqlite(), kreiskom_testkit::sqlite());
    a_backup_taken_while_serving_restores_everything(&a.url, &b.url);
}

#[test]
fn postgres_a_backup_taken_while_serving_restores_everything() {
    let (Some(a), Some(b)) = (kreiskom_testkit::postgres(), kreiskom_testkit::postgres()) else {
        return;
    };
    a_backup_taken_while_serving_restores_everything(&a.url, &b.url);
}

#[test]
fn sqlite_demo_file_is_the_canonical_export() {
    let (a, b) = (kreiskom_testkit::sqlite(), kreiskom_testkit::sqlite());
    demo_file_is_the_canonical_export(&a.url, &b.url);
}

#[test]
fn postgres_demo_file_is_the_canonical_export() {
    let (Some(a), Some(b)) = (kreiskom_testkit::postgres(), kreiskom_testkit::postgres()) else {
        return;
    };
    demo_file_is_the_canonical_export(&a.url, &b.url);
}

#[test]
fn sqlite_bad_import_changes_nothing() {
    bad_import_changes_nothing_and_names_the_first_bad_record(&kreiskom_testkit::sqlite().url);
}

#[test]
fn postgres_bad_import_changes_nothing() {
    let Some(db) = kreiskom_testkit::postgres() else {
        return;
    };
    bad_import_changes_nothing_and_names_the_first_bad_record(&db.url);
}

#[test]
fn sqlite_serving_twice_keeps_the_data() {
    serving_twice_keeps_the_data(&kreiskom_testkit::sqlite().url);
}

#[test]
fn postgres_serving_twice_keeps_the_data() {
    let Some(db) = kreiskom_testkit::postgres() else {
        return;
    };
    serving_twice_keeps_the_data(&db.url);
}

#[test]
fn default_database_is_a_file_in_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kreiskom"))
        .args(["export", "--format", "json"])
        .current_dir(dir.path())
        .env_remove("KREISKOM_DATABASE_URL")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.path().join("kreiskom.db").is_file());
}

#[test]
fn serving_an_empty_database_says_how_to_add_data() {
    let dir = tempfile::tempdir().unwrap();
    let (printed, _) = serve_once(dir.path(), &kreiskom_testkit::sqlite().url, false);
    assert!(
        printed.contains("Die Datenbank ist leer") && printed.contains("kreiskom import"),
        "{printed}"
    );
}

#[test]
fn the_link_check_names_an_unknown_district() {
    let dir = tempfile::tempdir().unwrap();
    let db = kreiskom_testkit::sqlite();
    let import = kreiskom(dir.path(), &db.url, &["import", DEMO]);
    assert!(import.status.success(), "{}", text(&import.stderr));
    let out = kreiskom(dir.path(), &db.url, &["check-links", "--tenant", "niemand"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("Landkreis „niemand“ gibt es nicht"),
        "{}",
        text(&out.stderr)
    );
}

/// Every internal link of every page in a static copy leads to a file.
fn broken_links(root: &Path) -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "html") {
                out.push(p);
            }
        }
    }
    let mut pages = Vec::new();
    walk(root, &mut pages);
    assert!(pages.len() > 50, "{} pages", pages.len());
    let mut broken = Vec::new();
    for page in pages {
        let html = std::fs::read_to_string(&page).unwrap();
        for marker in ["href=\"", "src=\""] {
            for piece in html.split(marker).skip(1) {
                let target = piece.split('"').next().unwrap_or_default();
                let path = target.split(['#', '?']).next().unwrap_or_default();
                if !path.starts_with('/') || path.starts_with("//") {
                    continue;
                }
                if kreiskom_web::export::server_only(path) {
                    continue;
                }
                let rel = path.trim_start_matches('/');
                let file = root.join(rel);
                let found =
                    (file.is_file() && !path.ends_with('/')) || file.join("index.html").is_file();
                if !found {
                    broken.push(format!("{} → {path}", page.display()));
                }
            }
        }
    }
    broken
}

#[test]
fn the_static_copy_is_complete_and_a_second_run_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = kreiskom_testkit::sqlite();
    let import = kreiskom(dir.path(), &db.url, &["import", DEMO]);
    assert!(import.status.success(), "{}", text(&import.stderr));
    let no_url = kreiskom(dir.path(), &db.url, &["publish", "--out", "kopie"]);
    assert!(!no_url.status.success());
    assert!(
        text(&no_url.stderr).contains("--url"),
        "{}",
        text(&no_url.stderr)
    );

    let args = [
        "publish",
        "--out",
        "kopie",
        "--url",
        "https://presse.kreis.example",
    ];
    let first = kreiskom(dir.path(), &db.url, &args);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(
        !text(&first.stderr).contains("Warnung"),
        "{}",
        text(&first.stderr)
    );
    let root = dir.path().join("kopie");
    assert_eq!(broken_links(&root), Vec::<String>::new());
    // Pictures, fonts, feeds, calendars and robots.txt come along.
    for file in [
        "index.html",
        "robots.txt",
        "harz/partnerschaften/harz-belfort/fr/index.html",
        "stade/seiten/soziale-medien/leichte-sprache/index.html",
        "spree-neisse/presse/feed.atom",
        "spree-neisse/termine.ics",
        "goslar/sitemap.xml",
        "goslar/farbe.css",
        "assets/kern/fonts/fira-sans/FiraSans-Regular.woff2",
        "media/goslar/wappen-demo/original.png",
        "harz/suche/index.html",
        "harz/suche/index.json",
        "assets/suche.js",
    ] {
        assert!(root.join(file).is_file(), "{file}");
    }
    let robots = std::fs::read_to_string(root.join("robots.txt")).unwrap();
    assert!(
        robots.contains("Sitemap: https://presse.kreis.example/harz/sitemap.xml"),
        "{robots}"
    );
    let feed = std::fs::read_to_string(root.join("spree-neisse/presse/feed.atom")).unwrap();
    assert!(feed.contains("https://presse.kreis.example/spree-neisse/presse/2014/150"));
    // The forms need the server and are not copied.
    assert!(!root.join("harz/presse/anfrage").exists());

    let again = kreiskom(dir.path(), &db.url, &args);
    assert!(again.status.success());
    assert!(
        text(&again.stdout).contains("0 Dateien geschrieben"),
        "{}",
        text(&again.stdout)
    );
    // A page gone from the site is gone from the copy.
    std::fs::write(root.join("harz/veraltet.html"), "alt").unwrap();
    let third = kreiskom(dir.path(), &db.url, &args);
    assert!(
        text(&third.stdout).contains("1 entfernt"),
        "{}",
        text(&third.stdout)
    );
    assert!(!root.join("harz/veraltet.html").exists());
}

fn reindex_builds_the_search_index_with_progress(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    assert!(kreiskom(dir.path(), db, &["import", DEMO]).status.success());
    let out = kreiskom(dir.path(), db, &["search", "reindex"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let progress = text(&out.stderr);
    for tenant in ["goslar", "harz", "stade"] {
        assert!(
            progress.contains(&format!("Suchindex: {tenant} – ")),
            "{progress}"
        );
    }
    assert!(
        text(&out.stdout).starts_with("Suchindex in suchindex neu aufgebaut: "),
        "{}",
        text(&out.stdout)
    );
    assert!(dir.path().join("suchindex/meta.json").is_file());
    let again = kreiskom(dir.path(), db, &["search", "reindex"]);
    assert_eq!(text(&again.stdout), text(&out.stdout), "the same again");
}

#[test]
fn sqlite_reindex_builds_the_search_index_with_progress() {
    let db = kreiskom_testkit::sqlite();
    reindex_builds_the_search_index_with_progress(&db.url);
}

#[test]
fn postgres_reindex_builds_the_search_index_with_progress() {
    let Some(db) = kreiskom_testkit::postgres() else {
        return;
    };
    reindex_builds_the_search_index_with_progress(&db.url);
}
