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
    /// The only function `acceptOwnershipOf` calls on a target (OpenZeppelin `Ownable2Step`).
    function acceptOwnership();
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

/// Decodes `data` as one of the self-call functions: exactly a selector and one ABI word
/// whose unused high bytes are zero. `None` for any other selector or malformed arguments.
pub fn decode(data: &[u8]) -> Option<SelfCall> {
    if data.len() != 36 {
        return None;
    }
    let (selector, arg) = data.split_at(4);
    let selector: [u8; 4] = selector.try_into().ok()?;
    let word: [u8; 32] = arg.try_into().ok()?;
    // The value occupies the low `width` bytes; everything above must be zero.
    let fits = |width: usize| {
        word.iter()
            .take(32usize.saturating_sub(width))
            .all(|b| *b == 0)
    };
    let mut raw = [0u8; 20];
    for (a, w) in raw.iter_mut().zip(word.iter().skip(12)) {
        *a = *w;
    }
    let address = Address::from(raw);
    let low8: [u8; 8] = word[24..].try_into().ok()?;
    match selector {
        addOwnerCall::SELECTOR if fits(20) => Some(SelfCall::AddOwner(address)),
        removeOwnerCall::SELECTOR if fits(20) => Some(SelfCall::RemoveOwner(address)),
        setGuardianCall::SELECTOR if fits(20) => Some(SelfCall::SetGuardian(address)),
        setThresholdCall::SELECTOR if fits(1) => Some(SelfCall::SetThreshold(word[31])),
        setDelayCall::SELECTOR if fits(8) => Some(SelfCall::SetDelay(u64::from_be_bytes(low8))),
        _ => None,
    }
}

/// The first four bytes of `data`, zero-padded (for error reporting).
pub fn selector_of(data: &[u8]) -> FixedBytes<4> {
    let mut out = [0u8; 4];
    for (o, b) in out.iter_mut().zip(data.iter()) {
        *o = *b;
    }
    FixedBytes(out)
}

/// Calldata of `acceptOwnership()`.
pub fn accept_ownership_calldata() -> Vec<u8> {
    acceptOwnershipCall::SELECTOR.to_vec()
}

/// Calldata of `pause()`.
pub fn pause_calldata() -> Vec<u8> {
    pauseCall::SELECTOR.to_vec()
}
