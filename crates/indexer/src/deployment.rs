//! The deployment file the indexer follows (`deployments/<network>.json`, written by
//! `lien deploy`): its chain, its contracts and the block its deployment began at
//! (`startBlock`, 0 when the file predates it).

use std::path::Path;

use lien_client::protocol::Addresses;
use serde::Deserialize;

/// What the indexer reads from a deployment file.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentFile {
    /// Chain id.
    pub chain_id: u64,
    /// Protocol contracts.
    pub contracts: Addresses,
    /// The first block worth indexing (no protocol log is older).
    #[serde(default)]
    pub start_block: u64,
}

/// A deployment file that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("deployment file {path}: {reason}")]
pub struct DeploymentError {
    /// The file.
    pub path: String,
    /// Why it cannot be read.
    pub reason: String,
}

/// Reads a deployment file.
pub fn load(path: &Path) -> Result<DeploymentFile, DeploymentError> {
    let err = |reason: String| DeploymentError {
        path: path.display().to_string(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| err(e.to_string()))
}
