//! Ink prices: per-opcode costs, hostio costs and the memory page model.

use wasmparser::Operator;

/// Ink charged at the head of every basic block on top of its ops.
pub const INK_HEADER_COST: u64 = 2450;
/// Base ink of the cheapest hostios.
pub const HOSTIO_INK: u64 = 8400;
/// Extra ink for a hostio that touches a pointer.
pub const PTR_INK: u64 = 5040;
/// Extra ink for a hostio that reaches the EVM.
pub const EVM_API_INK: u64 = 59673;
/// Division/modulo ink.
pub const DIV_INK: u64 = 20000;
/// mulmod ink.
pub const MUL_MOD_INK: u64 = 24100;
/// addmod ink.
pub const ADD_MOD_INK: u64 = 21000;
/// Ink per byte of memory.fill / memory.copy.
pub const MEMORY_BYTE_INK: u64 = 100;

/// Ink for writing `n` bytes into wasm memory.
pub fn write_price(n: u64) -> u64 {
    PTR_INK.saturating_add(30u64.saturating_mul(n.saturating_sub(32)))
}

/// Ink for reading `n` bytes out of wasm memory.
pub fn read_price(n: u64) -> u64 {
    16381u64.saturating_add(55u64.saturating_mul(n.saturating_sub(32)))
}

/// Ink for hashing `n` bytes.
pub fn keccak_price(n: u64) -> u64 {
    let words = n.div_ceil(32);
    121_800u64.saturating_add(21_000u64.saturating_mul(words.saturating_sub(2)))
}

/// Ink for `math_pow` by the exponent's big-endian bytes.
pub fn pow_price(exponent: &[u8; 32]) -> u64 {
    let leading_zero_bytes = exponent.iter().take_while(|b| **b == 0).count() as u64;
    3000u64.saturating_add(17_500u64.saturating_mul(33 - leading_zero_bytes))
}

/// Ink of one operator; `None` for operators Stylus does not support.
pub fn op_ink(op: &Operator<'_>) -> Option<u64> {
    use Operator as O;
    Some(match op {
        O::Unreachable | O::Return | O::Nop | O::I32Const { .. } | O::I64Const { .. } => 1,
        O::Block { .. } | O::Loop { .. } | O::Else | O::End => 1,
        O::Drop => 9,
        O::Br { .. } | O::BrIf { .. } | O::If { .. } => 765,
        O::Select | O::TypedSelect { .. } => 1250,
        O::Call { .. } => 3800,
        O::LocalGet { .. } | O::LocalTee { .. } => 75,
        O::LocalSet { .. } => 210,
        O::GlobalGet { .. } => 225,
        O::GlobalSet { .. } => 575,
        O::I32Load { .. }
        | O::I32Load8S { .. }
        | O::I32Load8U { .. }
        | O::I32Load16S { .. }
        | O::I32Load16U { .. } => 670,
        O::I64Load { .. }
        | O::I64Load8S { .. }
        | O::I64Load8U { .. }
        | O::I64Load16S { .. }
        | O::I64Load16U { .. }
        | O::I64Load32S { .. }
        | O::I64Load32U { .. } => 680,
        O::I32Store { .. } | O::I32Store8 { .. } | O::I32Store16 { .. } => 825,
        O::I64Store { .. } | O::I64Store8 { .. } | O::I64Store16 { .. } | O::I64Store32 { .. } => {
            950
        }
        O::MemorySize { .. } => 3000,
        O::MemoryGrow { .. } => 8050,
        O::I32Eqz
        | O::I32Eq
        | O::I32Ne
        | O::I32LtS
        | O::I32LtU
        | O::I32GtS
        | O::I32GtU
        | O::I32LeS
        | O::I32LeU
        | O::I32GeS
        | O::I32GeU => 170,
        O::I64Eqz
        | O::I64Eq
        | O::I64Ne
        | O::I64LtS
        | O::I64LtU
        | O::I64GtS
        | O::I64GtU
        | O::I64LeS
        | O::I64LeU
        | O::I64GeS
        | O::I64GeU => 225,
        O::I32Clz | O::I32Ctz | O::I64Clz | O::I64Ctz => 210,
        O::I32Add | O::I32Sub => 70,
        O::I64Add | O::I64Sub => 100,
        O::I32Mul | O::I64Mul => 160,
        O::I32DivS | O::I32DivU | O::I32RemS | O::I32RemU => 1120,
        O::I64DivS | O::I64DivU | O::I64RemS | O::I64RemU => 1270,
        O::I32And
        | O::I32Or
        | O::I32Xor
        | O::I32Shl
        | O::I32ShrS
        | O::I32ShrU
        | O::I32Rotl
        | O::I32Rotr => 70,
        O::I64And
        | O::I64Or
        | O::I64Xor
        | O::I64Shl
        | O::I64ShrS
        | O::I64ShrU
        | O::I64Rotl
        | O::I64Rotr => 100,
        O::I32Popcnt => 2650,
        O::I64Popcnt => 6000,
        O::I32WrapI64
        | O::I64ExtendI32S
        | O::I64ExtendI32U
        | O::I32Extend8S
        | O::I32Extend16S
        | O::I64Extend8S
        | O::I64Extend16S
        | O::I64Extend32S => 100,
        O::MemoryCopy { .. } | O::MemoryFill { .. } => 950,
        O::BrTable { targets } => {
            2400u64.saturating_add(325u64.saturating_mul(u64::from(targets.len())))
        }
        // call_indirect's 650/param part is added by the meter, which knows the type.
        O::CallIndirect { .. } => 13610,
        _ => return None,
    })
}

/// True when `op` ends a basic block (Nitro's `ends_basic_block`).
pub fn ends_basic_block(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::End
            | Operator::Else
            | Operator::Return
            | Operator::Loop { .. }
            | Operator::Br { .. }
            | Operator::BrTable { .. }
            | Operator::BrIf { .. }
            | Operator::If { .. }
            | Operator::Call { .. }
            | Operator::CallIndirect { .. }
    )
}

/// `exp(pages)` of the memory model: `floor(base^pages)` with `base^128 = 31,874,000`, giving the
/// 129-entry table Nitro embeds (1, 1, 1, 1, 1, 1, 2, …, 31,873,999); beyond 128 pages `u64::MAX`.
pub fn memory_exp(pages: u16) -> u64 {
    if pages > 128 {
        return u64::MAX;
    }
    let base = (31_874_000f64.ln() / 128.0).exp();
    base.powi(i32::from(pages)) as u64
}

/// Gas for opening `new` pages when `open` are open and `ever` were ever open in this tx.
pub fn memory_gas_cost(new: u16, open: u16, ever: u16, free_pages: u16, page_gas: u16) -> u64 {
    let new_open = open.saturating_add(new);
    let new_ever = ever.max(new_open);
    if new_ever <= free_pages {
        return 0;
    }
    let adding = new_open.saturating_sub(open.max(free_pages));
    let linear = u64::from(adding).saturating_mul(u64::from(page_gas));
    let expand = memory_exp(new_ever).saturating_sub(memory_exp(ever));
    linear.saturating_add(expand)
}

/// EVM memory expansion cost of `len` bytes (3/word + words²/512).
pub fn evm_memory_cost(len: u64) -> u64 {
    let words = len.div_ceil(32);
    words
        .saturating_mul(3)
        .saturating_add(words.saturating_mul(words) / 512)
}
