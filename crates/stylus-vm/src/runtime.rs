//! The shared runtime: wasmi engine, host linker, compiled-module cache and console output.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use revm::primitives::B256;
use wasmi::{Caller, Engine, FuncType, Linker, Module, Val, ValType};

use crate::code::{decode_program, CodeError};
use crate::hooks::{Hook, Ty, HOOKS};
use crate::instrument::{instrument, InstrumentError};
use crate::params::StylusParams;
use crate::validate::{validate, ModuleInfo, ValidationError};

/// A host call suspended out of wasm: which hook, and its raw arguments.
#[derive(Debug, Clone)]
pub struct HookCall {
    /// The hook.
    pub hook: Hook,
    /// Arguments as passed by the program.
    pub args: Vec<Val>,
}

impl std::fmt::Display for HookCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "host call {:?}", self.hook)
    }
}

impl wasmi::errors::HostError for HookCall {}

/// Why a program could not be prepared for execution.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    /// Code decoding failed.
    #[error(transparent)]
    Code(#[from] CodeError),
    /// Validation failed.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// Instrumentation failed.
    #[error(transparent)]
    Instrument(#[from] InstrumentError),
    /// wasmi refused the instrumented module.
    #[error("wasmi: {0}")]
    Engine(String),
}

/// A program ready to run: the instrumented module and its facts.
#[derive(Debug)]
pub struct Compiled {
    /// Instrumented module.
    pub module: Module,
    /// Validation facts.
    pub info: ModuleInfo,
    /// keccak256 of the instrumented wasm (reported as the module hash).
    pub module_hash: B256,
}

/// Engine, linker, parameters and module cache shared by every EVM built from it.
pub struct Runtime {
    /// Chain parameters.
    pub params: StylusParams,
    engine: Engine,
    linker: Linker<()>,
    cache: Mutex<HashMap<B256, Arc<Compiled>>>,
    console: Mutex<Vec<String>>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

fn val_type(t: Ty) -> ValType {
    match t {
        Ty::I32 => ValType::I32,
        Ty::I64 => ValType::I64,
        Ty::F32 => ValType::F32,
        Ty::F64 => ValType::F64,
    }
}

impl Runtime {
    /// A runtime with the given chain parameters.
    pub fn new(params: StylusParams) -> Arc<Self> {
        // Nitro's depth checker (instrumentation) bounds the stack; wasmi's own limits are set
        // above anything a program within `max_stack_depth` words can reach.
        let mut config = wasmi::Config::default();
        config.set_max_recursion_depth(100_000);
        config.set_max_stack_height(64 * 1024 * 1024);
        let engine = Engine::new(&config);
        let mut linker = Linker::<()>::new(&engine);
        for spec in HOOKS {
            let ty = FuncType::new(
                spec.params.iter().map(|t| val_type(*t)),
                spec.results.iter().map(|t| val_type(*t)),
            );
            let hook = spec.hook;
            linker
                .func_new(
                    spec.module,
                    spec.name,
                    ty,
                    move |_caller: Caller<'_, ()>, params: &[Val], _results: &mut [Val]| {
                        Err(wasmi::Error::host(HookCall {
                            hook,
                            args: params.to_vec(),
                        }))
                    },
                )
                .expect("hook names are unique");
        }
        Arc::new(Self {
            params,
            engine,
            linker,
            cache: Mutex::new(HashMap::new()),
            console: Mutex::new(Vec::new()),
        })
    }

    /// The wasmi engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The linker that serves every hook by suspending the call.
    pub fn linker(&self) -> &Linker<()> {
        &self.linker
    }

    /// Decodes, validates and instruments `code` (memoised by `codehash`).
    pub fn compile(
        &self,
        codehash: B256,
        code: &[u8],
        pages_open: u16,
    ) -> Result<Arc<Compiled>, PrepareError> {
        if let Some(c) = self.cache.lock().expect("cache lock").get(&codehash) {
            return Ok(c.clone());
        }
        let wasm = decode_program(code, self.params.max_wasm_size as usize)?;
        let info = validate(&wasm, &self.params, pages_open)?;
        let instrumented = instrument(&wasm, &info)?;
        let module = Module::new(&self.engine, &instrumented)
            .map_err(|e| PrepareError::Engine(e.to_string()))?;
        let compiled = Arc::new(Compiled {
            module,
            info,
            module_hash: revm::primitives::keccak256(&instrumented),
        });
        self.cache
            .lock()
            .expect("cache lock")
            .insert(codehash, compiled.clone());
        Ok(compiled)
    }

    /// Appends a console line (debug hooks).
    pub fn console_push(&self, line: String) {
        self.console.lock().expect("console lock").push(line);
    }

    /// Takes the console lines printed so far.
    pub fn take_console(&self) -> Vec<String> {
        std::mem::take(&mut *self.console.lock().expect("console lock"))
    }
}
