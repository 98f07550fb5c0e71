//! Real databases for tests. SQLite is a file in a temporary directory;
//! PostgreSQL is a server from Debian's `postgresql` package, started once
//! per test process on a free loopback port and stopped when it exits.

pub mod bluesky;
pub mod mastodon;

/// Serves `app` on a loopback port from a thread and runtime of its own,
/// so sync and async tests (and other processes) reach it alike; returns
/// its `http://127.0.0.1:port`.
pub(crate) fn serve_on_own_thread(app: axum::Router) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{}", rx.recv().expect("the test server started"))
}

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use tempfile::TempDir;

/// A database for one test; the files go when it is dropped.
pub struct TestDb {
    pub url: String,
    _dir: Option<TempDir>,
}

pub fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("kreiskom.db").display()
    );
    TestDb {
        url,
        _dir: Some(dir),
    }
}

struct Server {
    port: u16,
    bin: PathBuf,
    data: PathBuf,
    as_postgres_user: bool,
    _dir: TempDir,
}

static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();
static DATABASES: AtomicUsize = AtomicUsize::new(0);

/// A fresh database on the shared test server. `None` (with a message)
/// when PostgreSQL is not installed, except under `CI=true`, where that
/// fails the test: CI must never skip it.
pub fn postgres() -> Option<TestDb> {
    let server = match SERVER.get_or_init(start_server) {
        Ok(server) => server,
        Err(why) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("PostgreSQL is required under CI=true but could not be started: {why}")
        }
        Err(why) => {
            eprintln!("SKIPPED: PostgreSQL test, server not available: {why}");
            return None;
        }
    };
    let name = format!(
        "kreiskom_{}_{}",
        std::process::id(),
        DATABASES.fetch_add(1, Ordering::SeqCst)
    );
    let status = Command::new(server.bin.join("createdb"))
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &server.port.to_string(),
            "-U",
            "postgres",
            &name,
        ])
        .status()
        .expect("run createdb");
    assert!(status.success(), "createdb {name} failed");
    Some(TestDb {
        url: format!("postgres://postgres@127.0.0.1:{}/{name}", server.port),
        _dir: None,
    })
}

fn find_bin() -> Result<PathBuf, String> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|e| format!("/usr/lib/postgresql: {e} (apt-get install postgresql)"))?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists() && bin.join("pg_ctl").exists())
        .collect();
    versions.sort_by_key(|p| {
        p.to_string_lossy()
            .split('/')
            .nth(4)
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    versions.pop().ok_or_else(|| {
        "no initdb under /usr/lib/postgresql/*/bin (apt-get install postgresql)".into()
    })
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// initdb refuses to run as root, so as root the server runs as the
/// `postgres` user that Debian's package creates.
fn command(server_bin: &Path, tool: &str, as_postgres_user: bool) -> Command {
    if as_postgres_user {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(server_bin.join(tool));
        c
    } else {
        Command::new(server_bin.join(tool))
    }
}

fn start_server() -> Result<Server, String> {
    let bin = find_bin()?;
    let as_postgres_user = unsafe { libc::geteuid() } == 0;
    let dir = tempfile::Builder::new()
        .prefix("kreiskom-pg")
        .tempdir()
        .map_err(|e| e.to_string())?;
    let data = dir.path().join("data");
    if as_postgres_user {
        run(Command::new("chown")
            .args(["postgres:postgres"])
            .arg(dir.path()))?;
    }
    run(command(&bin, "initdb", as_postgres_user)
        .args(["-D"])
        .arg(&data)
        .args([
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        ]))?;
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
        dir.path().display()
    );
    run(command(&bin, "pg_ctl", as_postgres_user)
        .args(["-D"])
        .arg(&data)
        .args(["-o", &options, "-l"])
        .arg(dir.path().join("server.log"))
        .args(["-w", "start"]))?;
    unsafe {
        libc::atexit(stop_server);
    }
    Ok(Server {
        port,
        bin,
        data,
        as_postgres_user,
        _dir: dir,
    })
}

extern "C" fn stop_server() {
    if let Some(Ok(server)) = SERVER.get() {
        let _ = command(&server.bin, "pg_ctl", server.as_postgres_user)
            .args(["-D"])
            .arg(&server.data)
            .args(["-m", "immediate", "-w", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(server._dir.path());
    }
}

/// Runs each named `async fn(url: &str)` once on a temporary SQLite file
/// and once on the PostgreSQL test server: `on_both_backends!(a, b);`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $name() {
                let db = $crate::sqlite();
                super::$name(&db.url).await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $name() {
                let Some(db) = $crate::postgres() else { return };
                super::$name(&db.url).await;
            })*
        }
    };
}

/// The Python of the test peers' venv (`.venv`, made by `scripts/test.sh`
/// with aiosmtpd, feedparser and icalendar from PyPI). `None` skips a test
/// on a machine without it, except under `CI=true`, where that fails.
pub fn python() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("KREISKOM_TEST_PYTHON")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python")
        });
    if path.is_file() {
        return Some(path);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "the Python test peers are required under CI=true: {} is missing (scripts/test.sh creates it)",
            path.display()
        );
    }
    eprintln!("skipped: no Python test venv at {}", path.display());
    None
}

/// Runs `python -c script` with `input` on stdin; panics with stderr if it
/// fails, returns stdout.
pub fn run_python(python: &std::path::Path, script: &str, input: &str) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new(python)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start python");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A real SMTP server (Python aiosmtpd) that stores every message it
/// accepts in a Maildir; stopped when dropped.
pub struct SmtpServer {
    child: std::process::Child,
    pub port: u16,
    pub maildir: tempfile::TempDir,
}

/// How a test mail server is secured and whom it lets in.
pub struct SmtpSecurity<'a> {
    /// TLS from the first byte (port 465) instead of STARTTLS.
    pub implicit_tls: bool,
    pub certificates: &'a Certificates,
    /// The only login accepted; AUTH is required.
    pub login: (&'a str, &'a str),
}

/// A certificate authority and a server certificate for `localhost` it
/// signed, made with the `openssl` command line tool.
pub struct Certificates {
    dir: tempfile::TempDir,
}

impl Certificates {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let run = |args: &[&str]| {
            let out = std::process::Command::new("openssl")
                .args(args)
                .current_dir(dir.path())
                .output()
                .expect("the openssl command line tool (Debian package openssl)");
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        std::fs::write(
            dir.path().join("server.ext"),
            "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        run(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=kreiskom test CA",
        ]);
        run(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ]);
        run(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ]);
        Self { dir }
    }

    pub fn ca_pem(&self) -> Vec<u8> {
        std::fs::read(self.dir.path().join("ca.pem")).unwrap()
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }
}

impl Default for Certificates {
    fn default() -> Self {
        Self::new()
    }
}

/// aiosmtpd with TLS and a required login, as a submission server runs.
const SECURE_SMTP: &str = r#"
import ssl, sys, threading
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword
port, maildir, cert, key, implicit, user, password = sys.argv[1:]
context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
def check(server, session, envelope, mechanism, data):
    ok = isinstance(data, LoginPassword) and data.login == user.encode() and data.password == password.encode()
    # Not handled: aiosmtpd answers a failure with 535 itself.
    return AuthResult(success=ok, handled=False)
# aiosmtpd counts only STARTTLS as TLS for AUTH; implicit TLS is TLS too.
tls = {"ssl_context": context, "auth_require_tls": False} if implicit == "1" else {"tls_context": context, "require_starttls": True}
Controller(Mailbox(maildir), hostname="127.0.0.1", port=int(port), server_hostname="localhost",
           authenticator=check, auth_required=True, **tls).start()
threading.Event().wait()
"#;

impl SmtpServer {
    pub fn start(python: &std::path::Path) -> Self {
        Self::launch(python, None)
    }

    /// A server that speaks only TLS (STARTTLS or implicit) and takes one
    /// login.
    pub fn start_secure(python: &std::path::Path, security: &SmtpSecurity) -> Self {
        Self::launch(python, Some(security))
    }

    fn launch(python: &std::path::Path, security: Option<&SmtpSecurity>) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let maildir = tempfile::tempdir().unwrap();
        let mail = maildir.path().join("mail");
        let mut command = std::process::Command::new(python);
        match security {
            None => {
                command
                    .args(["-m", "aiosmtpd", "-n", "-l"])
                    .arg(format!("127.0.0.1:{port}"))
                    .args(["-c", "aiosmtpd.handlers.Mailbox"])
                    .arg(&mail);
            }
            Some(s) => {
                command
                    .args(["-c", SECURE_SMTP, &port.to_string()])
                    .arg(&mail)
                    .arg(s.certificates.path("server.pem"))
                    .arg(s.certificates.path("server.key"))
                    .args([if s.implicit_tls { "1" } else { "0" }, s.login.0, s.login.1]);
            }
        }
        let mut child = command
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Self {
                    child,
                    port,
                    maildir,
                };
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("aiosmtpd did not start on port {port}");
    }

    /// How many messages arrived so far.
    pub fn count(&self) -> usize {
        std::fs::read_dir(self.maildir.path().join("mail/new"))
            .map(|entries| entries.count())
            .unwrap_or(0)
    }

    /// Every message received so far, as raw text.
    pub fn messages(&self) -> Vec<String> {
        let dir = self.maildir.path().join("mail/new");
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        entries
            .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A local S3-compatible store (moto's server from PyPI), with one empty
/// bucket, for tests of the media store on several nodes.
pub struct S3Server {
    child: std::process::Child,
    pub port: u16,
    pub bucket: String,
}

impl S3Server {
    pub fn start(python: &std::path::Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = std::process::Command::new(python)
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start moto.server");
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                let bucket = "kreiskom-media".to_owned();
                Self::create_bucket(port, &bucket);
                return Self {
                    child,
                    port,
                    bucket,
                };
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("moto.server did not start on port {port}");
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// CreateBucket is a PUT on the bucket; moto takes it unsigned.
    fn create_bucket(port: u16, bucket: &str) {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            stream,
            "PUT /{bucket} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        assert!(reply.starts_with("HTTP/1.1 200"), "CreateBucket: {reply}");
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What poppler makes of a PDF: `pdftotext -layout` for the text of
/// `pages` (all when `None`), `pdfinfo` for page size, count and tags.
pub struct Poppler;

impl Poppler {
    fn run(tool: &str, pdf: &[u8], args: &[&str]) -> String {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let file = dir.path().join("document.pdf");
        std::fs::write(&file, pdf).expect("the PDF is written");
        let mut cmd = std::process::Command::new(tool);
        cmd.args(args).arg(&file);
        if tool == "pdftotext" {
            cmd.arg("-");
        }
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("{tool} (Debian's poppler-utils) is needed: {e}"));
        assert!(
            out.status.success(),
            "{tool}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("poppler writes UTF-8")
    }

    pub fn text(pdf: &[u8]) -> String {
        Self::run("pdftotext", pdf, &["-layout"])
    }

    /// The text of one page, from 1.
    pub fn page_text(pdf: &[u8], page: usize) -> String {
        let p = page.to_string();
        Self::run("pdftotext", pdf, &["-layout", "-f", &p, "-l", &p])
    }

    pub fn fonts(pdf: &[u8]) -> String {
        Self::run("pdffonts", pdf, &[])
    }

    /// One line of `pdfinfo`: "Pages", "Tagged", "Title".
    pub fn info(pdf: &[u8], name: &str) -> String {
        let info = Self::run("pdfinfo", pdf, &[]);
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .unwrap_or_else(|| panic!("pdfinfo tells no {name}: {info}"))
            .trim()
            .to_owned()
    }

    /// Whether the PDF declares PDF/UA-1 in its XMP metadata (written
    /// uncompressed, as XMP must be readable without a PDF parser).
    pub fn claims_pdf_ua(pdf: &[u8]) -> bool {
        pdf.windows(30)
            .any(|w| w == b"<pdfuaid:part>1</pdfuaid:part>")
    }

    /// The first page's size in whole millimetres.
    pub fn page_mm(pdf: &[u8]) -> (i64, i64) {
        let size = Self::info(pdf, "Page size");
        let mut mm = size
            .split_whitespace()
            .filter_map(|w| w.parse::<f64>().ok())
            .map(|pt| (pt / 72.0 * 25.4).round() as i64);
        (mm.next().expect("a width"), mm.next().expect("a height"))
    }
}
