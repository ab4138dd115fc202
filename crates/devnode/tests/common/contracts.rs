//! Test contracts, assembled with `asm` (our own code).
#![allow(dead_code)]

use super::asm::{deploy_code, op::*, Asm};
use alloy::primitives::{keccak256, B256, U256};

/// First four bytes of keccak256(signature).
pub fn selector(signature: &str) -> [u8; 4] {
    let h = keccak256(signature.as_bytes());
    [h[0], h[1], h[2], h[3]]
}

/// keccak256 of an event signature.
pub fn topic(signature: &str) -> B256 {
    keccak256(signature.as_bytes())
}

/// `Store`: `set(uint256)` stores slot 0 and emits `ValueSet(address indexed, uint256)`,
/// `get()` returns slot 0, `time()` returns block.timestamp, `fail()` reverts with
/// `Error("nope")`. Any other input reverts empty.
pub fn store_runtime() -> Vec<u8> {
    let mut nope = [0u8; 32];
    nope[..4].copy_from_slice(b"nope");
    Asm::new()
        .ops(&[PUSH0, CALLDATALOAD])
        .push_u64(0xe0)
        .ops(&[SHR])
        .ops(&[DUP1])
        .push(&selector("set(uint256)"))
        .ops(&[EQ])
        .jumpi("set")
        .ops(&[DUP1])
        .push(&selector("get()"))
        .ops(&[EQ])
        .jumpi("get")
        .ops(&[DUP1])
        .push(&selector("time()"))
        .ops(&[EQ])
        .jumpi("time")
        .ops(&[DUP1])
        .push(&selector("fail()"))
        .ops(&[EQ])
        .jumpi("fail")
        .ops(&[PUSH0, PUSH0, REVERT])
        .label("set")
        .push_u64(4)
        .ops(&[CALLDATALOAD, DUP1, PUSH0, SSTORE, PUSH0, MSTORE, CALLER])
        .push_exact(topic("ValueSet(address,uint256)").as_slice())
        .push_u64(0x20)
        .ops(&[PUSH0, LOG2, STOP])
        .label("get")
        .ops(&[PUSH0, SLOAD, PUSH0, MSTORE])
        .push_u64(0x20)
        .ops(&[PUSH0, RETURN])
        .label("time")
        .ops(&[TIMESTAMP, PUSH0, MSTORE])
        .push_u64(0x20)
        .ops(&[PUSH0, RETURN])
        .label("fail")
        .push(&selector("Error(string)"))
        .push_u64(0xe0)
        .ops(&[SHL, PUSH0, MSTORE])
        .push_u64(0x20)
        .push_u64(4)
        .ops(&[MSTORE])
        .push_u64(4)
        .push_u64(36)
        .ops(&[MSTORE])
        .push_exact(&nope)
        .push_u64(68)
        .ops(&[MSTORE])
        .push_u64(100)
        .ops(&[PUSH0, REVERT])
        .assemble()
}

/// Init code of `Store`.
pub fn store_init() -> Vec<u8> {
    deploy_code(Asm::new(), &store_runtime())
}

/// A minimal ERC-20 core: balances in `keccak(owner ‖ 0)`, `transfer(address,uint256)`
/// (emits `Transfer`, returns true, reverts empty on insufficient balance) and
/// `balanceOf(address)`.
pub fn erc20_runtime() -> Vec<u8> {
    Asm::new()
        .ops(&[PUSH0, CALLDATALOAD])
        .push_u64(0xe0)
        .ops(&[SHR])
        .ops(&[DUP1])
        .push(&selector("transfer(address,uint256)"))
        .ops(&[EQ])
        .jumpi("transfer")
        .ops(&[DUP1])
        .push(&selector("balanceOf(address)"))
        .ops(&[EQ])
        .jumpi("balanceOf")
        .ops(&[PUSH0, PUSH0, REVERT])
        .label("balanceOf")
        .push_u64(4)
        .ops(&[CALLDATALOAD, PUSH0, MSTORE, PUSH0])
        .push_u64(0x20)
        .ops(&[MSTORE])
        .push_u64(0x40)
        .ops(&[PUSH0, SHA3, SLOAD, PUSH0, MSTORE])
        .push_u64(0x20)
        .ops(&[PUSH0, RETURN])
        .label("transfer")
        // from-key = keccak(caller ‖ 0)
        .ops(&[CALLER, PUSH0, MSTORE, PUSH0])
        .push_u64(0x20)
        .ops(&[MSTORE])
        .push_u64(0x40)
        .ops(&[PUSH0, SHA3]) // [kf, sel]
        .ops(&[DUP1, SLOAD]) // [bf, kf, sel]
        .push_u64(0x24)
        .ops(&[CALLDATALOAD]) // [amt, bf, kf, sel]
        .ops(&[DUP1, DUP3, LT])
        .jumpi("fail") // bf < amt → fail
        .ops(&[SWAP1, SUB, SWAP1, SSTORE]) // balance[from] = bf - amt; [sel]
        .push_u64(4)
        .ops(&[CALLDATALOAD, PUSH0, MSTORE]) // mem[0..32] = to, mem[32..64] = 0
        .push_u64(0x40)
        .ops(&[PUSH0, SHA3]) // [kt, sel]
        .ops(&[DUP1, SLOAD])
        .push_u64(0x24)
        .ops(&[CALLDATALOAD, ADD, SWAP1, SSTORE])
        .push_u64(0x24)
        .ops(&[CALLDATALOAD, PUSH0, MSTORE]) // data = amount
        .push_u64(4)
        .ops(&[CALLDATALOAD, CALLER])
        .push_exact(topic("Transfer(address,address,uint256)").as_slice())
        .push_u64(0x20)
        .ops(&[PUSH0, LOG3])
        .push_u64(1)
        .ops(&[PUSH0, MSTORE])
        .push_u64(0x20)
        .ops(&[PUSH0, RETURN])
        .label("fail")
        .ops(&[PUSH0, PUSH0, REVERT])
        .assemble()
}

/// Init code of the ERC-20 that mints `supply` to the deployer.
pub fn erc20_init(supply: U256) -> Vec<u8> {
    let ctor = Asm::new()
        .ops(&[CALLER, PUSH0, MSTORE, PUSH0])
        .push_u64(0x20)
        .ops(&[MSTORE])
        .push_u64(0x40)
        .ops(&[PUSH0, SHA3])
        .push_exact(&supply.to_be_bytes::<32>())
        .ops(&[SWAP1, SSTORE]);
    deploy_code(ctor, &erc20_runtime())
}
