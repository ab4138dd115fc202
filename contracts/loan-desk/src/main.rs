//! Prints the contract's Solidity interface (`cargo run --features export-abi`).
#![cfg_attr(not(feature = "export-abi"), no_main)]

#[cfg(feature = "export-abi")]
fn main() {
    lien_loan_desk::print_from_args();
}
