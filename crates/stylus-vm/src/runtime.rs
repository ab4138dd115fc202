//! The shared runtime: wasmi engine, host linker, a bounded compiled-module cache and a bounded
//! console buffer.
//!
//! Memory stays bounded however many distinct programs run (even ones only simulated in an
//! `eth_call`): the module cache evicts the least recently used programs beyond
//! [`DEFAULT_CACHE_BYTES`] of instrumented wasm, and because a wasmi engine never frees the code
//! it compiled, the runtime starts a fresh engine (and empties the cache) once
//! [`ENGINE_BYTES_FACTOR`] × the cache limit has been compiled into the current one. Modules
//! already handed out keep their own engine alive until their last run ends.

use std::collections::{HashMap, VecDeque};
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

/// Default limit of the module cache: 32 MiB of instrumented wasm.
pub const DEFAULT_CACHE_BYTES: usize = 32 * 1024 * 1024;
/// A fresh engine is started once this many times the cache limit was compiled into one.
pub const ENGINE_BYTES_FACTOR: usize = 2;
/// Most bytes of console output kept (older lines are dropped first).
pub const CONSOLE_BYTES: usize = 64 * 1024;
/// Longest console line kept (longer `log_txt` text is cut).
pub const CONSOLE_LINE_BYTES: usize = 4 * 1024;

/// One wasmi engine and the linker built on it.
pub struct EngineGen {
    engine: Engine,
    linker: Linker<()>,
}

impl EngineGen {
    fn new() -> Self {
        // Nitro's depth checker (instrumentation) bounds the stack; wasmi's own limits are set
        // above anything a program within `max_stack_depth` words can reach. Fuel lets a run be
        // interrupted at a wall-clock deadline (see `StylusEvm::deadline`); it never changes
        // results, which ink decides.
        let mut config = wasmi::Config::default();
        config.set_max_recursion_depth(100_000);
        config.set_max_stack_height(64 * 1024 * 1024);
        config.consume_fuel(true);
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
        Self { engine, linker }
    }

    /// The wasmi engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The linker that serves every hook by suspending the call.
    pub fn linker(&self) -> &Linker<()> {
        &self.linker
    }
}

/// A program ready to run: the instrumented module and its facts.
pub struct Compiled {
    /// Instrumented module.
    pub module: Module,
    /// Validation facts.
    pub info: ModuleInfo,
    /// keccak256 of the instrumented wasm (reported as the module hash).
    pub module_hash: B256,
    /// The engine and linker the module was compiled with (instantiate with these).
    pub engine: Arc<EngineGen>,
    /// Size of the instrumented wasm (the cache weight).
    pub size: usize,
}

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compiled")
            .field("info", &self.info)
            .field("module_hash", &self.module_hash)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

struct CacheEntry {
    compiled: Arc<Compiled>,
    last_used: u64,
}

/// The module cache: LRU by size over one engine generation.
struct ModuleCache {
    entries: HashMap<B256, CacheEntry>,
    bytes: usize,
    tick: u64,
    engine: Arc<EngineGen>,
    engine_bytes: usize,
    generations: u64,
}

/// Counters of the module cache (for tests and monitoring).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheStats {
    /// Programs held.
    pub programs: usize,
    /// Their instrumented wasm bytes.
    pub bytes: usize,
    /// Engines started so far (1 = the first).
    pub generations: u64,
}

/// Console lines of debug-mode programs, bounded by [`CONSOLE_BYTES`].
#[derive(Default)]
struct Console {
    lines: VecDeque<String>,
    bytes: usize,
}

/// Engine, linker, parameters and module cache shared by every EVM built from it.
pub struct Runtime {
    /// Chain parameters.
    pub params: StylusParams,
    cache_limit: usize,
    cache: Mutex<ModuleCache>,
    console: Mutex<Console>,
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
    /// A runtime with the given chain parameters and the default cache limit.
    pub fn new(params: StylusParams) -> Arc<Self> {
        Self::with_cache_limit(params, DEFAULT_CACHE_BYTES)
    }

    /// A runtime whose module cache holds at most `cache_bytes` of instrumented wasm.
    pub fn with_cache_limit(params: StylusParams, cache_bytes: usize) -> Arc<Self> {
        Arc::new(Self {
            params,
            cache_limit: cache_bytes,
            cache: Mutex::new(ModuleCache {
                entries: HashMap::new(),
                bytes: 0,
                tick: 0,
                engine: Arc::new(EngineGen::new()),
                engine_bytes: 0,
                generations: 1,
            }),
            console: Mutex::new(Console::default()),
        })
    }

    fn lock_cache(&self) -> std::sync::MutexGuard<'_, ModuleCache> {
        // The cache holds no invariant a panic could break halfway.
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Decodes, validates and instruments `code` (memoised by `codehash`, LRU by size).
    pub fn compile(
        &self,
        codehash: B256,
        code: &[u8],
        pages_open: u16,
    ) -> Result<Arc<Compiled>, PrepareError> {
        self.compile_with(codehash, pages_open, || {
            decode_program(code, self.params.max_wasm_size as usize).map_err(Into::into)
        })
    }

    /// As [`Runtime::compile`], with the wasm given by `wasm` (called only on a cache miss):
    /// how a root's fragments reach the compiler.
    pub fn compile_with(
        &self,
        codehash: B256,
        pages_open: u16,
        wasm: impl FnOnce() -> Result<Vec<u8>, PrepareError>,
    ) -> Result<Arc<Compiled>, PrepareError> {
        let engine = {
            let mut cache = self.lock_cache();
            cache.tick += 1;
            let tick = cache.tick;
            if let Some(e) = cache.entries.get_mut(&codehash) {
                e.last_used = tick;
                return Ok(e.compiled.clone());
            }
            cache.engine.clone()
        };
        let wasm = wasm()?;
        let info = validate(&wasm, &self.params, pages_open)?;
        let instrumented = instrument(&wasm, &info)?;
        let module = Module::new(&engine.engine, &instrumented)
            .map_err(|e| PrepareError::Engine(e.to_string()))?;
        let compiled = Arc::new(Compiled {
            module,
            info,
            module_hash: revm::primitives::keccak256(&instrumented),
            engine,
            size: instrumented.len(),
        });
        self.remember(codehash, compiled.clone());
        Ok(compiled)
    }

    fn remember(&self, codehash: B256, compiled: Arc<Compiled>) {
        let mut cache = self.lock_cache();
        let size = compiled.size;
        if size > self.cache_limit {
            return;
        }
        if Arc::ptr_eq(&compiled.engine, &cache.engine) {
            cache.engine_bytes = cache.engine_bytes.saturating_add(size);
        }
        if cache.engine_bytes > self.cache_limit.saturating_mul(ENGINE_BYTES_FACTOR) {
            // The engine's code memory is freed only with the engine: start a fresh one.
            cache.entries.clear();
            cache.bytes = 0;
            cache.engine = Arc::new(EngineGen::new());
            cache.engine_bytes = 0;
            cache.generations += 1;
            return;
        }
        while cache.bytes + size > self.cache_limit {
            let Some(oldest) = cache
                .entries
                .iter()
                .min_by_key(|(_, e)| e.last_used)
                .map(|(k, _)| *k)
            else {
                break;
            };
            if let Some(e) = cache.entries.remove(&oldest) {
                cache.bytes -= e.compiled.size;
            }
        }
        let tick = cache.tick;
        if let Some(old) = cache.entries.insert(
            codehash,
            CacheEntry {
                compiled,
                last_used: tick,
            },
        ) {
            cache.bytes -= old.compiled.size;
        }
        cache.bytes += size;
    }

    /// Whether the module of `codehash` is in the cache.
    pub fn is_cached(&self, codehash: &B256) -> bool {
        self.lock_cache().entries.contains_key(codehash)
    }

    /// Counters of the module cache.
    pub fn cache_stats(&self) -> CacheStats {
        let cache = self.lock_cache();
        CacheStats {
            programs: cache.entries.len(),
            bytes: cache.bytes,
            generations: cache.generations,
        }
    }

    /// Appends a console line (debug hooks), cut to [`CONSOLE_LINE_BYTES`]; the oldest lines
    /// go once the buffer holds more than [`CONSOLE_BYTES`].
    pub fn console_push(&self, mut line: String) {
        if line.len() > CONSOLE_LINE_BYTES {
            let mut cut = CONSOLE_LINE_BYTES;
            while !line.is_char_boundary(cut) {
                cut -= 1;
            }
            line.truncate(cut);
        }
        let mut console = self.console.lock().unwrap_or_else(|p| p.into_inner());
        console.bytes += line.len();
        console.lines.push_back(line);
        while console.bytes > CONSOLE_BYTES {
            match console.lines.pop_front() {
                Some(old) => console.bytes -= old.len(),
                None => break,
            }
        }
    }

    /// Takes the console lines printed so far.
    pub fn take_console(&self) -> Vec<String> {
        let mut console = self.console.lock().unwrap_or_else(|p| p.into_inner());
        console.bytes = 0;
        std::mem::take(&mut console.lines).into()
    }

    /// Bytes of console output held.
    pub fn console_bytes(&self) -> usize {
        self.console.lock().unwrap_or_else(|p| p.into_inner()).bytes
    }
}
