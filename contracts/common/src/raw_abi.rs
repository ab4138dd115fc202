//! Hand-rolled ABI for the calls between Lien's contracts and to ERC-20 tokens.
//!
//! Every argument and return value these calls carry is a static type (address, uint, bool),
//! so calldata is a selector followed by 32-byte words, and a reply is read word by word with
//! the checks Solidity's decoder applies (an address has 12 zero high bytes, a bool is 0 or
//! 1, a uint8 is below 256; the reply must be long enough). It replaces `sol_interface!`,
//! whose per-method encoders and decoders cost several KB per contract. Selectors come from
//! `sol!` function declarations (`fooCall::SELECTOR`), so they cannot drift from the ABI.

use alloc::vec::Vec;
use alloy_primitives::{Address, U256};

/// `selector ‖ args` as 32-byte big-endian words.
pub fn calldata(selector: [u8; 4], args: &[U256]) -> Vec<u8> {
    let mut data = Vec::with_capacity(4 + 32 * args.len());
    data.extend_from_slice(&selector);
    for arg in args {
        data.extend_from_slice(&arg.to_be_bytes::<32>());
    }
    data
}

/// An address as an ABI word.
pub fn address_word(account: Address) -> U256 {
    U256::from_be_slice(account.as_slice())
}

/// A static ABI value as its 32-byte word (for custom-error arguments).
pub trait AbiWord {
    /// The word.
    fn word(self) -> U256;
}

impl AbiWord for U256 {
    fn word(self) -> U256 {
        self
    }
}

impl AbiWord for Address {
    fn word(self) -> U256 {
        address_word(self)
    }
}

impl AbiWord for u8 {
    fn word(self) -> U256 {
        U256::from_limbs([u64::from(self), 0, 0, 0])
    }
}

impl AbiWord for bool {
    fn word(self) -> U256 {
        U256::from_limbs([u64::from(self), 0, 0, 0])
    }
}

impl AbiWord for u16 {
    fn word(self) -> U256 {
        U256::from_limbs([u64::from(self), 0, 0, 0])
    }
}

impl AbiWord for u64 {
    fn word(self) -> U256 {
        U256::from_limbs([self, 0, 0, 0])
    }
}

/// Word `index` of a reply, or `None` when the reply is too short.
pub fn word(reply: &[u8], index: usize) -> Option<U256> {
    let start = index.checked_mul(32)?;
    let bytes = reply.get(start..start.checked_add(32)?)?;
    Some(U256::from_be_slice(bytes))
}

/// Word `index` as an address; `None` when short or when the high 12 bytes are not zero.
pub fn address(reply: &[u8], index: usize) -> Option<Address> {
    let w = word(reply, index)?;
    if w >> 160 != U256::ZERO {
        return None;
    }
    Some(Address::from_slice(&w.to_be_bytes::<32>()[12..]))
}

/// Word `index` as a bool; `None` when short or not 0/1.
pub fn boolean(reply: &[u8], index: usize) -> Option<bool> {
    let w = word(reply, index)?;
    if w > U256::from(1u8) {
        return None;
    }
    Some(w == U256::from(1u8))
}

/// Word `index` as a `u8`; `None` when short or above 255.
pub fn small(reply: &[u8], index: usize) -> Option<u8> {
    let w = word(reply, index)?;
    if w > U256::from(u8::MAX) {
        return None;
    }
    Some(w.as_limbs()[0] as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_sol_types::{sol, SolCall, SolValue};

    sol! {
        function probe(uint256 a, address b, bool c) external returns (address, bool, uint8);
    }

    #[test]
    fn calldata_equals_alloys_encoding() {
        let b = Address::repeat_byte(0xab);
        let ours = calldata(
            probeCall::SELECTOR,
            &[U256::from(7u8), address_word(b), U256::from(1u8)],
        );
        assert_eq!(
            ours,
            probeCall {
                a: U256::from(7u8),
                b,
                c: true
            }
            .abi_encode()
        );
    }

    #[test]
    fn replies_are_validated_like_solidity() {
        let a = Address::repeat_byte(0x11);
        let reply = (a, true, U256::from(200u8)).abi_encode();
        assert_eq!(address(&reply, 0), Some(a));
        assert_eq!(boolean(&reply, 1), Some(true));
        assert_eq!(small(&reply, 2), Some(200));
        assert_eq!(word(&reply, 3), None, "past the end");
        let dirty = (U256::MAX, U256::from(2u8), U256::from(256u16)).abi_encode();
        assert_eq!(address(&dirty, 0), None);
        assert_eq!(boolean(&dirty, 1), None);
        assert_eq!(small(&dirty, 2), None);
        assert_eq!(word(&reply[..31], 0), None);
        assert_eq!(
            boolean(&[], 0),
            None,
            "empty reply (a token that returns nothing)"
        );
    }
}
