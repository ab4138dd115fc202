//! A minimal owner with OpenZeppelin `Ownable`'s ABI (`owner`, `transferOwnership`,
//! `renounceOwnership`, the `OwnershipTransferred` event and the two `Ownable…` errors).
//!
//! OpenZeppelin's own implementation emits through the SDK's typed `log`, whose `unwrap` pulls
//! `core::fmt` into the binary (several KB); this one emits through [`crate::log_words`].

use alloy_primitives::Address;

use crate::raw_abi::address_word;
use openzeppelin_stylus::access::ownable::{
    OwnableInvalidOwner, OwnableUnauthorizedAccount, OwnershipTransferred,
};
use stylus_sdk::storage::StorageAddress;

/// Why an owner check or change failed.
pub enum OwnerError {
    /// The caller is not the owner.
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
/// `OwnershipTransferred`.
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
