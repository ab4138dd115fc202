//! The guardian: `pause()` only, on contracts Governance owns.
use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolError};
use motsu::prelude::*;

use super::helpers::*;
use super::mock_target::{unpauseCall, MockNotOwner, MockRiskTarget};
use crate::{errors::*, events::*, Governance};

#[motsu::test]
fn guardian_pauses_at_once(
    gov: Contract<Governance>,
    target: Contract<MockRiskTarget>,
    alice: Address,
    bob: Address,
    guard: Address,
) {
    deploy(&gov, &[alice, bob], 2, guard);
    deploy_target(&target, &gov);
    gov.sender(guard)
        .guardian_pause(target.address())
        .motsu_unwrap();
    assert!(target.sender(alice).paused());
    gov.assert_emitted(&GuardianPaused {
        guardian: guard,
        target: target.address(),
    });
    // Unpausing takes a full proposal.
    pass(
        &gov,
        alice,
        bob,
        target.address(),
        unpauseCall {}.abi_encode(),
    )
    .expect("unpause");
    assert!(!target.sender(alice).paused());
}

#[motsu::test]
fn only_the_guardian_may_pause(
    gov: Contract<Governance>,
    target: Contract<MockRiskTarget>,
    alice: Address,
    bob: Address,
    guard: Address,
    mallory: Address,
) {
    deploy(&gov, &[alice, bob], 2, guard);
    deploy_target(&target, &gov);
    for caller in [alice, mallory] {
        let err = gov
            .sender(caller)
            .guardian_pause(target.address())
            .motsu_unwrap_err();
        assert!(matches!(err, Error::NotGuardian(GovNotGuardian { caller: c }) if c == caller));
    }
    assert!(!target.sender(alice).paused());
    // The guardian has no owner powers.
    let err = gov
        .sender(guard)
        .propose(
            target.address(),
            U256::ZERO,
            unpauseCall {}.abi_encode().into(),
        )
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotOwner(_)));
}

#[motsu::test]
fn without_a_guardian_nobody_pauses(
    gov: Contract<Governance>,
    target: Contract<MockRiskTarget>,
    alice: Address,
    bob: Address,
) {
    deploy(&gov, &[alice, bob], 2, Address::ZERO);
    deploy_target(&target, &gov);
    let err = gov
        .sender(alice)
        .guardian_pause(target.address())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotGuardian(_)));
}

#[motsu::test]
fn guardian_targets_are_checked(
    gov: Contract<Governance>,
    target: Contract<MockRiskTarget>,
    alice: Address,
    guard: Address,
    eoa: Address,
    other: Address,
) {
    deploy(&gov, &[alice], 1, guard);
    for bad in [Address::ZERO, gov.address()] {
        let err = gov.sender(guard).guardian_pause(bad).motsu_unwrap_err();
        assert!(matches!(err, Error::InvalidTarget(GovInvalidTarget { target }) if target == bad));
    }
    let err = gov.sender(guard).guardian_pause(eoa).motsu_unwrap_err();
    assert!(matches!(err, Error::NoCode(GovNoCode { target }) if target == eoa));
    // A target Governance does not own refuses; its revert data is passed through.
    target.sender(other).init(other, MAX_STEP_BPS, MIN_INTERVAL);
    let err = gov
        .sender(guard)
        .guardian_pause(target.address())
        .motsu_unwrap_err();
    match err {
        Error::PauseFailed(GovPauseFailed { target: t, reason }) => {
            assert_eq!(t, target.address());
            assert_eq!(
                reason.to_vec(),
                MockNotOwner {
                    caller: gov.address()
                }
                .abi_encode()
            );
        }
        other => panic!("unexpected error {other:?}"),
    }
    assert!(!target.sender(other).paused());
}

#[motsu::test]
fn a_new_guardian_replaces_the_old_one(
    gov: Contract<Governance>,
    target: Contract<MockRiskTarget>,
    alice: Address,
    bob: Address,
    guard: Address,
    guard2: Address,
) {
    deploy(&gov, &[alice, bob], 2, guard);
    deploy_target(&target, &gov);
    let data = crate::selfcall::setGuardianCall { guardian: guard2 }.abi_encode();
    pass(&gov, alice, bob, gov.address(), data).expect("set guardian");
    let err = gov
        .sender(guard)
        .guardian_pause(target.address())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotGuardian(GovNotGuardian { caller }) if caller == guard));
    gov.sender(guard2)
        .guardian_pause(target.address())
        .motsu_unwrap();
    assert!(target.sender(alice).paused());
}

/// `acceptOwnershipOf`: anyone may call it, and it only completes a transfer the target's
/// owner started to Governance (two-step ownership, issue 14 L5).
#[motsu::test]
fn anyone_completes_a_transfer_to_governance_and_nothing_else(
    gov: Contract<Governance>,
    target: Contract<MockRiskTarget>,
    alice: Address,
    deployer: Address,
    stranger: Address,
    eoa: Address,
) {
    deploy(&gov, &[alice], 1, Address::ZERO);
    target
        .sender(deployer)
        .init(deployer, MAX_STEP_BPS, MIN_INTERVAL);
    for bad in [Address::ZERO, gov.address()] {
        let err = gov
            .sender(stranger)
            .accept_ownership_of(bad)
            .motsu_unwrap_err();
        assert!(matches!(err, Error::InvalidTarget(GovInvalidTarget { target }) if target == bad));
    }
    let err = gov
        .sender(stranger)
        .accept_ownership_of(eoa)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NoCode(GovNoCode { target }) if target == eoa));
    // Nothing offered yet: the target refuses and its revert data comes back.
    let err = gov
        .sender(stranger)
        .accept_ownership_of(target.address())
        .motsu_unwrap_err();
    match err {
        Error::AcceptFailed(GovAcceptFailed { target: t, reason }) => {
            assert_eq!(t, target.address());
            assert_eq!(
                reason.to_vec(),
                MockNotOwner {
                    caller: gov.address()
                }
                .abi_encode()
            );
        }
        other => panic!("unexpected error {other:?}"),
    }
    assert_eq!(target.sender(stranger).owner(), deployer);
    // The owner offers it; a stranger completes it for Governance.
    target
        .sender(deployer)
        .transfer_ownership(gov.address())
        .motsu_unwrap();
    gov.sender(stranger)
        .accept_ownership_of(target.address())
        .motsu_unwrap();
    assert_eq!(target.sender(stranger).owner(), gov.address());
    gov.assert_emitted(&OwnershipAccepted {
        target: target.address(),
        caller: stranger,
    });
}
