//! The gas snapshot: runs the CI-sized `lien bench gas --check-snapshot` (every user operation
//! with the protocol's programs cached and uncached, each on a fresh embedded dev node, and
//! the flat-scaling check with 1 and 20 loans in the book) and fails when any figure differs
//! from docs/gas-snapshot.json by more than 2 % either way, or when the scaling is not flat.
//! The command prints the old/new/diff table and the one command that rewrites the snapshot
//! (`cargo run -p lien-cli -- bench gas --update-snapshot`).
//!
//! The contracts are read from the packaged artifacts (target/stylus or $LIEN_STYLUS_DIR),
//! packaged first when the sources changed, as every end-to-end test does.

use std::process::Command;

#[test]
fn gas_matches_the_snapshot_within_two_percent() {
    let started = std::time::Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_lien"))
        .args(["bench", "gas", "--check-snapshot"])
        .output()
        .expect("run lien bench gas");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        out.status.success(),
        "lien bench gas --check-snapshot failed after {:.0} s:\n{stderr}\n\
         (the table above compares docs/gas-snapshot.json with this run; if the change is \
         intended, run `cargo run -p lien-cli -- bench gas --update-snapshot` and commit \
         docs/gas-snapshot.json)",
        started.elapsed().as_secs_f64()
    );
    assert!(
        stdout.contains("snapshot") && stdout.contains("CI-sized scaling check"),
        "the check did not run:\n{stdout}"
    );
}
