//! The Governance contract's custom errors (prefix `Gov`) and its single `Error` enum.
use alloy_sol_types::sol;
use stylus_sdk::prelude::*;

sol! {
    /// The caller is not one of the current owners.
    #[derive(Debug)]
    error GovNotOwner(address caller);
    /// Only the contract itself (through an executed proposal) may call this function.
    #[derive(Debug)]
    error GovOnlySelf(address caller);
    /// The caller is not the guardian (or no guardian is set).
    #[derive(Debug)]
    error GovNotGuardian(address caller);
    /// An owner address is zero or the Governance contract itself.
    #[derive(Debug)]
    error GovInvalidOwner(address owner);
    /// The address is already an owner.
    #[derive(Debug)]
    error GovDuplicateOwner(address owner);
    /// The address is not an owner.
    #[derive(Debug)]
    error GovUnknownOwner(address owner);
    /// The owner count would leave `[threshold, 16]` (or `[1, 16]` at construction).
    #[derive(Debug)]
    error GovBadOwnerCount(uint256 count);
    /// The threshold is outside `[1, owner count]`.
    #[derive(Debug)]
    error GovBadThreshold(uint8 threshold);
    /// The delay is outside `[1 hour, 30 days]`.
    #[derive(Debug)]
    error GovBadDelay(uint64 delay);
    /// No proposal has this id.
    #[derive(Debug)]
    error GovUnknownProposal(uint256 id);
    /// This owner has already approved the proposal.
    #[derive(Debug)]
    error GovAlreadyApproved(uint256 id, address owner);
    /// This owner has not approved the proposal (nothing to revoke).
    #[derive(Debug)]
    error GovNotApproved(uint256 id, address owner);
    /// Fewer current owners approve than the threshold asks for.
    #[derive(Debug)]
    error GovThresholdNotMet(uint256 id, uint256 approvals, uint8 threshold);
    /// The timelock is still running; the proposal becomes executable at `executableAt`.
    #[derive(Debug)]
    error GovTimelocked(uint256 id, uint64 executableAt);
    /// The execution window closed at `expiredAt`.
    #[derive(Debug)]
    error GovExpired(uint256 id, uint64 expiredAt);
    /// The proposal was already executed.
    #[derive(Debug)]
    error GovAlreadyExecuted(uint256 id);
    /// The proposal was cancelled.
    #[derive(Debug)]
    error GovProposalCancelled(uint256 id);
    /// Only the proposer may cancel a proposal.
    #[derive(Debug)]
    error GovNotProposer(uint256 id, address caller);
    /// The target is the zero address, or the Governance contract where it is not allowed.
    #[derive(Debug)]
    error GovInvalidTarget(address target);
    /// A proposal to the Governance contract itself does not encode one of its self-call
    /// functions, or it carries value.
    #[derive(Debug)]
    error GovBadSelfCall(bytes4 selector);
    /// Calldata for an address without code (the call would "succeed" doing nothing).
    #[derive(Debug)]
    error GovNoCode(address target);
    /// The contract holds less ETH than the proposal forwards.
    #[derive(Debug)]
    error GovInsufficientBalance(uint256 balance, uint256 needed);
    /// The target reverted; `reason` is its revert data, unchanged.
    #[derive(Debug)]
    error GovExecutionFailed(address target, bytes reason);
    /// The target's `pause()` reverted; `reason` is its revert data, unchanged.
    #[derive(Debug)]
    error GovPauseFailed(address target, bytes reason);
    /// The target's `acceptOwnership()` reverted (e.g. Governance is not its pending owner);
    /// `reason` is its revert data, unchanged.
    #[derive(Debug)]
    error GovAcceptFailed(address target, bytes reason);
    /// A counter (proposal id or owner generation) would overflow.
    #[derive(Debug)]
    error GovOverflow();
}

/// Every failure of the Governance contract.
#[derive(SolidityError, Debug)]
pub enum Error {
    /// See [`GovNotOwner`].
    NotOwner(GovNotOwner),
    /// See [`GovOnlySelf`].
    OnlySelf(GovOnlySelf),
    /// See [`GovNotGuardian`].
    NotGuardian(GovNotGuardian),
    /// See [`GovInvalidOwner`].
    InvalidOwner(GovInvalidOwner),
    /// See [`GovDuplicateOwner`].
    DuplicateOwner(GovDuplicateOwner),
    /// See [`GovUnknownOwner`].
    UnknownOwner(GovUnknownOwner),
    /// See [`GovBadOwnerCount`].
    BadOwnerCount(GovBadOwnerCount),
    /// See [`GovBadThreshold`].
    BadThreshold(GovBadThreshold),
    /// See [`GovBadDelay`].
    BadDelay(GovBadDelay),
    /// See [`GovUnknownProposal`].
    UnknownProposal(GovUnknownProposal),
    /// See [`GovAlreadyApproved`].
    AlreadyApproved(GovAlreadyApproved),
    /// See [`GovNotApproved`].
    NotApproved(GovNotApproved),
    /// See [`GovThresholdNotMet`].
    ThresholdNotMet(GovThresholdNotMet),
    /// See [`GovTimelocked`].
    Timelocked(GovTimelocked),
    /// See [`GovExpired`].
    Expired(GovExpired),
    /// See [`GovAlreadyExecuted`].
    AlreadyExecuted(GovAlreadyExecuted),
    /// See [`GovProposalCancelled`].
    ProposalCancelled(GovProposalCancelled),
    /// See [`GovNotProposer`].
    NotProposer(GovNotProposer),
    /// See [`GovInvalidTarget`].
    InvalidTarget(GovInvalidTarget),
    /// See [`GovBadSelfCall`].
    BadSelfCall(GovBadSelfCall),
    /// See [`GovNoCode`].
    NoCode(GovNoCode),
    /// See [`GovInsufficientBalance`].
    InsufficientBalance(GovInsufficientBalance),
    /// See [`GovExecutionFailed`].
    ExecutionFailed(GovExecutionFailed),
    /// See [`GovPauseFailed`].
    PauseFailed(GovPauseFailed),
    /// See [`GovAcceptFailed`].
    AcceptFailed(GovAcceptFailed),
    /// See [`GovOverflow`].
    Overflow(GovOverflow),
}
