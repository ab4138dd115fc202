//! Never-built placeholder; see Cargo.toml.
compile_error!("c-kzg 2.x is replaced by a placeholder in this workspace: do not enable revm's `c-kzg` feature");
