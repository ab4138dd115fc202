//! Deployment of packaged Stylus code to any JSON-RPC node: through the StylusDeployer
//! (CREATE, activation paid with the estimated data fee, optional constructor call, refund of
//! the excess), exactly as `cargo stylus deploy` does on Arbitrum.

use alloy::{
    network::TransactionBuilder,
    primitives::{address, Address, Bytes, B256, U256},
    providers::Provider,
    rpc::types::{state::AccountOverride, state::StateOverride, TransactionRequest},
    sol,
    sol_types::{SolCall, SolEvent},
};

/// The StylusDeployer at its canonical address.
pub const STYLUS_DEPLOYER: Address = address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");
/// The ArbWasm precompile.
pub const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");
/// Selector of an SDK `#[constructor]` (the deployer calls it with the constructor's arguments).
pub const CONSTRUCTOR_SELECTOR: [u8; 4] = [0x55, 0x85, 0x25, 0x8d];

sol! {
    /// The StylusDeployer's ABI.
    interface IStylusDeployer {
        function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt) external payable returns (address);
        event ContractDeployed(address deployedContract);
    }
    /// The part of ArbWasm deployment needs.
    interface IArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
        function stylusVersion() external view returns (uint16 version);
    }
}

/// What can go wrong while deploying.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// The node refused or failed a request.
    #[error("rpc: {0}")]
    Rpc(String),
    /// The deployment transaction reverted.
    #[error("the deployment of {0} reverted (tx {1})")]
    Reverted(String, B256),
    /// The receipt carries no `ContractDeployed` event.
    #[error("no ContractDeployed event in tx {0}")]
    NoAddress(B256),
    /// A program over one account cannot be deployed as fragments (limits, chain version).
    #[error(transparent)]
    Fragments(#[from] crate::fragments::FragmentError),
}

/// A deployed contract.
#[derive(Clone, Debug)]
pub struct Deployed {
    /// Its address.
    pub address: Address,
    /// The deployment transaction.
    pub tx_hash: B256,
    /// Gas used by the deployment transaction (create, activation, constructor).
    pub gas_used: u64,
}

/// The 43-byte init code prelude followed by `code`: it copies `code` to memory and returns it.
/// `PUSH32 len, DUP1, PUSH1 43, PUSH1 0, CODECOPY, PUSH1 0, RETURN`, then the version byte 0.
pub fn init_code(code: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(43 + code.len());
    out.push(0x7f);
    out.extend_from_slice(&U256::from(code.len()).to_be_bytes::<32>());
    out.extend_from_slice(&[0x80, 0x60, 0x2b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00]);
    out.extend_from_slice(code);
    out
}

/// Calldata of an SDK constructor: its selector followed by the ABI-encoded arguments.
pub fn constructor_calldata(abi_args: &[u8]) -> Bytes {
    let mut data = CONSTRUCTOR_SELECTOR.to_vec();
    data.extend_from_slice(abi_args);
    data.into()
}

fn rpc(e: impl std::fmt::Display) -> DeployError {
    DeployError::Rpc(e.to_string())
}

/// The data fee of activating `code`, estimated like cargo-stylus: `eth_call` of
/// `activateProgram` with the code placed at a scratch address by a state override, plus 20%.
/// Zero when code with the same hash is already active at the current Stylus version (the
/// StylusDeployer then skips activation, and `activateProgram` would fail `ProgramUpToDate`).
pub async fn estimate_activation_fee(
    provider: &impl Provider,
    code: &[u8],
) -> Result<U256, DeployError> {
    let query = TransactionRequest::default().with_to(ARB_WASM).with_input(
        IArbWasm::codehashVersionCall {
            codehash: alloy::primitives::keccak256(code),
        }
        .abi_encode(),
    );
    let current = TransactionRequest::default()
        .with_to(ARB_WASM)
        .with_input(IArbWasm::stylusVersionCall {}.abi_encode());
    // codehashVersion reverts unless the code is active and up to date; compare anyway.
    if let (Ok(active), Ok(version)) = (provider.call(query).await, provider.call(current).await) {
        let active = IArbWasm::codehashVersionCall::abi_decode_returns(&active).ok();
        let version = IArbWasm::stylusVersionCall::abi_decode_returns(&version).ok();
        if active.is_some() && active == version {
            return Ok(U256::ZERO);
        }
    }
    let scratch = address!("00000000000000000000000000000000005c7a7c");
    let caller = address!("00000000000000000000000000000000005c7a7d");
    let mut overrides = StateOverride::default();
    overrides.insert(
        scratch,
        AccountOverride {
            code: Some(code.to_vec().into()),
            ..Default::default()
        },
    );
    overrides.insert(
        caller,
        AccountOverride {
            balance: Some(U256::MAX >> 8),
            ..Default::default()
        },
    );
    let call = TransactionRequest::default()
        .with_from(caller)
        .with_to(ARB_WASM)
        .with_value(U256::from(10u64).pow(U256::from(18u64)))
        .with_input(IArbWasm::activateProgramCall { program: scratch }.abi_encode());
    let out = provider
        .call(call)
        .overrides(overrides)
        .await
        .map_err(rpc)?;
    let reply = IArbWasm::activateProgramCall::abi_decode_returns(&out).map_err(rpc)?;
    Ok(reply.dataFee + reply.dataFee / U256::from(5u64))
}

/// Deploys packaged Stylus `code` through the StylusDeployer, paying the estimated activation
/// fee (the deployer refunds what activation does not use), and calls the constructor with
/// `constructor` (from [`constructor_calldata`]) when given.
pub async fn deploy_stylus(
    provider: &impl Provider,
    name: &str,
    code: &[u8],
    constructor: Option<Bytes>,
) -> Result<Deployed, DeployError> {
    let fee = estimate_activation_fee(provider, code).await?;
    let input = IStylusDeployer::deployCall {
        bytecode: init_code(code).into(),
        initData: constructor.unwrap_or_default(),
        initValue: U256::ZERO,
        salt: B256::ZERO,
    };
    let tx = TransactionRequest::default()
        .with_to(STYLUS_DEPLOYER)
        .with_value(fee)
        .with_input(input.abi_encode());
    let receipt = provider
        .send_transaction(tx)
        .await
        .map_err(rpc)?
        .get_receipt()
        .await
        .map_err(rpc)?;
    let tx_hash = receipt.transaction_hash;
    if !receipt.status() {
        return Err(DeployError::Reverted(name.to_owned(), tx_hash));
    }
    let address = receipt
        .inner
        .logs()
        .iter()
        .filter(|log| log.address() == STYLUS_DEPLOYER)
        .find_map(|log| IStylusDeployer::ContractDeployed::decode_log_data(log.data()).ok())
        .map(|event| event.deployedContract)
        .ok_or(DeployError::NoAddress(tx_hash))?;
    Ok(Deployed {
        address,
        tx_hash,
        gas_used: receipt.gas_used,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prelude_returns_the_code() {
        let code = [0xEF, 0xF0, 0x00, 0x00, 1, 2, 3];
        let init = init_code(&code);
        assert_eq!(init.len(), 43 + code.len());
        assert_eq!(init[0], 0x7f);
        assert_eq!(U256::from_be_slice(&init[1..33]), U256::from(code.len()));
        assert_eq!(init[35], 0x2b, "code starts at byte 43");
        assert_eq!(&init[43..], &code);
        assert_eq!(
            &constructor_calldata(&[9])[..],
            &[0x55, 0x85, 0x25, 0x8d, 9]
        );
    }
}
