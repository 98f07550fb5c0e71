//! Consistent copies of the whole database while the server runs, and
//! bringing one back: SQLite's `VACUUM INTO`, PostgreSQL's own
//! `pg_dump` and `pg_restore` (the Debian package postgresql-client).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use crate::{Backend, Result, Store, StoreError};

/// The database file of an SQLite URL, `None` for PostgreSQL.
pub fn sqlite_file(url: &str) -> Result<Option<PathBuf>> {
    if !url.starts_with("sqlite:") {
        return Ok(None);
    }
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)
        .map_err(|e| StoreError::Config(format!("Datenbank-URL ungültig: {e}")))?;
    Ok(Some(options.get_filename().to_path_buf()))
}

fn tool(name: &str, args: &[&std::ffi::OsStr]) -> Result<()> {
    let out = Command::new(name).args(args).output().map_err(|e| {
        StoreError::Config(format!(
            "{name} nicht ausführbar ({e}); es gehört zum Paket postgresql-client"
        ))
    })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(StoreError::Config(format!(
            "{name} ist gescheitert: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

impl Store {
    /// Writes a consistent copy of the database to `file`, which must not
    /// exist yet; the server may go on writing meanwhile.
    pub async fn backup(&self, url: &str, file: &Path) -> Result<()> {
        if file.exists() {
            return Err(StoreError::Config(format!(
                "{} gibt es schon; eine Sicherung überschreibt nichts",
                file.display()
            )));
        }
        match self.backend {
            Backend::Sqlite => {
                sqlx::query("VACUUM INTO $1")
                    .bind(file.display().to_string())
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
            Backend::Postgres => tool(
                "pg_dump",
                &[
                    "--format=custom".as_ref(),
                    "--no-owner".as_ref(),
                    "--file".as_ref(),
                    file.as_os_str(),
                    "--dbname".as_ref(),
                    url.as_ref(),
                ],
            ),
        }
    }
}

/// Brings a copy made by [`Store::backup`] back into the database at `url`,
/// which must hold no records (a new, empty database); the server must not
/// run on it meanwhile. Returns the store on the restored database.
pub async fn restore(url: &str, file: &Path) -> Result<Store> {
    if !file.is_file() {
        return Err(StoreError::Config(format!(
            "{} gibt es nicht",
            file.display()
        )));
    }
    let target = Store::connect(url).await?;
    if !target.is_empty().await? {
        return Err(StoreError::NotEmpty);
    }
    match sqlite_file(url)? {
        Some(path) => {
            target.close().await;
            // An SQLite copy is the database itself: it replaces the empty
            // file, whose journal files must go with it.
            for suffix in ["", "-wal", "-shm"] {
                let mut name = path.clone().into_os_string();
                name.push(suffix);
                match std::fs::remove_file(&name) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(StoreError::Config(format!("{}: {e}", path.display()))),
                }
            }
            std::fs::copy(file, &path)
                .map_err(|e| StoreError::Config(format!("{}: {e}", path.display())))?;
        }
        None => {
            target.close().await;
            tool(
                "pg_restore",
                &[
                    "--clean".as_ref(),
                    "--if-exists".as_ref(),
                    "--no-owner".as_ref(),
                    "--exit-on-error".as_ref(),
                    "--single-transaction".as_ref(),
                    "--dbname".as_ref(),
                    url.as_ref(),
                    file.as_os_str(),
                ],
            )?;
        }
    }
    // Migrations the copy predates run now.
    Store::connect(url).await
}
