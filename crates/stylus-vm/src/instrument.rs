//! Activation-time instrumentation: the ink meter (per basic block, Nitro's op table plus a
//! 2450-ink header), the dynamic meter for memory.fill/copy, the depth checker and the
//! `pay_for_memory_grow` call before every `memory.grow`.
//!
//! The rewrite adds four globals, exported under reserved names the validator forbids to users:
//! `stylus_ink_left` (i64), `stylus_ink_status` (i32: 1 = out of ink, 2 = out of stack),
//! `stylus_stack_left` (i32) and a scratch i32.

use wasm_encoder::reencode::{self, Reencode, RoundtripReencoder};
use wasm_encoder::{
    ConstExpr, ExportKind, Function, GlobalType, Instruction as I, SectionId, ValType,
};
use wasmparser::{Operator, Parser};

use crate::pricing::{ends_basic_block, op_ink, INK_HEADER_COST, MEMORY_BYTE_INK};
use crate::validate::ModuleInfo;

/// Export name of the ink counter.
pub const INK_LEFT: &str = "stylus_ink_left";
/// Export name of the status global.
pub const INK_STATUS: &str = "stylus_ink_status";
/// Export name of the stack counter.
pub const STACK_LEFT: &str = "stylus_stack_left";
/// Status value after running out of ink.
pub const STATUS_OUT_OF_INK: i32 = 1;
/// Status value after running out of stack.
pub const STATUS_OUT_OF_STACK: i32 = 2;

/// Failure to rewrite a module that already passed validation.
#[derive(Debug, thiserror::Error)]
#[error("instrumentation failed: {0}")]
pub struct InstrumentError(pub String);

struct Meter<'i> {
    info: &'i ModuleInfo,
    globals_base: u32,
    globals_done: bool,
    exports_done: bool,
    body: u32,
    wrapped: bool,
}

impl Meter<'_> {
    fn ink(&self) -> u32 {
        self.globals_base
    }
    fn status(&self) -> u32 {
        self.globals_base + 1
    }
    fn stack(&self) -> u32 {
        self.globals_base + 2
    }
    fn scratch(&self) -> u32 {
        self.globals_base + 3
    }

    fn add_globals(&self, globals: &mut wasm_encoder::GlobalSection) {
        let mutable = |val_type| GlobalType {
            val_type,
            mutable: true,
            shared: false,
        };
        globals.global(mutable(ValType::I64), &ConstExpr::i64_const(0));
        globals.global(mutable(ValType::I32), &ConstExpr::i32_const(0));
        globals.global(mutable(ValType::I32), &ConstExpr::i32_const(0));
        globals.global(mutable(ValType::I32), &ConstExpr::i32_const(0));
    }

    fn add_exports(&self, exports: &mut wasm_encoder::ExportSection) {
        exports.export(INK_LEFT, ExportKind::Global, self.ink());
        exports.export(INK_STATUS, ExportKind::Global, self.status());
        exports.export(STACK_LEFT, ExportKind::Global, self.stack());
    }

    /// `if ink < cost { status = 1; unreachable }; ink -= cost`
    fn charge(&self, f: &mut Function, cost: u64) {
        let cost = i64::try_from(cost).unwrap_or(i64::MAX);
        f.instruction(&I::GlobalGet(self.ink()));
        f.instruction(&I::I64Const(cost));
        f.instruction(&I::I64LtU);
        f.instruction(&I::If(wasm_encoder::BlockType::Empty));
        f.instruction(&I::I32Const(STATUS_OUT_OF_INK));
        f.instruction(&I::GlobalSet(self.status()));
        f.instruction(&I::Unreachable);
        f.instruction(&I::End);
        f.instruction(&I::GlobalGet(self.ink()));
        f.instruction(&I::I64Const(cost));
        f.instruction(&I::I64Sub);
        f.instruction(&I::GlobalSet(self.ink()));
    }

    /// Charges 100 ink per byte of the length on top of the stack, leaving the stack unchanged.
    fn charge_dynamic(&self, f: &mut Function) {
        let per_byte = i64::try_from(MEMORY_BYTE_INK).unwrap_or(i64::MAX);
        let cost = |f: &mut Function| {
            f.instruction(&I::GlobalGet(self.scratch()));
            f.instruction(&I::I64ExtendI32U);
            f.instruction(&I::I64Const(per_byte));
            f.instruction(&I::I64Mul);
        };
        f.instruction(&I::GlobalSet(self.scratch()));
        f.instruction(&I::GlobalGet(self.scratch()));
        f.instruction(&I::GlobalGet(self.ink()));
        cost(f);
        f.instruction(&I::I64LtU);
        f.instruction(&I::If(wasm_encoder::BlockType::Empty));
        f.instruction(&I::I32Const(STATUS_OUT_OF_INK));
        f.instruction(&I::GlobalSet(self.status()));
        f.instruction(&I::Unreachable);
        f.instruction(&I::End);
        f.instruction(&I::GlobalGet(self.ink()));
        cost(f);
        f.instruction(&I::I64Sub);
        f.instruction(&I::GlobalSet(self.ink()));
    }

    fn stack_enter(&self, f: &mut Function, words: u32) {
        let words = i32::try_from(words).unwrap_or(i32::MAX);
        f.instruction(&I::GlobalGet(self.stack()));
        f.instruction(&I::I32Const(words));
        f.instruction(&I::I32LtU);
        f.instruction(&I::If(wasm_encoder::BlockType::Empty));
        f.instruction(&I::I32Const(STATUS_OUT_OF_STACK));
        f.instruction(&I::GlobalSet(self.status()));
        f.instruction(&I::Unreachable);
        f.instruction(&I::End);
        f.instruction(&I::GlobalGet(self.stack()));
        f.instruction(&I::I32Const(words));
        f.instruction(&I::I32Sub);
        f.instruction(&I::GlobalSet(self.stack()));
    }

    fn stack_leave(&self, f: &mut Function, words: u32) {
        let words = i32::try_from(words).unwrap_or(i32::MAX);
        f.instruction(&I::GlobalGet(self.stack()));
        f.instruction(&I::I32Const(words));
        f.instruction(&I::I32Add);
        f.instruction(&I::GlobalSet(self.stack()));
    }

    fn block_cost(&self, ops: &[Operator<'_>]) -> u64 {
        ops.iter().fold(INK_HEADER_COST, |acc, op| {
            let mut c = op_ink(op).unwrap_or(u64::MAX);
            if let Operator::CallIndirect { type_index, .. } = op {
                let params = self
                    .info
                    .type_params
                    .get(*type_index as usize)
                    .copied()
                    .unwrap_or(0);
                c = c.saturating_add(650u64.saturating_mul(u64::from(params)));
            }
            acc.saturating_add(c)
        })
    }

    fn emit_block(
        &mut self,
        f: &mut Function,
        ops: &mut Vec<Operator<'_>>,
        words: u32,
        depth: &mut u32,
    ) -> Result<(), InstrumentError> {
        if ops.is_empty() {
            return Ok(());
        }
        let cost = self.block_cost(ops);
        self.charge(f, cost);
        for op in ops.drain(..) {
            match &op {
                Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => *depth += 1,
                _ => {}
            }
            match &op {
                Operator::MemoryFill { .. } | Operator::MemoryCopy { .. } => self.charge_dynamic(f),
                Operator::MemoryGrow { .. } => {
                    if let Some(pay) = self.info.pay_for_memory_grow {
                        f.instruction(&I::GlobalSet(self.scratch()));
                        f.instruction(&I::GlobalGet(self.scratch()));
                        f.instruction(&I::GlobalGet(self.scratch()));
                        f.instruction(&I::Call(pay));
                    }
                }
                Operator::Return => self.stack_leave(f, words),
                Operator::End if *depth == 0 => {
                    if self.wrapped {
                        f.instruction(&I::End);
                    }
                    self.stack_leave(f, words)
                }
                _ => {}
            }
            if let Operator::End = op {
                *depth = depth.saturating_sub(1);
            }
            let ins = RoundtripReencoder
                .instruction(op)
                .map_err(|e| InstrumentError(e.to_string()))?;
            f.instruction(&ins);
        }
        Ok(())
    }
}

impl Reencode for Meter<'_> {
    type Error = String;

    fn parse_global_section(
        &mut self,
        globals: &mut wasm_encoder::GlobalSection,
        section: wasmparser::GlobalSectionReader<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        reencode::utils::parse_global_section(self, globals, section)?;
        self.add_globals(globals);
        self.globals_done = true;
        Ok(())
    }

    fn parse_export_section(
        &mut self,
        exports: &mut wasm_encoder::ExportSection,
        section: wasmparser::ExportSectionReader<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        reencode::utils::parse_export_section(self, exports, section)?;
        self.add_exports(exports);
        self.exports_done = true;
        Ok(())
    }

    fn intersperse_section_hook(
        &mut self,
        module: &mut wasm_encoder::Module,
        _after: Option<SectionId>,
        before: Option<SectionId>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        let rank = |id: Option<SectionId>| match id {
            None => 100,
            Some(SectionId::Type) => 1,
            Some(SectionId::Import) => 2,
            Some(SectionId::Function) => 3,
            Some(SectionId::Table) => 4,
            Some(SectionId::Memory) => 5,
            Some(SectionId::Tag) => 6,
            Some(SectionId::Global) => 7,
            Some(SectionId::Export) => 8,
            Some(SectionId::Start) => 9,
            Some(SectionId::Element) => 10,
            Some(SectionId::DataCount) => 11,
            Some(SectionId::Code) => 12,
            Some(SectionId::Data) => 13,
            Some(_) => 100,
        };
        if !self.globals_done && rank(before) > 7 {
            let mut globals = wasm_encoder::GlobalSection::new();
            self.add_globals(&mut globals);
            module.section(&globals);
            self.globals_done = true;
        }
        if !self.exports_done && rank(before) > 8 {
            let mut exports = wasm_encoder::ExportSection::new();
            self.add_exports(&mut exports);
            module.section(&exports);
            self.exports_done = true;
        }
        Ok(())
    }

    fn parse_function_body(
        &mut self,
        code: &mut wasm_encoder::CodeSection,
        func: wasmparser::FunctionBody<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        let words = self
            .info
            .frame_words
            .get(self.body as usize)
            .copied()
            .unwrap_or(0);
        self.body += 1;
        let results = self
            .info
            .func_results
            .get(self.body as usize - 1)
            .cloned()
            .unwrap_or_default();
        // Wrap the body in a block so that a branch to the function's own label (an implicit
        // return) still passes the stack restore. Multi-value results keep the plain body.
        let wrapper = match results.as_slice() {
            [] => Some(wasm_encoder::BlockType::Empty),
            [t] => Some(wasm_encoder::BlockType::Result(
                RoundtripReencoder
                    .val_type(*t)
                    .map_err(|e| reencode::Error::UserError(e.to_string()))?,
            )),
            _ => None,
        };
        let mut f = self.new_function_with_parsed_locals(&func)?;
        self.stack_enter(&mut f, words);
        if let Some(bt) = wrapper {
            f.instruction(&I::Block(bt));
        }
        self.wrapped = wrapper.is_some();
        let mut reader = func.get_operators_reader()?;
        let mut block: Vec<Operator<'_>> = Vec::new();
        let mut depth = 0u32;
        while !reader.eof() {
            let op = reader.read()?;
            let ends = ends_basic_block(&op);
            block.push(op);
            if ends {
                self.emit_block(&mut f, &mut block, words, &mut depth)
                    .map_err(|e| reencode::Error::UserError(e.0))?;
            }
        }
        self.emit_block(&mut f, &mut block, words, &mut depth)
            .map_err(|e| reencode::Error::UserError(e.0))?;
        code.function(&f);
        Ok(())
    }
}

/// Rewrites a validated module with the ink meter, depth checker and heap-bound calls.
pub fn instrument(wasm: &[u8], info: &ModuleInfo) -> Result<Vec<u8>, InstrumentError> {
    let globals_base = u32::try_from(info.globals).map_err(|e| InstrumentError(e.to_string()))?;
    let mut meter = Meter {
        info,
        globals_base,
        globals_done: false,
        exports_done: false,
        body: 0,
        wrapped: false,
    };
    let mut module = wasm_encoder::Module::new();
    meter
        .parse_core_module(&mut module, Parser::new(0), wasm)
        .map_err(|e| InstrumentError(e.to_string()))?;
    Ok(module.finish())
}

/// Re-encodes a module canonically (the wat round-trip cargo-stylus performs): rustc's wasm32
/// output carries an overlong `call_indirect` table index that only validates with reference
/// types; the re-encoded module validates without them.
pub fn canonicalize(wasm: &[u8]) -> Result<Vec<u8>, InstrumentError> {
    let mut module = wasm_encoder::Module::new();
    RoundtripReencoder
        .parse_core_module(&mut module, Parser::new(0), wasm)
        .map_err(|e| InstrumentError(e.to_string()))?;
    Ok(module.finish())
}

/// Strips every custom section (cargo-stylus does this before compressing).
pub fn strip_custom_sections(wasm: &[u8]) -> Result<Vec<u8>, InstrumentError> {
    struct Strip;
    impl Reencode for Strip {
        type Error = String;
        fn parse_custom_section(
            &mut self,
            _module: &mut wasm_encoder::Module,
            _section: wasmparser::CustomSectionReader<'_>,
        ) -> Result<(), reencode::Error<Self::Error>> {
            Ok(())
        }
    }
    let mut module = wasm_encoder::Module::new();
    Strip
        .parse_core_module(&mut module, Parser::new(0), wasm)
        .map_err(|e| InstrumentError(e.to_string()))?;
    Ok(module.finish())
}
