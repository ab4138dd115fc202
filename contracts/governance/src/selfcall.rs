//! The calls a proposal may make to the Governance contract itself, and the guardian's fixed
//! `pause()` calldata. A call to `this` is dispatched internally by `execute` (an external
//! self-call would be rejected by the SDK's reentrancy guard).
use alloc::vec::Vec;
use alloy_primitives::{Address, FixedBytes};
use alloy_sol_types::{sol, SolCall};

sol! {
    /// Adds `owner` to the owner set.
    function addOwner(address owner);
    /// Removes `owner` from the owner set.
    function removeOwner(address owner);
    /// Sets the approval threshold.
    function setThreshold(uint8 threshold);
    /// Sets the timelock delay in seconds.
    function setDelay(uint64 delay);
    /// Sets the guardian (zero = none).
    function setGuardian(address guardian);
    /// The only function the guardian can reach on a target.
    function pause();
}

/// One decoded self-call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelfCall {
    /// `addOwner(address)`.
    AddOwner(Address),
    /// `removeOwner(address)`.
    RemoveOwner(Address),
    /// `setThreshold(uint8)`.
    SetThreshold(u8),
    /// `setDelay(uint64)`.
    SetDelay(u64),
    /// `setGuardian(address)`.
    SetGuardian(Address),
}

/// Decodes `data` as one of the self-call functions (strict ABI: exact length, clean padding).
/// `None` for any other selector or malformed arguments.
pub fn decode(data: &[u8]) -> Option<SelfCall> {
    let selector: [u8; 4] = data.get(..4)?.try_into().ok()?;
    let call = match selector {
        addOwnerCall::SELECTOR => SelfCall::AddOwner(addOwnerCall::abi_decode(data, true).ok()?.owner),
        removeOwnerCall::SELECTOR => {
            SelfCall::RemoveOwner(removeOwnerCall::abi_decode(data, true).ok()?.owner)
        }
        setThresholdCall::SELECTOR => {
            SelfCall::SetThreshold(setThresholdCall::abi_decode(data, true).ok()?.threshold)
        }
        setDelayCall::SELECTOR => SelfCall::SetDelay(setDelayCall::abi_decode(data, true).ok()?.delay),
        setGuardianCall::SELECTOR => {
            SelfCall::SetGuardian(setGuardianCall::abi_decode(data, true).ok()?.guardian)
        }
        _ => return None,
    };
    // Exact length: one selector plus one word; reject trailing bytes.
    (data.len() == 36).then_some(call)
}

/// The first four bytes of `data`, zero-padded (for error reporting).
pub fn selector_of(data: &[u8]) -> FixedBytes<4> {
    let mut out = [0u8; 4];
    for (o, b) in out.iter_mut().zip(data.iter()) {
        *o = *b;
    }
    FixedBytes(out)
}

/// Calldata of `pause()`.
pub fn pause_calldata() -> Vec<u8> {
    pauseCall {}.abi_encode()
}
