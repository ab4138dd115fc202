//! A view's static return values handed to the SDK as raw ABI words.
//!
//! The SDK encodes a `#[public]` function's tuple return through alloy's generic tuple
//! encoder, instantiated once per tuple type (13 or 10 mixed types for the LoanBook's `loan`
//! and `loanTerms`). [`Words`] is `N` values already converted to their ABI words; it encodes
//! as exactly those `N` words — the same bytes as the tuple of static types it stands for
//! (a static tuple's encoding is its elements' words in order, without offsets). The
//! contracts use it only in the wasm build: their motsu tests and `export-abi` keep the typed
//! tuple (the return type does not enter the selector), and the end-to-end tests decode the
//! wasm's replies with the exported interface, so any mismatch in order or width fails there.

use alloc::vec::Vec;
use alloy_primitives::{keccak256, B256, U256};
use alloy_sol_types::{
    abi::token::{FixedSeqToken, WordToken},
    private::SolTypeValue,
    SolType, Word,
};
use stylus_sdk::abi::{AbiType, ConstString};

/// `N` static return values as their ABI words, in declaration order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Words<const N: usize>(pub [U256; N]);

impl<const N: usize> SolType for Words<N> {
    type RustType = Self;
    type Token<'a> = FixedSeqToken<WordToken, N>;
    const SOL_NAME: &'static str = "words";
    const ENCODED_SIZE: Option<usize> = Some(N * 32);
    const PACKED_ENCODED_SIZE: Option<usize> = Some(N * 32);

    fn valid_token(_: &Self::Token<'_>) -> bool {
        true
    }

    fn detokenize(token: Self::Token<'_>) -> Self {
        Words(token.0.map(|w| U256::from_be_bytes(w.0 .0)))
    }

    /// The words back to back (what the SDK returns): one non-generic routine for every `N`.
    fn abi_encode<E: ?Sized + SolTypeValue<Self>>(rust: &E) -> Vec<u8> {
        concat_words(&rust.stv_to_tokens().0)
    }
}

/// The tokens' words back to back.
fn concat_words(tokens: &[WordToken]) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 * tokens.len());
    for t in tokens {
        out.extend_from_slice(t.0.as_slice());
    }
    out
}

impl<const N: usize> SolTypeValue<Words<N>> for Words<N> {
    fn stv_to_tokens(&self) -> FixedSeqToken<WordToken, N> {
        FixedSeqToken(self.0.map(|w| WordToken(B256::from(w.to_be_bytes::<32>()))))
    }

    fn stv_abi_encode_packed_to(&self, out: &mut Vec<u8>) {
        for w in &self.0 {
            out.extend_from_slice(&w.to_be_bytes::<32>());
        }
    }

    fn stv_eip712_data_word(&self) -> Word {
        let mut packed = Vec::with_capacity(N * 32);
        <Self as SolTypeValue<Self>>::stv_abi_encode_packed_to(self, &mut packed);
        keccak256(packed)
    }
}

impl<const N: usize> AbiType for Words<N> {
    type SolType = Self;
    const ABI: ConstString = ConstString::new("words");
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::Address;

    #[test]
    fn encodes_as_the_static_tuple_it_stands_for() {
        let a = Address::repeat_byte(7);
        let tuple = (a, U256::from(5u8), 3u16, 9u64, true);
        let typed = <<(Address, U256, u16, u64, bool) as AbiType>::SolType as SolType>::abi_encode(
            &tuple,
        );
        let words = Words([
            crate::raw_abi::address_word(a),
            U256::from(5u8),
            U256::from(3u8),
            U256::from(9u8),
            U256::from(1u8),
        ]);
        assert_eq!(<Words<5> as SolType>::abi_encode(&words), typed);
    }
}

/// A view's return value from its fields: the typed tuple `(a, b, …)` in test and
/// `export-abi` builds, [`Words`] of their ABI words (`raw_abi::AbiWord`) in the wasm. Use it
/// with a return type declared the same way (`#[cfg(any(test, feature = "export-abi"))]`).
#[macro_export]
macro_rules! view_words {
    ($($e:expr),+ $(,)?) => {{
        #[cfg(any(test, feature = "export-abi"))]
        let v = ($($e,)+);
        #[cfg(not(any(test, feature = "export-abi")))]
        let v = $crate::words::Words([$($crate::raw_abi::AbiWord::word($e)),+]);
        v
    }};
}
