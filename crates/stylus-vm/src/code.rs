//! On-chain program code: the classic `EF F0 00 <dict>` program, and ArbOS 60's multi-fragment
//! programs — fragments (`EF F0 01` ++ a slice of the compressed wasm) and a root (`EF F0 02
//! <dict>` ++ the decompressed length as a big-endian u32 ++ the fragments' 20-byte addresses) —
//! with brotli compression.

use std::io::{Read, Write};

use revm::primitives::Address;

/// `EF F0 00`: the classic Stylus program discriminant.
pub const STYLUS_DISCRIMINANT: [u8; 3] = [0xEF, 0xF0, 0x00];
/// `EF F0 01`: a fragment of a multi-fragment program (ArbOS 60).
pub const FRAGMENT_DISCRIMINANT: [u8; 3] = [0xEF, 0xF0, 0x01];
/// `EF F0 02`: the root of a multi-fragment program (ArbOS 60).
pub const ROOT_DISCRIMINANT: [u8; 3] = [0xEF, 0xF0, 0x02];
/// Bytes of a root before its fragment addresses: discriminant, dictionary, length.
pub const ROOT_HEADER_BYTES: usize = 8;
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
    /// Before ArbOS 60, activation accepts classic programs only (Nitro: "specified bytecode
    /// is not a Stylus program", a plain revert).
    #[error("specified bytecode is not a Stylus program")]
    NotClassic,
    /// A fragment was given to `activateProgram` (Nitro: "fragmented stylus programs cannot be
    /// activated directly; activate the root program instead").
    #[error("fragmented stylus programs cannot be activated directly; activate the root program instead")]
    FragmentActivatedDirectly,
    /// A root shorter than its 8-byte header.
    #[error("stylus program root too short: need at least 8 bytes, got {0}")]
    RootTooShort(usize),
    /// A root whose address list is not a whole number of addresses.
    #[error("stylus program root address data has invalid length: {0} (must be multiple of 20)")]
    RootAddressData(usize),
    /// A root naming no fragment.
    #[error("invalid wasm: fragment count cannot be zero")]
    NoFragments,
    /// A root naming more fragments than `MaxFragmentCount`.
    #[error("invalid wasm: fragment count {count} exceeds limit of {limit}")]
    TooManyFragments {
        /// Fragments the root names.
        count: usize,
        /// `MaxFragmentCount`.
        limit: u8,
    },
    /// A root declaring a decompressed length above `MaxWasmSize`.
    #[error("invalid wasm: decompressedLength {declared} is greater then MaxWasmSize {limit}")]
    DeclaredTooLarge {
        /// The root's declared length.
        declared: u32,
        /// `MaxWasmSize`.
        limit: u32,
    },
    /// An address a root names does not hold fragment code (`EF F0 01` and at least 1 byte).
    #[error("specified bytecode is not a Stylus program fragment ({0})")]
    NotFragment(Address),
    /// The concatenated fragments decompress to more or fewer bytes than the root declares.
    #[error(
        "invalid wasm: decompressed length {actual} does not match expected length {declared}"
    )]
    LengthMismatch {
        /// The root's declared length.
        declared: u32,
        /// What decompression gave (at most `declared + 1`: decompression stops past it).
        actual: usize,
    },
}

/// True when `code` is a classic Stylus program (`len > 3` and the `EF F0 00` prefix).
pub fn is_stylus_program(code: &[u8]) -> bool {
    code.len() > 3 && code.starts_with(&STYLUS_DISCRIMINANT)
}

/// True when `code` is a fragment (`len > 3` and the `EF F0 01` prefix).
pub fn is_fragment(code: &[u8]) -> bool {
    code.len() > 3 && code.starts_with(&FRAGMENT_DISCRIMINANT)
}

/// True when `code` is a root (`len > 3` and the `EF F0 02` prefix).
pub fn is_root(code: &[u8]) -> bool {
    code.len() > 3 && code.starts_with(&ROOT_DISCRIMINANT)
}

/// Strips the prefix and decompresses the wasm, refusing output beyond `max_wasm_size`.
pub fn decode_program(code: &[u8], max_wasm_size: usize) -> Result<Vec<u8>, CodeError> {
    if !is_stylus_program(code) {
        return Err(CodeError::NotStylus);
    }
    check_dictionary(code[3])?;
    let out = decompress(&code[4..], max_wasm_size)?;
    if out.len() > max_wasm_size {
        return Err(CodeError::TooLarge {
            limit: max_wasm_size,
        });
    }
    Ok(out)
}

/// Accepts dictionary 0 only (see [`CodeError::UnsupportedDictionary`]).
pub fn check_dictionary(dictionary: u8) -> Result<(), CodeError> {
    match dictionary {
        DICT_EMPTY => Ok(()),
        other => Err(CodeError::UnsupportedDictionary(other)),
    }
}

/// Decompresses `compressed`, stopping one byte past `limit` (so the caller sees "more than
/// `limit`" without the rest being produced).
pub fn decompress(compressed: &[u8], limit: usize) -> Result<Vec<u8>, CodeError> {
    let limit_plus_one = u64::try_from(limit)
        .ok()
        .and_then(|l| l.checked_add(1))
        .ok_or(CodeError::TooLarge { limit })?;
    let mut out = Vec::new();
    brotli::Decompressor::new(compressed, 4096)
        .take(limit_plus_one)
        .read_to_end(&mut out)
        .map_err(|e| CodeError::Decompression(e.to_string()))?;
    Ok(out)
}

/// A parsed root: the dictionary, the declared decompressed length and the fragments in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Root {
    /// Dictionary byte the concatenated fragments were compressed with.
    pub dictionary: u8,
    /// Length of the wasm the fragments decompress to.
    pub decompressed_len: u32,
    /// Fragment addresses, in concatenation order.
    pub fragments: Vec<Address>,
}

/// Parses root code (go-ethereum's `NewStylusRoot`): the dictionary byte is not checked here
/// (Nitro checks it after the fragments are read and paid for).
pub fn parse_root(code: &[u8]) -> Result<Root, CodeError> {
    if !is_root(code) {
        return Err(CodeError::NotStylus);
    }
    if code.len() < ROOT_HEADER_BYTES {
        return Err(CodeError::RootTooShort(code.len()));
    }
    let addresses = &code[ROOT_HEADER_BYTES..];
    if !addresses.len().is_multiple_of(20) {
        return Err(CodeError::RootAddressData(addresses.len()));
    }
    Ok(Root {
        dictionary: code[3],
        decompressed_len: u32::from_be_bytes([code[4], code[5], code[6], code[7]]),
        fragments: addresses
            .chunks_exact(20)
            .map(Address::from_slice)
            .collect(),
    })
}

/// The payload of fragment code at `address` (its code without `EF F0 01`).
pub fn fragment_payload(address: Address, code: &[u8]) -> Result<&[u8], CodeError> {
    if !is_fragment(code) {
        return Err(CodeError::NotFragment(address));
    }
    Ok(&code[3..])
}

/// Decompresses the concatenated fragment payloads of `root`, which must give exactly the
/// declared length.
pub fn decode_fragments(root: &Root, compressed: &[u8]) -> Result<Vec<u8>, CodeError> {
    check_dictionary(root.dictionary)?;
    let declared = root.decompressed_len;
    let wasm = decompress(compressed, declared as usize)?;
    if wasm.len() != declared as usize {
        return Err(CodeError::LengthMismatch {
            declared,
            actual: wasm.len(),
        });
    }
    Ok(wasm)
}

/// Root code naming `fragments` for a wasm of `decompressed_len` bytes compressed with
/// `dictionary`.
pub fn encode_root(dictionary: u8, decompressed_len: u32, fragments: &[Address]) -> Vec<u8> {
    let mut code = Vec::with_capacity(ROOT_HEADER_BYTES + 20 * fragments.len());
    code.extend_from_slice(&ROOT_DISCRIMINANT);
    code.push(dictionary);
    code.extend_from_slice(&decompressed_len.to_be_bytes());
    for f in fragments {
        code.extend_from_slice(f.as_slice());
    }
    code
}

/// Splits compressed wasm into fragment codes (`EF F0 01` ++ payload), each at most
/// `max_code_size` bytes, in order. Empty input gives no fragment.
pub fn split_into_fragments(compressed: &[u8], max_code_size: usize) -> Vec<Vec<u8>> {
    let chunk = max_code_size
        .saturating_sub(FRAGMENT_DISCRIMINANT.len())
        .max(1);
    compressed
        .chunks(chunk)
        .map(|payload| {
            let mut code = FRAGMENT_DISCRIMINANT.to_vec();
            code.extend_from_slice(payload);
            code
        })
        .collect()
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
