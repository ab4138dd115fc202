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
//!
//! Deploying a set of programs of which some may be over one account (`lien deploy
//! --fragments`, [`crate::protocol::deploy_protocol_with`]): [`preflight`] decides each one's
//! [`Plan`] and checks, before anything is sent, that the over-limit ones fit ArbOS 60's
//! fragment limits and that the chain runs ArbOS 60 or later; [`deploy_planned`] then deploys
//! one program by its plan.

use std::io::Read;

use alloy::{
    network::TransactionBuilder,
    primitives::{address, Address, Bytes, U256},
    providers::Provider,
    rpc::types::TransactionRequest,
    sol,
    sol_types::SolCall,
};

use crate::deploy::{deploy_stylus, init_code, DeployError, Deployed};
use crate::package::{Artifact, MAX_COMPRESSED_BYTES, STYLUS_PREFIX};

/// The ArbSys precompile (its `arbOSVersion()` gives the chain's ArbOS version).
pub const ARB_SYS: Address = address!("0000000000000000000000000000000000000064");
/// What Nitro's `ArbSys.arbOSVersion()` adds to the ArbOS version (Nitro's numbering starts at 56).
pub const ARB_SYS_VERSION_OFFSET: u64 = 55;

sol! {
    /// The part of ArbSys deployment needs.
    interface IArbSys {
        function arbOSVersion() external view returns (uint256 version);
    }
}

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
    /// The code's brotli stream does not decompress.
    #[error("{0}: the compressed module does not decompress: {1}")]
    Brotli(String, String),
    /// The module decompresses to more than a root may declare on ArbOS 60.
    #[error("{0}: the module is over {MAX_FRAGMENTED_RAW_BYTES} bytes, ArbOS 60's limit for a multi-fragment program")]
    ModuleTooLarge(String),
    /// The program needs more fragments than a root may name.
    #[error("{name}: {code_len} B compressed needs {fragments} fragments; ArbOS 60 takes at most {MAX_FRAGMENTS} ({max} B)", max = MAX_FRAGMENTS * (MAX_COMPRESSED_BYTES - FRAGMENT_PREFIX.len()) + STYLUS_PREFIX.len())]
    TooManyFragments {
        /// The program.
        name: String,
        /// Its packaged code's length (`EF F0 00 00` + brotli).
        code_len: usize,
        /// How many fragments it would take.
        fragments: usize,
    },
    /// A program is over one account and the chain runs an ArbOS version without fragments.
    #[error("{name} is {code_len} B compressed, over one account ({MAX_COMPRESSED_BYTES} B): it needs ArbOS {FRAGMENTS_ARBOS_VERSION}'s multi-fragment programs, and the chain runs ArbOS {arbos} (a dev node: `lien node --arbos 60`)")]
    NeedsArbos60 {
        /// The program.
        name: String,
        /// Its packaged code's length.
        code_len: usize,
        /// The chain's ArbOS version.
        arbos: u64,
    },
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

    /// Splits packaged code (`EF F0 00 00` + brotli) without its module at hand: the length
    /// the root declares is found by decompressing the stream (at most
    /// [`MAX_FRAGMENTED_RAW_BYTES`] bytes are decompressed; a longer module is refused).
    pub fn from_code(name: &str, code: &[u8]) -> Result<Self, FragmentError> {
        let stream = code
            .strip_prefix(&STYLUS_PREFIX[..])
            .ok_or_else(|| FragmentError::NotStylus(name.to_owned()))?;
        let mut module = Vec::new();
        brotli::Decompressor::new(stream, 4096)
            .take(MAX_FRAGMENTED_RAW_BYTES as u64 + 1)
            .read_to_end(&mut module)
            .map_err(|e| FragmentError::Brotli(name.to_owned(), e.to_string()))?;
        if module.len() > MAX_FRAGMENTED_RAW_BYTES {
            return Err(FragmentError::ModuleTooLarge(name.to_owned()));
        }
        Self::split(&Artifact {
            package: name.to_owned(),
            wasm: module,
            code: code.to_vec(),
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

/// What to do with a program whose compressed code is over one account
/// ([`MAX_COMPRESSED_BYTES`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Oversize {
    /// Send it as it is: a node with a raised code-size limit takes it, Arbitrum refuses it.
    #[default]
    AsIs,
    /// Deploy it as ArbOS 60 fragments plus a root.
    Fragments,
}

/// How one program is deployed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    /// As one account, through the StylusDeployer.
    Single,
    /// As fragments plus a root ([`deploy_fragmented`]).
    Fragmented(Fragmented),
}

/// The plan of one program: fragments when `oversize` says so and its code is over one
/// account (and then within ArbOS 60's limits: [`Fragmented::within_limits`]), else one account.
pub fn plan(name: &str, code: &[u8], oversize: Oversize) -> Result<Plan, FragmentError> {
    if oversize == Oversize::AsIs || code.len() <= MAX_COMPRESSED_BYTES {
        return Ok(Plan::Single);
    }
    let program = Fragmented::from_code(name, code)?;
    if !program.within_limits() {
        return Err(FragmentError::TooManyFragments {
            name: name.to_owned(),
            code_len: code.len(),
            fragments: program.fragments.len(),
        });
    }
    Ok(Plan::Fragmented(program))
}

/// The chain's ArbOS version, from `ArbSys.arbOSVersion()` (minus Nitro's offset of 55).
pub async fn arbos_version(provider: &impl Provider) -> Result<u64, DeployError> {
    let call = TransactionRequest::default()
        .with_to(ARB_SYS)
        .with_input(IArbSys::arbOSVersionCall {}.abi_encode());
    let out = provider
        .call(call)
        .await
        .map_err(|e| DeployError::Rpc(format!("ArbSys.arbOSVersion(): {e}")))?;
    let version = IArbSys::arbOSVersionCall::abi_decode_returns(&out)
        .map_err(|e| DeployError::Rpc(format!("ArbSys.arbOSVersion(): {e}")))?;
    let version: u64 = version
        .checked_sub(U256::from(ARB_SYS_VERSION_OFFSET))
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| DeployError::Rpc(format!("ArbSys.arbOSVersion() = {version}")))?;
    Ok(version)
}

/// Plans every program of `programs` (name, packaged code) under `oversize` before anything
/// is sent: an over-limit program must fit ArbOS 60's fragment limits, and when any program
/// is to be fragmented the chain must run ArbOS 60 or later (asked once, through ArbSys).
/// Returns the plans in the programs' order.
pub async fn preflight(
    provider: &impl Provider,
    programs: &[(&str, &[u8])],
    oversize: Oversize,
) -> Result<Vec<Plan>, DeployError> {
    let plans = programs
        .iter()
        .map(|(name, code)| plan(name, code, oversize))
        .collect::<Result<Vec<_>, _>>()?;
    let first_split = programs
        .iter()
        .zip(&plans)
        .find(|(_, p)| matches!(p, Plan::Fragmented(_)));
    if let Some(((name, code), _)) = first_split {
        let arbos = arbos_version(provider).await?;
        if arbos < FRAGMENTS_ARBOS_VERSION {
            return Err(FragmentError::NeedsArbos60 {
                name: (*name).to_owned(),
                code_len: code.len(),
                arbos,
            }
            .into());
        }
    }
    Ok(plans)
}

/// A deployed program, in one account or in fragments.
#[derive(Clone, Debug)]
pub struct DeployedProgram {
    /// The program (for a multi-fragment one, its root), as deployed by the StylusDeployer.
    pub program: Deployed,
    /// The fragments' addresses, in order (empty for a program in one account).
    pub fragments: Vec<Address>,
    /// Gas of the fragments' deployment transactions (0 for a program in one account).
    pub fragments_gas: u64,
}

/// Deploys `code` by its `plan` (from [`plan`] or [`preflight`]): through the StylusDeployer
/// ([`deploy_stylus`]) or as fragments plus a root ([`deploy_fragmented`]); `constructor` as
/// there.
pub async fn deploy_planned(
    provider: &impl Provider,
    name: &str,
    code: &[u8],
    plan: &Plan,
    constructor: Option<Bytes>,
) -> Result<DeployedProgram, DeployError> {
    Ok(match plan {
        Plan::Single => DeployedProgram {
            program: deploy_stylus(provider, name, code, constructor).await?,
            fragments: Vec::new(),
            fragments_gas: 0,
        },
        Plan::Fragmented(program) => {
            let d = deploy_fragmented(provider, name, program, constructor).await?;
            DeployedProgram {
                program: d.root,
                fragments: d.fragments,
                fragments_gas: d.fragments_gas,
            }
        }
    })
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

    /// A module of `len` pseudo-random bytes (incompressible) and its packaged code.
    fn packaged(len: usize) -> (Vec<u8>, Vec<u8>) {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let wasm: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect();
        let code = crate::package::compress_with_prefix(&wasm);
        (wasm, code)
    }

    #[test]
    fn from_code_finds_the_module_length_by_decompressing() {
        let (wasm, code) = packaged(30_000);
        assert!(code.len() > MAX_COMPRESSED_BYTES);
        let from_code = Fragmented::from_code("big", &code).expect("split");
        let from_artifact = Fragmented::split(&Artifact {
            package: "big".into(),
            wasm: wasm.clone(),
            code: code.clone(),
        })
        .expect("split");
        assert_eq!(from_code, from_artifact);
        assert_eq!(from_code.decompressed_len as usize, wasm.len());
        // Not Stylus code; a stream that does not decompress; a module over 256 KiB.
        assert_eq!(
            Fragmented::from_code("evm", &[0x60, 0x00]),
            Err(FragmentError::NotStylus("evm".into()))
        );
        let mut broken = code[..4].to_vec();
        broken.extend_from_slice(&[0xFF; 64]);
        assert!(matches!(
            Fragmented::from_code("broken", &broken),
            Err(FragmentError::Brotli(name, _)) if name == "broken"
        ));
        let zeros = crate::package::compress_with_prefix(&vec![0; MAX_FRAGMENTED_RAW_BYTES + 1]);
        assert_eq!(
            Fragmented::from_code("zeros", &zeros),
            Err(FragmentError::ModuleTooLarge("zeros".into()))
        );
    }

    #[test]
    fn plans_split_only_programs_over_one_account_when_asked() {
        let (_, small) = packaged(10_000);
        let (_, big) = packaged(30_000);
        let (_, huge) = packaged(60_000);
        assert_eq!(plan("s", &small, Oversize::Fragments), Ok(Plan::Single));
        assert_eq!(plan("b", &big, Oversize::AsIs), Ok(Plan::Single));
        match plan("b", &big, Oversize::Fragments) {
            Ok(Plan::Fragmented(f)) => {
                assert_eq!(f.fragments.len(), 2);
                assert_eq!(f, Fragmented::from_code("b", &big).unwrap());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            plan("h", &huge, Oversize::Fragments),
            Err(FragmentError::TooManyFragments {
                name: "h".into(),
                code_len: huge.len(),
                fragments: 3,
            })
        );
        let message = plan("h", &huge, Oversize::Fragments)
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            format!(
                "h: {} B compressed needs 3 fragments; ArbOS 60 takes at most 2 (49150 B)",
                huge.len()
            )
        );
    }
}
