//! Genesis state: the funded dev account, Arbitrum precompile markers and the system
//! contracts at their canonical addresses.

use crate::{config::NodeConfig, executor::ChainDb};
use alloy::primitives::{address, Address, U256};
use revm::{bytecode::Bytecode, state::AccountInfo};

/// Arbitrum precompile addresses that carry the code `0xFE` (ArbSys 0x64 … 0x74, ArbDebug 0xff),
/// so that `EXTCODESIZE` is 1 and `eth_getCode` is non-empty, as on Nitro.
pub fn arbitrum_precompile_addresses() -> Vec<Address> {
    let mut out: Vec<Address> = (0x64u8..=0x74).map(low_address).collect();
    out.push(low_address(0xff));
    out
}

fn low_address(last: u8) -> Address {
    let mut bytes = [0u8; 20];
    bytes[19] = last;
    Address::from(bytes)
}

/// The deterministic-deployment (CREATE2) factory address used across EVM chains.
pub const CREATE2_FACTORY: Address = address!("0x4e59b44847b379578588920ca78fbf26c0b4956c");

/// StylusDeployer's canonical address. Its behaviour is native (implemented by the Stylus
/// runtime); genesis only gives it the marker code `0xFE` so the account exists.
pub const STYLUS_DEPLOYER: Address = address!("0xcEcba2F1DC234f70Dd89F2041029807F8D03A990");

/// The CacheManager (Arbitrum's bid/evict auction for the Stylus program cache). Its
/// behaviour is native (`stylus_vm::system::cache_manager`); genesis gives it the marker code,
/// its initial storage and its registration as a cache manager with ArbWasmCache.
pub const CACHE_MANAGER: Address = stylus_vm::params::CACHE_MANAGER;

/// Runtime code of our CREATE2 factory, assembled by hand (written for this project).
///
/// Input: `salt (32 bytes) ‖ init code`; the call value is forwarded to the new contract.
/// Output: the 20-byte address of the new contract. A failed creation reverts with the
/// init code's revert data; input shorter than 32 bytes reverts empty.
pub const CREATE2_FACTORY_CODE: [u8; 47] = [
    0x60, 0x20, // 00 PUSH1 32           [32]
    0x36, //       02 CALLDATASIZE       [cds, 32]
    0x10, //       03 LT                 [cds < 32]
    0x60, 0x2b, // 04 PUSH1 0x2b         [bad_input, cds<32]
    0x57, //       06 JUMPI              []
    0x60, 0x20, // 07 PUSH1 32           [32]
    0x36, //       09 CALLDATASIZE       [cds, 32]
    0x03, //       0a SUB                [len = cds - 32]
    0x80, //       0b DUP1               [len, len]
    0x60, 0x20, // 0c PUSH1 32           [32, len, len]
    0x5f, //       0e PUSH0              [0, 32, len, len]
    0x37, //       0f CALLDATACOPY       mem[0..len] = calldata[32..]; [len]
    0x5f, //       10 PUSH0              [0, len]
    0x35, //       11 CALLDATALOAD       [salt, len]
    0x90, //       12 SWAP1              [len, salt]
    0x5f, //       13 PUSH0              [0, len, salt]
    0x34, //       14 CALLVALUE          [value, 0, len, salt]
    0xf5, //       15 CREATE2            [addr]
    0x80, //       16 DUP1               [addr, addr]
    0x60, 0x21, // 17 PUSH1 0x21         [created, addr, addr]
    0x57, //       19 JUMPI              [addr]  (jump when addr != 0)
    0x3d, //       1a RETURNDATASIZE     [rds, 0]
    0x5f, //       1b PUSH0              [0, rds, 0]
    0x5f, //       1c PUSH0              [0, 0, rds, 0]
    0x3e, //       1d RETURNDATACOPY     mem[0..rds] = returndata; [0]
    0x3d, //       1e RETURNDATASIZE     [rds, 0]
    0x5f, //       1f PUSH0              [0, rds, 0]
    0xfd, //       20 REVERT             revert(mem[0..rds])
    0x5b, //       21 JUMPDEST created   [addr]
    0x60, 0x60, // 22 PUSH1 96           [96, addr]
    0x1b, //       24 SHL                [addr << 96]
    0x5f, //       25 PUSH0              [0, addr << 96]
    0x52, //       26 MSTORE             mem[0..32] = addr << 96; []
    0x60, 0x14, // 27 PUSH1 20           [20]
    0x5f, //       29 PUSH0              [0, 20]
    0xf3, //       2a RETURN             return(mem[0..20])
    0x5b, //       2b JUMPDEST bad_input []
    0x5f, //       2c PUSH0              [0]
    0x5f, //       2d PUSH0              [0, 0]
    0xfd, //       2e REVERT             revert(empty)
];

/// The marker code of precompiles and natively implemented system contracts.
pub const MARKER_CODE: [u8; 1] = [0xFE];

/// Builds the genesis state for `config`.
pub fn genesis_state(config: &NodeConfig) -> ChainDb {
    let mut db = ChainDb::default();
    fund(&mut db, crate::config::DEV_ACCOUNT, config.dev_balance);
    for (account, balance) in &config.extra_accounts {
        fund(&mut db, *account, *balance);
    }
    for addr in arbitrum_precompile_addresses() {
        set_code(&mut db, addr, &MARKER_CODE);
    }
    set_code(&mut db, STYLUS_DEPLOYER, &MARKER_CODE);
    set_code(&mut db, CACHE_MANAGER, &MARKER_CODE);
    set_code(&mut db, CREATE2_FACTORY, &CREATE2_FACTORY_CODE);
    // The CacheManager's initial state and its registration with ArbWasmCache (Nitro's dev
    // setup: deploy, initialise with 512 MiB / the default decay, `addWasmCacheManager`).
    db.insert_account_info(
        stylus_vm::params::ARBOS_STATE,
        AccountInfo {
            nonce: 1,
            ..Default::default()
        },
    );
    for (account, slot, value) in stylus_vm::system::cache_manager_genesis_state() {
        db.insert_account_storage(account, slot, value)
            .expect("the in-memory database cannot fail");
    }
    db
}

fn fund(db: &mut ChainDb, account: Address, balance: U256) {
    let mut info = db
        .cache
        .accounts
        .get(&account)
        .and_then(|a| a.info())
        .unwrap_or_default();
    info.balance = balance;
    db.insert_account_info(account, info);
}

fn set_code(db: &mut ChainDb, account: Address, code: &[u8]) {
    let bytecode = Bytecode::new_raw(code.to_vec().into());
    let info = AccountInfo {
        code_hash: bytecode.hash_slow(),
        code: Some(bytecode),
        ..Default::default()
    };
    db.insert_account_info(account, info);
}
