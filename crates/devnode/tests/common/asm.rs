//! A tiny EVM assembler for the test contracts (written for this project; no foreign bytecode).
//! Labels are resolved in a second pass; label pushes are always PUSH2.
#![allow(dead_code)]

use std::collections::HashMap;

/// One assembly item.
#[derive(Clone, Debug)]
enum Item {
    Op(u8),
    Push(Vec<u8>),
    PushLabel(&'static str),
    Label(&'static str),
}

/// An assembly program.
#[derive(Clone, Debug, Default)]
pub struct Asm {
    items: Vec<Item>,
}

pub mod op {
    pub const STOP: u8 = 0x00;
    pub const ADD: u8 = 0x01;
    pub const SUB: u8 = 0x03;
    pub const LT: u8 = 0x10;
    pub const GT: u8 = 0x11;
    pub const EQ: u8 = 0x14;
    pub const ISZERO: u8 = 0x15;
    pub const SHL: u8 = 0x1b;
    pub const SHR: u8 = 0x1c;
    pub const SHA3: u8 = 0x20;
    pub const CALLER: u8 = 0x33;
    pub const CALLVALUE: u8 = 0x34;
    pub const CALLDATALOAD: u8 = 0x35;
    pub const CALLDATASIZE: u8 = 0x36;
    pub const CODECOPY: u8 = 0x39;
    pub const TIMESTAMP: u8 = 0x42;
    pub const NUMBER: u8 = 0x43;
    pub const POP: u8 = 0x50;
    pub const MLOAD: u8 = 0x51;
    pub const MSTORE: u8 = 0x52;
    pub const SLOAD: u8 = 0x54;
    pub const SSTORE: u8 = 0x55;
    pub const JUMP: u8 = 0x56;
    pub const JUMPI: u8 = 0x57;
    pub const JUMPDEST: u8 = 0x5b;
    pub const PUSH0: u8 = 0x5f;
    pub const DUP1: u8 = 0x80;
    pub const DUP2: u8 = 0x81;
    pub const DUP3: u8 = 0x82;
    pub const SWAP1: u8 = 0x90;
    pub const SWAP2: u8 = 0x91;
    pub const LOG1: u8 = 0xa1;
    pub const LOG2: u8 = 0xa2;
    pub const LOG3: u8 = 0xa3;
    pub const RETURN: u8 = 0xf3;
    pub const REVERT: u8 = 0xfd;
    pub const INVALID: u8 = 0xfe;
}

impl Asm {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends opcodes.
    pub fn ops(mut self, ops: &[u8]) -> Self {
        self.items.extend(ops.iter().map(|o| Item::Op(*o)));
        self
    }

    /// Pushes a big-endian value with the shortest PUSH (PUSH0 for zero).
    pub fn push(mut self, value: &[u8]) -> Self {
        let trimmed: Vec<u8> = value.iter().copied().skip_while(|b| *b == 0).collect();
        assert!(trimmed.len() <= 32, "push of more than 32 bytes");
        self.items.push(Item::Push(trimmed));
        self
    }

    /// Pushes a small number.
    pub fn push_u64(self, v: u64) -> Self {
        self.push(&v.to_be_bytes())
    }

    /// Pushes exactly these bytes (for PUSH32 constants with leading zero bytes kept as they are).
    pub fn push_exact(mut self, bytes: &[u8]) -> Self {
        assert!(!bytes.is_empty() && bytes.len() <= 32);
        self.items.push(Item::Push(bytes.to_vec()));
        self
    }

    /// Pushes a label's offset (PUSH2).
    pub fn push_label(mut self, label: &'static str) -> Self {
        self.items.push(Item::PushLabel(label));
        self
    }

    /// Defines a label and emits a JUMPDEST there.
    pub fn label(mut self, label: &'static str) -> Self {
        self.items.push(Item::Label(label));
        self
    }

    /// `if cond (on stack) jump label`.
    pub fn jumpi(self, label: &'static str) -> Self {
        self.push_label(label).ops(&[op::JUMPI])
    }

    /// Assembles to bytecode.
    pub fn assemble(&self) -> Vec<u8> {
        let mut labels = HashMap::new();
        let mut pc = 0usize;
        for item in &self.items {
            match item {
                Item::Op(_) => pc += 1,
                Item::Push(b) => pc += 1 + b.len(),
                Item::PushLabel(_) => pc += 3,
                Item::Label(name) => {
                    assert!(labels.insert(*name, pc).is_none(), "duplicate label {name}");
                    pc += 1;
                }
            }
        }
        let mut out = Vec::with_capacity(pc);
        for item in &self.items {
            match item {
                Item::Op(o) => out.push(*o),
                Item::Push(b) if b.is_empty() => out.push(op::PUSH0),
                Item::Push(b) => {
                    out.push(0x5f + b.len() as u8);
                    out.extend_from_slice(b);
                }
                Item::PushLabel(name) => {
                    let target = *labels
                        .get(name)
                        .unwrap_or_else(|| panic!("unknown label {name}"));
                    out.push(0x61);
                    out.extend_from_slice(&(target as u16).to_be_bytes());
                }
                Item::Label(_) => out.push(op::JUMPDEST),
            }
        }
        out
    }
}

/// Init code that runs `constructor` (which must leave the stack empty) and then returns
/// `runtime` as the contract code.
pub fn deploy_code(constructor: Asm, runtime: &[u8]) -> Vec<u8> {
    let len = runtime.len() as u64;
    let build = |offset: u64| {
        constructor
            .clone()
            .push_exact(&(len as u16).to_be_bytes())
            .push_exact(&(offset as u16).to_be_bytes())
            .ops(&[op::PUSH0, op::CODECOPY])
            .push_exact(&(len as u16).to_be_bytes())
            .ops(&[op::PUSH0, op::RETURN])
            .assemble()
    };
    let prefix_len = build(0).len() as u64;
    let mut code = build(prefix_len);
    code.extend_from_slice(runtime);
    code
}
