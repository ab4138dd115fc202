#!/usr/bin/env bash
# The project's test command (README.md, .ci/run). Runs on a fresh machine with rustup, cargo
# and npm: the pinned toolchain and its wasm32 target come from rust-toolchain.toml, and the
# dev-node tests install Foundry's cast/anvil from the npm registry into .tools/.
set -euo pipefail
cd "$(dirname "$0")/.."

rustup show active-toolchain >/dev/null
rustup target add wasm32-unknown-unknown >/dev/null

# The contracts are built and packaged once, here, into this folder with a manifest of their
# sources' fingerprint; the packaging checks, the CLI tests and the end-to-end suite read the
# artifacts back from it (and `lien package` itself reuses them while the sources are unchanged).
export LIEN_STYLUS_DIR="$PWD/target/stylus"
started=$SECONDS
took() { echo "   ($1: $((SECONDS - phase)) s; $((SECONDS - started)) s in all)"; }

phase=$SECONDS
echo "== contracts: build for wasm32, package, check Nitro's rules, size table =="
cargo run --locked --quiet -p lien-cli -- package
took package

phase=$SECONDS
echo "== contracts: unit tests (motsu) =="
# One test thread: motsu 0.10 keeps one global storage map and can give up ("storage is
# locked") when test threads contend on a loaded 2-core machine.
cargo test --locked --manifest-path contracts/Cargo.toml -- --test-threads=1
took "contract unit tests"

phase=$SECONDS
echo "== host: lien-math, packaging, dev node, client, indexer, end to end =="
# The indexer's tests (crates/indexer/tests) start a throw-away PostgreSQL server when initdb and
# pg_ctl are found (on PATH or in /usr/lib/postgresql/*/bin; .ci/run installs Debian's package).
if command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "   (indexer: PostgreSQL binaries found: its tests run on SQLite and on a throw-away PostgreSQL server)"
else
  echo "   (indexer: skipped the PostgreSQL tests: PostgreSQL binaries not found (initdb, pg_ctl); they run on SQLite only — apt-get install postgresql)"
fi
cargo test --locked --workspace
took "host tests"
