//! Running the built `lien` binary from the CLI's integration tests.

use std::{path::Path, process::Command};

/// One `lien` run: whether it exited 0, and stdout followed by stderr.
pub struct Run {
    /// Exit status 0.
    pub ok: bool,
    /// stdout then stderr.
    pub out: String,
}

/// Runs `lien --rpc-url url --deployment deployment [--key key] args…` (never the ambient
/// `LIEN_PRIVATE_KEY`) and echoes the command and its output.
pub fn lien(url: &str, deployment: &Path, key: Option<&str>, args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lien"));
    cmd.arg("--rpc-url")
        .arg(url)
        .arg("--deployment")
        .arg(deployment)
        .env_remove("LIEN_PRIVATE_KEY");
    if let Some(k) = key {
        cmd.arg("--key").arg(k);
    }
    let output = cmd.args(args).output().expect("the lien binary runs");
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    println!("$ lien {}\n{out}", args.join(" "));
    Run {
        ok: output.status.success(),
        out,
    }
}

/// The output of a run that must succeed.
pub fn must(r: Run) -> String {
    assert!(r.ok, "command failed:\n{}", r.out);
    r.out
}
