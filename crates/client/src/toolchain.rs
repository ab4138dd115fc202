//! What building the contracts needs from the machine, ensured the way `scripts/test.sh` does
//! it: the wasm32 target of the pinned toolchain (`rust-toolchain.toml`). rustup does not add
//! a toolchain file's `targets` to a toolchain that is already installed, so a machine with
//! 1.95.0 but without its wasm32 target would otherwise fail with "can't find crate for
//! `core`".

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

use crate::package::PackageError;

/// The target every contract is built for.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The toolchain `rust-toolchain.toml` at `root` pins (its `channel`), if any.
pub fn pinned_toolchain(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join("rust-toolchain.toml")).ok()?;
    text.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        (key.trim() == "channel").then(|| value.trim().trim_matches('"').to_owned())
    })
}

/// Whether `target` is among the lines of `rustup target list --installed`.
pub fn listed(installed: &str, target: &str) -> bool {
    installed.lines().any(|line| line.trim() == target)
}

/// The one command that installs the wasm32 target of `toolchain`.
pub fn fix_command(toolchain: &str) -> String {
    format!("rustup target add {WASM_TARGET} --toolchain {toolchain}")
}

/// Makes sure the pinned toolchain of the workspace at `root` has the wasm32 target: adds it
/// with rustup when missing, or fails with the one command that fixes it. Does nothing when
/// there is no toolchain file or no rustup (a toolchain managed otherwise is the user's).
pub fn ensure_wasm_target(root: &Path) -> Result<(), PackageError> {
    let Some(toolchain) = pinned_toolchain(root) else {
        return Ok(());
    };
    ensure_wasm_target_with(&OsString::from("rustup"), &toolchain)
}

/// As [`ensure_wasm_target`] with an explicit rustup binary and toolchain.
pub fn ensure_wasm_target_with(rustup: &OsString, toolchain: &str) -> Result<(), PackageError> {
    let fix = fix_command(toolchain);
    let listing = match Command::new(rustup)
        .args(["target", "list", "--installed", "--toolchain", toolchain])
        .output()
    {
        Ok(out) => out,
        // No rustup: the toolchain is managed some other way; cargo will say what is missing.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(PackageError::Setup(format!(
                "running rustup: {e}; run: {fix}"
            )))
        }
    };
    if !listing.status.success() {
        return Err(PackageError::Setup(format!(
            "the pinned toolchain {toolchain} is not usable ({}); run: rustup toolchain install {toolchain} --profile minimal --target {WASM_TARGET}",
            String::from_utf8_lossy(&listing.stderr).trim()
        )));
    }
    if listed(&String::from_utf8_lossy(&listing.stdout), WASM_TARGET) {
        return Ok(());
    }
    eprintln!("the {WASM_TARGET} target of toolchain {toolchain} is missing; running `{fix}` …");
    let added = Command::new(rustup)
        .args(["target", "add", WASM_TARGET, "--toolchain", toolchain])
        .status();
    match added {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(PackageError::Setup(format!(
            "`{fix}` failed ({status}); run it yourself once the network reaches static.rust-lang.org"
        ))),
        Err(e) => Err(PackageError::Setup(format!("running rustup: {e}; run: {fix}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_pinned_channel() {
        let dir = std::env::temp_dir().join(format!("lien-toolchain-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("rust-toolchain.toml"),
            "[toolchain]\nchannel = \"1.95.0\"\ntargets = [\"wasm32-unknown-unknown\"]\n",
        )
        .unwrap();
        assert_eq!(pinned_toolchain(&dir).as_deref(), Some("1.95.0"));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(pinned_toolchain(&dir), None);
    }

    #[test]
    fn finds_the_target_in_the_listing() {
        assert!(listed(
            "wasm32-unknown-unknown\nx86_64-unknown-linux-gnu\n",
            WASM_TARGET
        ));
        assert!(!listed("x86_64-unknown-linux-gnu\n", WASM_TARGET));
        assert!(!listed("wasm32-unknown-unknown-extra\n", WASM_TARGET));
    }

    /// A stand-in for rustup: answers `target list` from `$dir/installed` and records every
    /// call in `$dir/log`; `target add` appends to `installed` unless `$dir/offline` exists.
    #[cfg(unix)]
    fn fake_rustup(dir: &Path) -> OsString {
        use std::os::unix::fs::PermissionsExt;
        let script = dir.join("rustup");
        let d = dir.display();
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\necho \"$@\" >> {d}/log\ncase \"$2\" in\n  list) cat {d}/installed ;;\n  add) [ -e {d}/offline ] && {{ echo 'error: could not download' >&2; exit 1; }}; echo \"$3\" >> {d}/installed ;;\nesac\n"
            ),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        script.into_os_string()
    }

    #[cfg(unix)]
    #[test]
    fn adds_a_missing_target_or_names_the_fix() {
        let dir = std::env::temp_dir().join(format!("lien-fake-rustup-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let rustup = fake_rustup(&dir);
        let log = || std::fs::read_to_string(dir.join("log")).unwrap_or_default();

        // installed already: only the listing runs
        std::fs::write(
            dir.join("installed"),
            "x86_64-unknown-linux-gnu\nwasm32-unknown-unknown\n",
        )
        .unwrap();
        ensure_wasm_target_with(&rustup, "1.95.0").expect("present");
        assert_eq!(log(), "target list --installed --toolchain 1.95.0\n");

        // missing: rustup adds it for the pinned toolchain
        std::fs::write(dir.join("installed"), "x86_64-unknown-linux-gnu\n").unwrap();
        std::fs::remove_file(dir.join("log")).unwrap();
        ensure_wasm_target_with(&rustup, "1.95.0").expect("added");
        assert!(
            log().ends_with("target add wasm32-unknown-unknown --toolchain 1.95.0\n"),
            "{}",
            log()
        );
        assert!(listed(
            &std::fs::read_to_string(dir.join("installed")).unwrap(),
            WASM_TARGET
        ));

        // missing and rustup cannot download it: the error is the one command that fixes it
        std::fs::write(dir.join("installed"), "x86_64-unknown-linux-gnu\n").unwrap();
        std::fs::write(dir.join("offline"), "").unwrap();
        let err = ensure_wasm_target_with(&rustup, "1.95.0")
            .expect_err("offline")
            .to_string();
        assert!(
            err.contains("rustup target add wasm32-unknown-unknown --toolchain 1.95.0"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(&dir);

        // no rustup at all: nothing to ensure
        ensure_wasm_target_with(&OsString::from("/nonexistent/rustup"), "1.95.0")
            .expect("no rustup");
    }
}
