//! A throw-away PostgreSQL server for the tests: `initdb` and `pg_ctl` (found on PATH or under
//! /usr/lib/postgresql/*/bin) on a temporary folder and a free port, run as the `postgres`
//! user (else `nobody`) when the tests run as root, which PostgreSQL refuses to run as.
//! Stopped and deleted on drop.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A running server.
pub struct PgServer {
    bin: PathBuf,
    dir: PathBuf,
    user: Option<String>,
    port: u16,
}

fn find_bin() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Ok(entries) = std::fs::read_dir("/usr/lib/postgresql") {
        let mut versions: Vec<PathBuf> = entries.flatten().map(|e| e.path().join("bin")).collect();
        versions.sort();
        versions.reverse();
        dirs.extend(versions);
    }
    // /usr/local/bin may hold links to a version's folder: use the folder itself (createdb).
    dirs.into_iter()
        .find(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
        .and_then(|d| std::fs::canonicalize(d.join("initdb")).ok())
        .and_then(|initdb| initdb.parent().map(Path::to_path_buf))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn user_exists(name: &str) -> bool {
    Command::new("id")
        .arg(name)
        .output()
        .is_ok_and(|o| o.status.success())
}

impl PgServer {
    /// Starts a server, or prints why not and returns None when the binaries are missing.
    pub fn start(test: &str) -> Option<Self> {
        let Some(bin) = find_bin() else {
            println!("skipped: PostgreSQL binaries not found (initdb, pg_ctl on PATH or in /usr/lib/postgresql/*/bin); {test} ran on SQLite only");
            return None;
        };
        let user = is_root().then(|| {
            if user_exists("postgres") {
                "postgres".to_owned()
            } else {
                "nobody".to_owned()
            }
        });
        let dir = std::env::temp_dir().join(format!("lien-pg-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        if let Some(u) = &user {
            let ok = Command::new("chown")
                .arg(u)
                .arg(&dir)
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "chown {} to {u}", dir.display());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let server = Self {
            bin,
            dir,
            user,
            port,
        };
        let data = server.dir.join("data");
        server.run(
            "initdb",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-U".as_ref(),
                "lien".as_ref(),
                "-A".as_ref(),
                "trust".as_ref(),
                "-E".as_ref(),
                "UTF8".as_ref(),
                "--no-sync".as_ref(),
            ],
        );
        let options = format!(
            "-p {port} -h 127.0.0.1 -k {} -F -c max_connections=20",
            server.dir.display()
        );
        let log = server.dir.join("log");
        server.run(
            "pg_ctl",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-l".as_ref(),
                log.as_os_str(),
                "-w".as_ref(),
                "-o".as_ref(),
                options.as_ref(),
                "start".as_ref(),
            ],
        );
        Some(server)
    }

    fn command(&self, tool: &str) -> Command {
        let path = self.bin.join(tool);
        match &self.user {
            Some(u) => {
                let mut c = Command::new("runuser");
                c.args(["-u", u, "--"]).arg(path);
                c
            }
            None => Command::new(path),
        }
    }

    fn run(&self, tool: &str, args: &[&std::ffi::OsStr]) {
        let out = self
            .command(tool)
            .args(args)
            .current_dir(&self.dir)
            .output()
            .unwrap_or_else(|e| panic!("{tool}: {e}"));
        assert!(
            out.status.success(),
            "{tool} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A new empty database; its URL.
    pub fn database(&self, name: &str) -> String {
        let port = self.port.to_string();
        self.run(
            "createdb",
            &[
                "-h".as_ref(),
                "127.0.0.1".as_ref(),
                "-p".as_ref(),
                port.as_ref(),
                "-U".as_ref(),
                "lien".as_ref(),
                name.as_ref(),
            ],
        );
        format!("postgres://lien@127.0.0.1:{}/{name}", self.port)
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "-w", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
