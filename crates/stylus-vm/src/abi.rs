//! Just enough Solidity ABI for the system contracts: selectors, static words, dynamic bytes.

use revm::primitives::{keccak256, Address, Bytes, B256, U256};

/// Why calldata could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed calldata")]
pub struct AbiError;

/// The 4-byte selector of a signature such as `activateProgram(address)`.
pub fn selector(signature: &str) -> [u8; 4] {
    let h = keccak256(signature.as_bytes());
    [h[0], h[1], h[2], h[3]]
}

/// The 32-byte word `i` of the arguments (after the selector).
pub fn word(args: &[u8], i: usize) -> Result<B256, AbiError> {
    let start = i.checked_mul(32).ok_or(AbiError)?;
    let end = start.checked_add(32).ok_or(AbiError)?;
    args.get(start..end).map(B256::from_slice).ok_or(AbiError)
}

/// Argument `i` as an address (upper 12 bytes must be zero).
pub fn address_arg(args: &[u8], i: usize) -> Result<Address, AbiError> {
    let w = word(args, i)?;
    if w[..12].iter().any(|b| *b != 0) {
        return Err(AbiError);
    }
    Ok(Address::from_slice(&w[12..]))
}

/// Argument `i` as a uint256.
pub fn uint_arg(args: &[u8], i: usize) -> Result<U256, AbiError> {
    Ok(U256::from_be_bytes(word(args, i)?.0))
}

/// Dynamic `bytes` argument whose head is word `i`.
pub fn bytes_arg(args: &[u8], i: usize) -> Result<Bytes, AbiError> {
    let offset = usize::try_from(uint_arg(args, i)?).map_err(|_| AbiError)?;
    let len_word = offset
        .checked_div(32)
        .filter(|_| offset % 32 == 0)
        .ok_or(AbiError)?;
    let len = usize::try_from(uint_arg(args, len_word)?).map_err(|_| AbiError)?;
    let start = offset.checked_add(32).ok_or(AbiError)?;
    let end = start.checked_add(len).ok_or(AbiError)?;
    args.get(start..end)
        .map(Bytes::copy_from_slice)
        .ok_or(AbiError)
}

/// Encodes a list of static words.
pub fn encode_words(words: &[B256]) -> Bytes {
    words.iter().flat_map(|w| w.0).collect::<Vec<u8>>().into()
}

/// A uint as a word.
pub fn uint_word(v: U256) -> B256 {
    B256::from(v.to_be_bytes::<32>())
}

/// A u64 as a word.
pub fn u64_word(v: u64) -> B256 {
    uint_word(U256::from(v))
}

/// An address as a word.
pub fn address_word(a: Address) -> B256 {
    a.into_word()
}

/// A bool as a word.
pub fn bool_word(b: bool) -> B256 {
    u64_word(u64::from(b))
}

/// Encodes `address[]` as the single return value.
pub fn encode_address_array(addrs: &[Address]) -> Bytes {
    let mut words = vec![u64_word(32), u64_word(addrs.len() as u64)];
    words.extend(addrs.iter().map(|a| address_word(*a)));
    encode_words(&words)
}

/// Encodes a custom error `Name(args…)` with static arguments.
pub fn encode_error(signature: &str, words: &[B256]) -> Bytes {
    let mut out = selector(signature).to_vec();
    out.extend(words.iter().flat_map(|w| w.0));
    out.into()
}

/// Encodes `deploy(bytes,bytes,uint256,bytes32)` calldata for the StylusDeployer.
pub fn encode_deploy(bytecode: &[u8], init_data: &[u8], init_value: U256, salt: B256) -> Bytes {
    fn padded(b: &[u8]) -> Vec<u8> {
        let mut v = b.to_vec();
        v.resize(b.len().div_ceil(32) * 32, 0);
        v
    }
    let mut out = selector("deploy(bytes,bytes,uint256,bytes32)").to_vec();
    let first = 4 * 32;
    let second = first + 32 + padded(bytecode).len();
    for w in [
        u64_word(first as u64),
        u64_word(second as u64),
        uint_word(init_value),
        salt,
    ] {
        out.extend_from_slice(&w.0);
    }
    out.extend_from_slice(&u64_word(bytecode.len() as u64).0);
    out.extend(padded(bytecode));
    out.extend_from_slice(&u64_word(init_data.len() as u64).0);
    out.extend(padded(init_data));
    out.into()
}
