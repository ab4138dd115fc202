//! Shared test harness: an in-memory chain with the Stylus EVM, WAT helpers and EVM snippets.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Arc;

use revm::context::result::{ExecutionResult, HaltReason, Output, SuccessReason};
use revm::context::{BlockEnv, CfgEnv, ContextTr, TxEnv};
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{address, Address, Bytes, TxKind, B256, U256};
use revm::state::AccountInfo;
use revm::DatabaseRef;
use stylus_vm::api::StylusContext;
use stylus_vm::code::{deploy_init_code, encode_program};
use stylus_vm::params::{ARB_WASM, BATCH_POSTER};
use stylus_vm::{build_evm, genesis_accounts, transact_commit, Runtime, StylusEvm, StylusParams};

/// The Nitro dev account.
pub const DEV: Address = address!("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E");
/// A second funded account.
pub const ALICE: Address = address!("00000000000000000000000000000000000A11CE");
/// Dev chain basefee (0.1 gwei).
pub const BASEFEE: u64 = 100_000_000;
/// Block timestamp used by the harness.
pub const TIMESTAMP: u64 = 1_750_000_000;

/// One ether.
pub fn ether(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

/// Chain under test.
pub struct Chain {
    pub evm: StylusEvm<StylusContext<CacheDB<EmptyDB>>>,
    pub runtime: Arc<Runtime>,
    nonces: HashMap<Address, u64>,
}

impl Chain {
    pub fn new() -> Self {
        Self::with_params(StylusParams::default())
    }

    pub fn with_params(params: StylusParams) -> Self {
        Self::with_runtime(Runtime::new(params))
    }

    /// A chain over a given runtime (custom cache limits).
    pub fn with_runtime(runtime: Arc<Runtime>) -> Self {
        let mut db = CacheDB::new(EmptyDB::default());
        for (a, info) in genesis_accounts() {
            db.insert_account_info(a, info);
        }
        for a in [DEV, ALICE] {
            db.insert_account_info(
                a,
                AccountInfo {
                    balance: ether(1000),
                    ..Default::default()
                },
            );
        }
        let block = BlockEnv {
            number: U256::from(1),
            timestamp: U256::from(TIMESTAMP),
            gas_limit: 1 << 40,
            basefee: BASEFEE,
            prevrandao: Some(B256::ZERO),
            beneficiary: BATCH_POSTER,
            ..Default::default()
        };
        let mut cfg = CfgEnv::new_with_spec(SpecId::PRAGUE);
        cfg.chain_id = 412_346;
        let evm = build_evm(db, block, cfg, runtime.clone());
        Self {
            evm,
            runtime,
            nonces: HashMap::new(),
        }
    }

    /// Sends a transaction and commits it.
    pub fn send(
        &mut self,
        from: Address,
        kind: TxKind,
        data: Bytes,
        value: U256,
        gas: u64,
    ) -> ExecutionResult<HaltReason> {
        let nonce = self.nonces.entry(from).or_insert(0);
        let tx = TxEnv {
            caller: from,
            kind,
            data,
            value,
            gas_limit: gas,
            gas_price: u128::from(BASEFEE),
            nonce: *nonce,
            chain_id: Some(412_346),
            ..Default::default()
        };
        *nonce += 1;
        transact_commit(&mut self.evm, tx).expect("transaction is valid")
    }

    /// The nonce the next transaction from `from` uses (and counts it as used).
    pub fn next_nonce(&mut self, from: Address) -> u64 {
        let nonce = self.nonces.entry(from).or_insert(0);
        *nonce += 1;
        *nonce - 1
    }

    pub fn call(&mut self, to: Address, data: &[u8]) -> ExecutionResult<HaltReason> {
        self.send(
            DEV,
            TxKind::Call(to),
            Bytes::copy_from_slice(data),
            U256::ZERO,
            30_000_000,
        )
    }

    pub fn call_value(
        &mut self,
        to: Address,
        data: &[u8],
        value: U256,
    ) -> ExecutionResult<HaltReason> {
        self.send(
            DEV,
            TxKind::Call(to),
            Bytes::copy_from_slice(data),
            value,
            30_000_000,
        )
    }

    /// Deploys raw code (any bytes) with the cargo-stylus prelude; returns the create result.
    pub fn deploy_code(&mut self, code: &[u8]) -> ExecutionResult<HaltReason> {
        self.send(
            DEV,
            TxKind::Create,
            deploy_init_code(code).into(),
            U256::ZERO,
            30_000_000,
        )
    }

    /// Deploys code and returns its address (panics on failure).
    pub fn deploy(&mut self, code: &[u8]) -> Address {
        match self.deploy_code(code) {
            ExecutionResult::Success {
                output: Output::Create(_, Some(a)),
                ..
            } => a,
            other => panic!("deploy failed: {other:?}"),
        }
    }

    /// Deploys a wasm program (compressed, prefixed) without activating it.
    pub fn deploy_wasm(&mut self, wasm: &[u8]) -> Address {
        self.deploy(&encode_program(wasm))
    }

    /// Calls ArbWasm.activateProgram(addr) with 1 ETH.
    pub fn activate(&mut self, program: Address) -> ExecutionResult<HaltReason> {
        let mut data = stylus_vm::abi::selector("activateProgram(address)").to_vec();
        data.extend_from_slice(program.into_word().as_slice());
        self.call_value(ARB_WASM, &data, ether(1))
    }

    /// Deploys and activates a WAT program.
    pub fn program(&mut self, wat_src: &str) -> Address {
        let addr = self.deploy_wasm(&wat::parse_str(wat_src).expect("valid wat"));
        let r = self.activate(addr);
        assert!(r.is_success(), "activation failed: {r:?}");
        addr
    }

    pub fn storage(&self, addr: Address, slot: U256) -> U256 {
        self.evm
            .inner
            .ctx
            .db()
            .storage_ref(addr, slot)
            .expect("in-memory db")
    }

    /// Adds `amount` wei to `addr`'s balance directly in the state.
    pub fn fund(&mut self, addr: Address, amount: U256) {
        let db = self.evm.inner.ctx.db_mut();
        let mut info = db.basic_ref(addr).expect("db").unwrap_or_default();
        info.balance += amount;
        db.insert_account_info(addr, info);
    }

    pub fn balance(&self, addr: Address) -> U256 {
        self.evm
            .inner
            .ctx
            .db()
            .basic_ref(addr)
            .expect("in-memory db")
            .map(|a| a.balance)
            .unwrap_or_default()
    }

    pub fn code(&self, addr: Address) -> Bytes {
        let db = self.evm.inner.ctx.db();
        db.basic_ref(addr)
            .expect("db")
            .and_then(|a| a.code)
            .map(|c| c.original_bytes())
            .unwrap_or_default()
    }
}

/// Output of a successful call (panics otherwise).
pub fn ok(r: &ExecutionResult<HaltReason>) -> Bytes {
    match r {
        ExecutionResult::Success {
            reason: SuccessReason::Return | SuccessReason::Stop,
            output,
            ..
        } => output.data().clone(),
        other => panic!("expected success, got {other:?}"),
    }
}

/// Revert data of a reverted call (panics otherwise).
pub fn reverted(r: &ExecutionResult<HaltReason>) -> Bytes {
    match r {
        ExecutionResult::Revert { output, .. } => output.clone(),
        other => panic!("expected revert, got {other:?}"),
    }
}

/// A Stylus program: `imports`, one fixed page of memory, `user_entrypoint` with `body`
/// (locals $len i32, $a $b $c i32, $x i64) and optional extra functions.
pub fn prog(imports: &str, body: &str) -> String {
    format!(
        r#"(module
  {imports}
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $x i64)
    {body})
)"#
    )
}

/// Import line for a vm_hooks function.
pub fn hook(name: &str, sig: &str) -> String {
    format!(r#"(import "vm_hooks" "{name}" (func ${name} {sig}))"#)
}

/// Common imports: read_args, write_result.
pub fn io() -> String {
    [
        hook("read_args", "(param i32)"),
        hook("write_result", "(param i32 i32)"),
    ]
    .join("\n  ")
}

/// EVM runtime code returning the 32-byte word 42.
pub const EVM_RET42: &[u8] = &[0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3];

/// EVM runtime code: SSTORE(0,1) then REVERT with 0xdeadbeef.
pub const EVM_REVERTER: &[u8] = &[
    0x60, 0x01, 0x60, 0x00, 0x55, 0x63, 0xde, 0xad, 0xbe, 0xef, 0x60, 0x00, 0x52, 0x60, 0x04, 0x60,
    0x1c, 0xfd,
];

/// EVM runtime code returning 64 bytes 0x00..0x3f.
pub fn evm_ret64() -> Vec<u8> {
    let mut code = Vec::new();
    let mut w1 = [0u8; 32];
    let mut w2 = [0u8; 32];
    for i in 0..32 {
        w1[i] = i as u8;
        w2[i] = 32 + i as u8;
    }
    code.push(0x7f);
    code.extend_from_slice(&w1);
    code.extend_from_slice(&[0x60, 0x00, 0x52]);
    code.push(0x7f);
    code.extend_from_slice(&w2);
    code.extend_from_slice(&[0x60, 0x20, 0x52, 0x60, 0x40, 0x60, 0x00, 0xf3]);
    code
}

/// EVM forwarder: CALLs `target` (or CALLER when `None`) with its own calldata and value 0,
/// and returns or reverts with the callee's return data.
pub fn evm_forwarder(target: Option<Address>) -> Vec<u8> {
    let mut c = vec![
        0x36, 0x60, 0x00, 0x60, 0x00, 0x37, 0x60, 0x00, 0x60, 0x00, 0x36, 0x60, 0x00, 0x60, 0x00,
    ];
    match target {
        Some(t) => {
            c.push(0x73);
            c.extend_from_slice(t.as_slice());
        }
        None => c.push(0x33),
    }
    c.extend_from_slice(&[0x5a, 0xf1, 0x3d, 0x60, 0x00, 0x60, 0x00, 0x3e]);
    let dest = c.len() + 3 + 4;
    c.extend_from_slice(&[
        0x60, dest as u8, 0x57, 0x3d, 0x60, 0x00, 0xfd, 0x5b, 0x3d, 0x60, 0x00, 0xf3,
    ]);
    c
}

/// Gas used by a result.
pub fn gas_used(r: &ExecutionResult<HaltReason>) -> u64 {
    r.tx_gas_used()
}
