//! [`contract_errors!`]: a contract's one `Error` enum, encoded through one routine.

/// Declares `Error`: one variant per custom error (`Variant(SolType { fields })`), plus
/// `Error::Callee(Vec<u8>)`, which carries a callee's revert data unchanged (so a token's
/// ERC-6093 error or a sibling's own error reaches the caller as it was). It writes what
/// `#[derive(SolidityError)]` would, which has no room for raw data, and encodes every error
/// through one routine (selector and static words, as [`crate::raw_abi::calldata`]) instead
/// of one alloy encoder per error type. Every field must be a static type with
/// [`crate::raw_abi::AbiWord`].
#[macro_export]
macro_rules! contract_errors {
    ($($(#[$doc:meta])* $variant:ident($ty:ident { $($field:ident),* }),)*) => {
        /// Every way a call can fail.
        #[derive(Debug)]
        pub enum Error {
            $($(#[$doc])* $variant($ty),)*
            /// A callee reverted: its revert data, passed through unchanged.
            Callee(Vec<u8>),
        }

        impl From<Error> for Vec<u8> {
            fn from(err: Error) -> Vec<u8> {
                match err {
                    $(Error::$variant(_e) => $crate::raw_abi::calldata(
                        <$ty as alloy_sol_types::SolError>::SELECTOR,
                        &[$($crate::raw_abi::AbiWord::word(_e.$field)),*],
                    ),)*
                    Error::Callee(data) => data,
                }
            }
        }

        $(impl From<$ty> for Error {
            fn from(e: $ty) -> Self {
                Error::$variant(e)
            }
        })*

        #[cfg(feature = "export-abi")]
        impl stylus_sdk::abi::export::internal::InnerTypes for Error {
            fn inner_types() -> Vec<stylus_sdk::abi::export::internal::InnerType> {
                use alloc::format;
                use stylus_sdk::alloy_sol_types::SolError;
                vec![$(stylus_sdk::abi::export::internal::InnerType {
                    name: format!("error {};", <$ty as SolError>::SIGNATURE.replace(',', ", ")),
                    id: core::any::TypeId::of::<$ty>(),
                },)*]
            }
        }
    };
}
