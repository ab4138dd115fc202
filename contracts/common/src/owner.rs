//! A minimal two-step owner with OpenZeppelin `Ownable2Step`'s ABI: `owner`, `pendingOwner`,
//! `transferOwnership` (starts a transfer: sets the pending owner and emits
//! `OwnershipTransferStarted`), `acceptOwnership` (by the pending owner only; emits
//! `OwnershipTransferred`), `renounceOwnership` (also clears the pending owner), and the two
//! `Ownable…` errors (issue 14, L5: a transfer to a mistyped address can no longer lose the
//! contract — the old owner keeps control until the new one accepts).
//!
//! OpenZeppelin's own implementation emits through the SDK's typed `log`, whose `unwrap` pulls
//! `core::fmt` into the binary (several KB); this one emits through [`crate::log_words`].

use alloy_primitives::Address;

use crate::raw_abi::address_word;
use stylus_sdk::storage::StorageAddress;

pub use abi::*;

/// OpenZeppelin `Ownable2Step`'s errors and events, declared here with the same signatures
/// (so the same selectors and topics) instead of imported from openzeppelin-stylus: that crate
/// switches alloy-primitives to its software keccak (`tiny-keccak`), which every storage-map
/// slot of every contract depending on it would then hash with, in wasm, instead of the
/// Stylus host's native keccak (and ~1.2 KB more code per contract).
#[allow(missing_docs)] // sol! expands to items without docs; each one is documented here
mod abi {
    alloy_sol_types::sol! {
        /// The caller is not the owner (or, for `acceptOwnership`, not the pending owner).
        #[derive(Debug)]
        error OwnableUnauthorizedAccount(address account);
        /// The new owner is not a valid owner (the zero address).
        #[derive(Debug)]
        error OwnableInvalidOwner(address owner);
        /// Ownership moved from `previous_owner` to `new_owner` (OpenZeppelin's parameter names).
        #[derive(Debug)]
        event OwnershipTransferred(address indexed previous_owner, address indexed new_owner);
        /// A two-step transfer started: `new_owner` may now accept.
        #[derive(Debug)]
        event OwnershipTransferStarted(address indexed previous_owner, address indexed new_owner);
    }
}

/// Why an owner check or change failed.
pub enum OwnerError {
    /// The caller is not the owner (or, for `acceptOwnership`, not the pending owner).
    Unauthorized(OwnableUnauthorizedAccount),
    /// The new owner is the zero address.
    Invalid(OwnableInvalidOwner),
}

/// Fails unless `caller` is the owner stored in `slot`.
pub fn only_owner(slot: &StorageAddress, caller: Address) -> Result<(), OwnerError> {
    if slot.get() != caller {
        return Err(OwnerError::Unauthorized(OwnableUnauthorizedAccount {
            account: caller,
        }));
    }
    Ok(())
}

/// Stores `new_owner` (not zero unless `allow_zero`, used by `renounceOwnership`) and emits
/// `OwnershipTransferred`. Used by the constructors and by [`accept`] / [`renounce`].
pub fn set_owner(
    slot: &mut StorageAddress,
    new_owner: Address,
    allow_zero: bool,
) -> Result<(), OwnerError> {
    if new_owner.is_zero() && !allow_zero {
        return Err(OwnerError::Invalid(OwnableInvalidOwner {
            owner: Address::ZERO,
        }));
    }
    let previous_owner = slot.get();
    slot.set(new_owner);
    crate::log_words(
        <OwnershipTransferred as alloy_sol_types::SolEvent>::SIGNATURE_HASH,
        &[address_word(previous_owner), address_word(new_owner)],
        &[],
    );
    Ok(())
}

/// `transferOwnership(new_owner)` (owner only): records `new_owner` as the pending owner and
/// emits `OwnershipTransferStarted(owner, new_owner)`. The owner stays in control until the
/// pending owner accepts; a new call replaces the pending owner, and zero cancels it.
pub fn start_transfer(
    owner: &StorageAddress,
    pending: &mut StorageAddress,
    caller: Address,
    new_owner: Address,
) -> Result<(), OwnerError> {
    only_owner(owner, caller)?;
    pending.set(new_owner);
    crate::log_words(
        <OwnershipTransferStarted as alloy_sol_types::SolEvent>::SIGNATURE_HASH,
        &[address_word(caller), address_word(new_owner)],
        &[],
    );
    Ok(())
}

/// `acceptOwnership()`: only the pending owner (never zero: no call comes from address 0);
/// it becomes the owner and the pending owner is cleared.
pub fn accept(
    owner: &mut StorageAddress,
    pending: &mut StorageAddress,
    caller: Address,
) -> Result<(), OwnerError> {
    if caller.is_zero() || pending.get() != caller {
        return Err(OwnerError::Unauthorized(OwnableUnauthorizedAccount {
            account: caller,
        }));
    }
    pending.set(Address::ZERO);
    set_owner(owner, caller, false)
}

/// `renounceOwnership()` (owner only): no owner, and no pending owner either, for good.
pub fn renounce(
    owner: &mut StorageAddress,
    pending: &mut StorageAddress,
    caller: Address,
) -> Result<(), OwnerError> {
    only_owner(owner, caller)?;
    pending.set(Address::ZERO);
    set_owner(owner, Address::ZERO, true)
}
