//! Which key signs: `--key` (or `LIEN_PRIVATE_KEY`), an encrypted Ethereum keystore
//! (`--keystore FILE`, the password from `--password-file` or a hidden prompt, as Foundry's
//! `cast` does), or — only on the local dev node (chain 412346) — the Nitro dev key. Keystores
//! are decrypted by alloy's `LocalSigner::decrypt_keystore` (the `eth-keystore` crate: scrypt
//! or pbkdf2, AES-128-CTR, per the Web3 Secret Storage definition); no crypto is written here.
//! Nothing here prints or returns a key in a message.

use std::path::{Path, PathBuf};

use alloy::signers::local::PrivateKeySigner;
use stylus_devnode::{DEV_PRIVATE_KEY, NITRO_DEV_CHAIN_ID};

use crate::ctx::CliError;

/// Where the signing key comes from, as given on the command line.
#[derive(Clone, Debug, Default)]
pub struct KeySource {
    /// A raw private key (`--key`, `LIEN_PRIVATE_KEY`).
    pub key: Option<String>,
    /// An encrypted keystore file (`--keystore`, `LIEN_KEYSTORE`).
    pub keystore: Option<PathBuf>,
    /// A file holding the keystore's password (`--password-file`, `LIEN_PASSWORD_FILE`).
    pub password_file: Option<PathBuf>,
}

impl KeySource {
    /// Whether the user named a key (then no chain id is needed to pick one).
    pub fn is_given(&self) -> bool {
        self.key.is_some() || self.keystore.is_some()
    }

    /// The signer: the named key, or the Nitro dev key when `chain_id` is the local dev
    /// node's; on any other chain, a missing key is an error that says how to give one.
    pub fn signer(&self, chain_id: Option<u64>) -> Result<PrivateKeySigner, CliError> {
        if let Some(key) = &self.key {
            // The parser's message never contains the key itself.
            return key
                .trim()
                .parse()
                .map_err(|e| CliError::Key(format!("{e}")));
        }
        if let Some(path) = &self.keystore {
            let password = match &self.password_file {
                Some(file) => read_password_file(file)?,
                None => prompt_password(path)?,
            };
            return decrypt(path, &password);
        }
        match chain_id {
            Some(NITRO_DEV_CHAIN_ID) => DEV_PRIVATE_KEY
                .parse()
                .map_err(|e| CliError::Key(format!("{e}"))),
            Some(other) => Err(CliError::NoKey(other)),
            None => Err(CliError::NoKey(0)),
        }
    }
}

/// The password in `file`, without its trailing line break.
pub fn read_password_file(file: &Path) -> Result<String, CliError> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        CliError::Key(format!(
            "cannot read the password file {}: {e}",
            file.display()
        ))
    })?;
    Ok(text.trim_end_matches(['\n', '\r']).to_owned())
}

/// Asks for the keystore's password on the terminal without echoing it.
fn prompt_password(keystore: &Path) -> Result<String, CliError> {
    rpassword::prompt_password(format!("password for keystore {}: ", keystore.display())).map_err(
        |e| {
            CliError::Key(format!(
                "cannot read the password for {} from a terminal ({e}); pass --password-file FILE",
                keystore.display()
            ))
        },
    )
}

/// Decrypts the keystore at `path` with `password`.
pub fn decrypt(path: &Path, password: &str) -> Result<PrivateKeySigner, CliError> {
    if !path.is_file() {
        return Err(CliError::Key(format!(
            "no keystore file at {}",
            path.display()
        )));
    }
    PrivateKeySigner::decrypt_keystore(path, password).map_err(|e| {
        CliError::Key(format!(
            "cannot decrypt the keystore {} (wrong password, or not an Ethereum keystore): {e}",
            path.display()
        ))
    })
}
