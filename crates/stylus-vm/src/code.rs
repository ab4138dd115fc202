//! On-chain program code: the `EF F0 00 <dict>` prefix and brotli compression.

use std::io::{Read, Write};

/// `EF F0 00`: the classic Stylus program discriminant.
pub const STYLUS_DISCRIMINANT: [u8; 3] = [0xEF, 0xF0, 0x00];
/// Dictionary byte for "no dictionary" (what cargo-stylus always writes).
pub const DICT_EMPTY: u8 = 0;
/// Dictionary byte for Nitro's built-in Stylus program dictionary.
pub const DICT_STYLUS_PROGRAM: u8 = 1;

/// Why program code could not be turned into wasm.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// The code does not carry the Stylus prefix (ArbWasm's `ProgramNotWasm`).
    #[error("code is not a Stylus program (missing EF F0 00 prefix)")]
    NotStylus,
    /// Dictionary byte other than 0. Nitro also accepts 1 (its built-in dictionary), which this
    /// runtime does not ship.
    #[error("unsupported dictionary type {0}")]
    UnsupportedDictionary(u8),
    /// The brotli stream is malformed.
    #[error("brotli decompression failed: {0}")]
    Decompression(String),
    /// The decompressed wasm exceeds `MaxWasmSize`.
    #[error("decompressed wasm exceeds {limit} bytes")]
    TooLarge {
        /// The limit that was exceeded.
        limit: usize,
    },
}

/// True when `code` is a classic Stylus program (`len > 3` and the `EF F0 00` prefix).
pub fn is_stylus_program(code: &[u8]) -> bool {
    code.len() > 3 && code.starts_with(&STYLUS_DISCRIMINANT)
}

/// Strips the prefix and decompresses the wasm, refusing output beyond `max_wasm_size`.
pub fn decode_program(code: &[u8], max_wasm_size: usize) -> Result<Vec<u8>, CodeError> {
    if !is_stylus_program(code) {
        return Err(CodeError::NotStylus);
    }
    match code[3] {
        DICT_EMPTY => {}
        other => return Err(CodeError::UnsupportedDictionary(other)),
    }
    let limit_plus_one = u64::try_from(max_wasm_size)
        .ok()
        .and_then(|l| l.checked_add(1))
        .ok_or(CodeError::TooLarge {
            limit: max_wasm_size,
        })?;
    let mut out = Vec::new();
    brotli::Decompressor::new(&code[4..], 4096)
        .take(limit_plus_one)
        .read_to_end(&mut out)
        .map_err(|e| CodeError::Decompression(e.to_string()))?;
    if out.len() > max_wasm_size {
        return Err(CodeError::TooLarge {
            limit: max_wasm_size,
        });
    }
    Ok(out)
}

/// Compresses wasm the way cargo-stylus does (brotli quality 11, window 22) and prefixes it with
/// `EF F0 00 00`.
pub fn encode_program(wasm: &[u8]) -> Vec<u8> {
    let mut out = vec![0xEF, 0xF0, 0x00, DICT_EMPTY];
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        // Writing into a Vec cannot fail.
        writer.write_all(wasm).expect("in-memory brotli write");
    }
    out
}

/// The 43-byte deploy prelude cargo-stylus puts before the code: it returns the code that follows.
pub fn deploy_init_code(code: &[u8]) -> Vec<u8> {
    let mut init = Vec::with_capacity(code.len() + 43);
    init.push(0x7f);
    let mut len = [0u8; 32];
    len[24..].copy_from_slice(&(code.len() as u64).to_be_bytes());
    init.extend_from_slice(&len);
    init.extend_from_slice(&[0x80, 0x60, 0x2b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00]);
    init.extend_from_slice(code);
    init
}
