//! ArbOS 60 multi-fragment programs: a program whose compressed code does not fit one account
//! (24,576 bytes, prefix included) is split into fragments — `EF F0 01` followed by a slice
//! of the brotli stream, each at most the code-size limit — and a root, `EF F0 02 <dict>`,
//! the decompressed length as a big-endian u32, then the fragments' addresses in order. The
//! node concatenates the slices and decompresses them when the root is activated; calling the
//! root runs the program.
//!
//! Deployment ([`deploy_fragmented`]): each fragment by a plain CREATE (the 43-byte prelude),
//! then the root through the StylusDeployer, which activates it (paying the data fee
//! estimated like cargo-stylus) and calls the constructor when given.

use alloy::{
    network::TransactionBuilder,
    primitives::{Address, Bytes},
    providers::Provider,
    rpc::types::TransactionRequest,
};

use crate::deploy::{deploy_stylus, init_code, DeployError, Deployed};
use crate::package::{Artifact, MAX_COMPRESSED_BYTES, STYLUS_PREFIX};

/// `EF F0 01`: the prefix of a fragment.
pub const FRAGMENT_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x01];
/// `EF F0 02`: the prefix of a root (the dictionary byte follows).
pub const ROOT_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x02];
/// Most fragments a root may name (Nitro's `MaxFragmentCount` from ArbOS 60).
pub const MAX_FRAGMENTS: usize = 2;
/// Largest module a root may declare on ArbOS 60 (`MaxWasmSize`).
pub const MAX_FRAGMENTED_RAW_BYTES: usize = 256 * 1024;
/// The first ArbOS version with multi-fragment programs.
pub const FRAGMENTS_ARBOS_VERSION: u64 = 60;

/// A program split for deployment as fragments plus a root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fragmented {
    /// The brotli dictionary byte of the stream (0: none).
    pub dictionary: u8,
    /// Length of the module the fragments decompress to (what the root declares).
    pub decompressed_len: u32,
    /// Deployable fragment codes, in order, each at most [`MAX_COMPRESSED_BYTES`].
    pub fragments: Vec<Vec<u8>>,
}

/// Why a program cannot be split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FragmentError {
    /// The code is not a classic Stylus program (`EF F0 00 00` + brotli).
    #[error("{0}: not classic Stylus code (EF F0 00 00)")]
    NotStylus(String),
    /// The module is longer than a root can declare.
    #[error("{0}: module of {1} bytes is longer than a root can declare")]
    TooLong(String, usize),
}

impl Fragmented {
    /// Splits a packaged program: its brotli stream (the code without `EF F0 00 00`) in
    /// slices of `MAX_COMPRESSED_BYTES − 3`, each behind `EF F0 01`.
    pub fn split(artifact: &Artifact) -> Result<Self, FragmentError> {
        let name = &artifact.package;
        let stream = artifact
            .code
            .strip_prefix(&STYLUS_PREFIX[..])
            .ok_or_else(|| FragmentError::NotStylus(name.clone()))?;
        let decompressed_len = u32::try_from(artifact.wasm.len())
            .map_err(|_| FragmentError::TooLong(name.clone(), artifact.wasm.len()))?;
        let fragments = stream
            .chunks(MAX_COMPRESSED_BYTES - FRAGMENT_PREFIX.len())
            .map(|slice| [&FRAGMENT_PREFIX[..], slice].concat())
            .collect();
        Ok(Self {
            dictionary: STYLUS_PREFIX[3],
            decompressed_len,
            fragments,
        })
    }

    /// The root naming the deployed fragments at `addresses` (in the fragments' order).
    pub fn root(&self, addresses: &[Address]) -> Vec<u8> {
        let mut code = Vec::with_capacity(8 + 20 * addresses.len());
        code.extend_from_slice(&ROOT_PREFIX);
        code.push(self.dictionary);
        code.extend_from_slice(&self.decompressed_len.to_be_bytes());
        for a in addresses {
            code.extend_from_slice(a.as_slice());
        }
        code
    }

    /// Whether ArbOS 60 activates it: at most [`MAX_FRAGMENTS`] fragments, each within the
    /// code-size limit, and a module of at most [`MAX_FRAGMENTED_RAW_BYTES`].
    pub fn within_limits(&self) -> bool {
        !self.fragments.is_empty()
            && self.fragments.len() <= MAX_FRAGMENTS
            && self
                .fragments
                .iter()
                .all(|f| f.len() <= MAX_COMPRESSED_BYTES)
            && self.decompressed_len as usize <= MAX_FRAGMENTED_RAW_BYTES
    }

    /// The brotli stream the fragments carry, in order (what the node decompresses).
    pub fn stream(&self) -> Vec<u8> {
        self.fragments
            .iter()
            .flat_map(|f| f[FRAGMENT_PREFIX.len()..].iter().copied())
            .collect()
    }
}

/// A deployed multi-fragment program.
#[derive(Clone, Debug)]
pub struct DeployedFragmented {
    /// The root (the program's address), as deployed and activated by the StylusDeployer.
    pub root: Deployed,
    /// The fragments' addresses, in order.
    pub fragments: Vec<Address>,
    /// Gas of the fragments' deployment transactions.
    pub fragments_gas: u64,
}

/// Deploys a split program: every fragment by a plain CREATE, then the root through the
/// StylusDeployer (activation with the estimated fee, then `constructor` when given).
pub async fn deploy_fragmented(
    provider: &impl Provider,
    name: &str,
    program: &Fragmented,
    constructor: Option<Bytes>,
) -> Result<DeployedFragmented, DeployError> {
    let mut fragments = Vec::with_capacity(program.fragments.len());
    let mut fragments_gas = 0;
    for (i, code) in program.fragments.iter().enumerate() {
        let tx = TransactionRequest::default().with_deploy_code(Bytes::from(init_code(code)));
        let receipt = provider
            .send_transaction(tx)
            .await
            .map_err(|e| DeployError::Rpc(e.to_string()))?
            .get_receipt()
            .await
            .map_err(|e| DeployError::Rpc(e.to_string()))?;
        if !receipt.status() {
            return Err(DeployError::Reverted(
                format!("{name} fragment {i}"),
                receipt.transaction_hash,
            ));
        }
        let address = receipt
            .contract_address
            .ok_or(DeployError::NoAddress(receipt.transaction_hash))?;
        fragments_gas += receipt.gas_used;
        fragments.push(address);
    }
    let root = deploy_stylus(provider, name, &program.root(&fragments), constructor).await?;
    Ok(DeployedFragmented {
        root,
        fragments,
        fragments_gas,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn artifact(stream_len: usize) -> Artifact {
        let mut code = STYLUS_PREFIX.to_vec();
        code.extend((0..stream_len).map(|i| (i % 251) as u8));
        Artifact {
            package: "big".into(),
            wasm: vec![0; 100_000],
            code,
        }
    }

    #[test]
    fn splits_into_slices_within_the_code_size_and_encodes_the_root() {
        let a = artifact(30_000);
        let f = Fragmented::split(&a).expect("split");
        assert_eq!(f.fragments.len(), 2);
        assert_eq!(f.fragments[0].len(), MAX_COMPRESSED_BYTES);
        assert_eq!(
            f.fragments[1].len(),
            3 + 30_000 - (MAX_COMPRESSED_BYTES - 3)
        );
        assert!(f.fragments.iter().all(|c| c.starts_with(&FRAGMENT_PREFIX)));
        assert_eq!(f.stream(), a.code[4..].to_vec());
        assert!(f.within_limits());
        let (x, y) = (Address::repeat_byte(1), Address::repeat_byte(2));
        let root = f.root(&[x, y]);
        assert_eq!(&root[..8], &[0xEF, 0xF0, 0x02, 0, 0, 1, 0x86, 0xA0]);
        assert_eq!(&root[8..28], x.as_slice());
        assert_eq!(&root[28..], y.as_slice());
        // Three fragments, or a module above 256 KiB, are over ArbOS 60's limits.
        assert!(!Fragmented::split(&artifact(2 * 24_573 + 1))
            .unwrap()
            .within_limits());
        let mut long = artifact(1_000);
        long.wasm = vec![0; MAX_FRAGMENTED_RAW_BYTES + 1];
        assert!(!Fragmented::split(&long).unwrap().within_limits());
        let mut evm = artifact(10);
        evm.code[2] = 0x02;
        assert!(matches!(
            Fragmented::split(&evm),
            Err(FragmentError::NotStylus(_))
        ));
    }
}
