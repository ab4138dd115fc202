//! Propose / approve / revoke / execute / cancel, the timelock clock and expiry.
use alloy_primitives::{Address, U256};
use motsu::prelude::*;
use stylus_sdk::abi::Bytes;

use super::helpers::*;
use super::mock_target::MockRiskTarget;
use crate::{errors::*, events::*, Governance, EXPIRY_WINDOW};

/// Phase codes returned by `proposalState`.
const PENDING: u8 = 0;
const QUEUED: u8 = 1;
const READY: u8 = 2;
const EXPIRED: u8 = 3;
const EXECUTED: u8 = 4;
const CANCELLED: u8 = 5;

#[motsu::test]
fn propose_counts_as_the_proposers_approval(
    gov: Contract<Governance>,
    target: Contract<MockRiskTarget>,
    alice: Address,
    bob: Address,
    carol: Address,
    coll: Address,
) {
    deploy(&gov, &[alice, bob, carol], 2, Address::ZERO);
    deploy_target(&target, &gov);
    let data = set_ltv(coll, 4_000);
    let id = propose(&gov, alice, target.address(), U256::ZERO, data.clone());
    assert_eq!(id, U256::from(1));
    assert_eq!(gov.sender(bob).proposal_count(), U256::from(1));
    gov.assert_emitted(&Proposed {
        id,
        proposer: alice,
        target: target.address(),
        value: U256::ZERO,
        data: data.clone().into(),
    });
    gov.assert_emitted(&Approved {
        id,
        owner: alice,
        approvals: U256::from(1),
    });
    assert!(gov.sender(bob).has_approved(id, alice).motsu_unwrap());
    assert!(!gov.sender(bob).has_approved(id, bob).motsu_unwrap());
    assert_eq!(approvals(&gov, id), U256::from(1));
    assert_eq!(state(&gov, id), PENDING);
    assert_eq!(eta(&gov, id), 0);
    let (proposer, tgt, value, proposed_at, executable_at, count, phase) =
        gov.sender(bob).get_proposal(id).motsu_unwrap();
    let stored = gov.sender(bob).proposal_data(id).motsu_unwrap();
    assert_eq!(
        (proposer, tgt, value, stored.0, executable_at, count, phase),
        (alice, target.address(), U256::ZERO, data, 0, 1, PENDING)
    );
    assert!(proposed_at > 0);
    // The second approval reaches the threshold and starts the clock.
    gov.sender(bob).approve(id).motsu_unwrap();
    gov.assert_emitted(&Approved {
        id,
        owner: bob,
        approvals: U256::from(2),
    });
    let (.., executable_at, count, phase) = gov.sender(bob).get_proposal(id).motsu_unwrap();
    assert_eq!((count, phase), (2, QUEUED));
    // No time passed in between: the clock started at the proposal's own timestamp.
    assert_eq!(executable_at, proposed_at + DELAY);
    gov.assert_emitted(&ThresholdReached {
        id,
        reachedAt: proposed_at,
        executableAt: proposed_at + DELAY,
    });
}

#[motsu::test]
fn threshold_of_one_starts_the_clock_at_proposal(
    gov: Contract<Governance>,
    target: Contract<MockRiskTarget>,
    alice: Address,
    bob: Address,
    coll: Address,
) {
    deploy(&gov, &[alice, bob], 1, Address::ZERO);
    deploy_target(&target, &gov);
    let id = propose(
        &gov,
        alice,
        target.address(),
        U256::ZERO,
        set_ltv(coll, 1_000),
    );
    assert_eq!(state(&gov, id), QUEUED);
    advance(DELAY);
    gov.sender(bob).execute(id).motsu_unwrap();
    assert_eq!(target.sender(alice).max_ltv(coll), 1_000);
}

#[motsu::test]
fn non_owners_cannot_act(
    gov: Contract<Governance>,
    alice: Address,
    bob: Address,
    mallory: Address,
) {
    deploy(&gov, &[alice, bob], 2, Address::ZERO);
    let err = gov
        .sender(mallory)
        .propose(alice, U256::ZERO, Bytes::from(Vec::new()))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotOwner(GovNotOwner { caller }) if caller == mallory));
    let id = propose(&gov, alice, bob, U256::ZERO, Vec::new());
    for err in [
        gov.sender(mallory).approve(id).motsu_unwrap_err(),
        gov.sender(mallory).revoke(id).motsu_unwrap_err(),
        gov.sender(mallory)
            .execute(id)
            .map(|_| ())
            .motsu_unwrap_err(),
        gov.sender(mallory).cancel(id).motsu_unwrap_err(),
    ] {
        assert!(matches!(err, Error::NotOwner(GovNotOwner { caller }) if caller == mallory));
    }
    assert_eq!(approvals(&gov, id), U256::from(1));
}

#[motsu::test]
fn double_approval_is_rejected(
    gov: Contract<Governance>,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    deploy(&gov, &[alice, bob, carol], 3, Address::ZERO);
    let id = propose(&gov, alice, bob, U256::ZERO, Vec::new());
    let err = gov.sender(alice).approve(id).motsu_unwrap_err();
    assert!(
        matches!(err, Error::AlreadyApproved(GovAlreadyApproved { id: i, owner }) if i == id && owner == alice)
    );
    gov.sender(bob).approve(id).motsu_unwrap();
    let err = gov.sender(bob).approve(id).motsu_unwrap_err();
    assert!(
        matches!(err, Error::AlreadyApproved(GovAlreadyApproved { owner, .. }) if owner == bob)
    );
    assert_eq!(approvals(&gov, id), U256::from(2));
}

#[motsu::test]
fn execution_waits_for_threshold_and_delay(
    gov: Contract<Governance>,
    target: Contract<MockRiskTarget>,
    alice: Address,
    bob: Address,
    carol: Address,
    coll: Address,
) {
    deploy(&gov, &[alice, bob, carol], 2, Address::ZERO);
    deploy_target(&target, &gov);
    let id = propose(
        &gov,
        alice,
        target.address(),
        U256::ZERO,
        set_ltv(coll, 3_000),
    );
    // Threshold not met.
    let err = gov.sender(alice).execute(id).motsu_unwrap_err();
    assert!(
        matches!(err, Error::ThresholdNotMet(GovThresholdNotMet { approvals, threshold: 2, .. }) if approvals == U256::from(1))
    );
    // Time alone does not help.
    advance(DELAY * 2);
    assert!(matches!(
        gov.sender(alice).execute(id).motsu_unwrap_err(),
        Error::ThresholdNotMet(_)
    ));
    gov.sender(carol).approve(id).motsu_unwrap();
    let first = eta(&gov, id);
    // Early execution.
    advance(DELAY - 1);
    let err = gov.sender(alice).execute(id).motsu_unwrap_err();
    assert!(
        matches!(err, Error::Timelocked(GovTimelocked { executableAt, .. }) if executableAt == first)
    );
    assert_eq!(target.sender(alice).max_ltv(coll), 0);
    advance(1);
    assert_eq!(state(&gov, id), READY);
    // Any owner executes, not only the proposer.
    gov.sender(bob).execute(id).motsu_unwrap();
    gov.assert_emitted(&Executed { id, executor: bob });
    assert_eq!(target.sender(alice).max_ltv(coll), 3_000);
    assert_eq!(state(&gov, id), EXECUTED);
    // Double execution.
    let err = gov.sender(alice).execute(id).motsu_unwrap_err();
    assert!(matches!(err, Error::AlreadyExecuted(GovAlreadyExecuted { id: i }) if i == id));
    // Executed proposals take no more approvals, revokes or cancels.
    assert!(matches!(
        gov.sender(bob).approve(id).motsu_unwrap_err(),
        Error::AlreadyExecuted(_)
    ));
    assert!(matches!(
        gov.sender(bob).revoke(id).motsu_unwrap_err(),
        Error::AlreadyExecuted(_)
    ));
    assert!(matches!(
        gov.sender(alice).cancel(id).motsu_unwrap_err(),
        Error::AlreadyExecuted(_)
    ));
}

#[motsu::test]
fn revoke_below_threshold_resets_the_clock(
    gov: Contract<Governance>,
    target: Contract<MockRiskTarget>,
    alice: Address,
    bob: Address,
    carol: Address,
    coll: Address,
) {
    deploy(&gov, &[alice, bob, carol], 2, Address::ZERO);
    deploy_target(&target, &gov);
    let id = propose(
        &gov,
        alice,
        target.address(),
        U256::ZERO,
        set_ltv(coll, 2_000),
    );
    gov.sender(bob).approve(id).motsu_unwrap();
    let first_eta = eta(&gov, id);
    advance(DELAY - 10);
    gov.sender(bob).revoke(id).motsu_unwrap();
    gov.assert_emitted(&Revoked {
        id,
        owner: bob,
        approvals: U256::from(1),
    });
    gov.assert_emitted(&TimelockReset { id });
    assert_eq!(state(&gov, id), PENDING);
    assert_eq!(eta(&gov, id), 0);
    assert!(!gov.sender(alice).has_approved(id, bob).motsu_unwrap());
    // A revoked approval does not count: the old deadline passes, still not executable.
    advance(20);
    assert!(matches!(
        gov.sender(alice).execute(id).motsu_unwrap_err(),
        Error::ThresholdNotMet(_)
    ));
    // Reaching the threshold again restarts the full delay.
    gov.sender(carol).approve(id).motsu_unwrap();
    let second_eta = eta(&gov, id);
    assert_eq!(second_eta, first_eta + DELAY + 10);
    assert!(matches!(
        gov.sender(alice).execute(id).motsu_unwrap_err(),
        Error::Timelocked(_)
    ));
    advance(DELAY);
    gov.sender(alice).execute(id).motsu_unwrap();
    assert_eq!(target.sender(alice).max_ltv(coll), 2_000);
}

#[motsu::test]
fn revoke_above_threshold_keeps_the_clock(
    gov: Contract<Governance>,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    deploy(&gov, &[alice, bob, carol], 2, Address::ZERO);
    let id = propose(&gov, alice, bob, U256::ZERO, Vec::new());
    gov.sender(bob).approve(id).motsu_unwrap();
    gov.sender(carol).approve(id).motsu_unwrap();
    let first = eta(&gov, id);
    advance(100);
    gov.sender(carol).revoke(id).motsu_unwrap();
    assert!(!gov.emitted(&TimelockReset { id }));
    assert_eq!(eta(&gov, id), first);
    assert_eq!(state(&gov, id), QUEUED);
}

#[motsu::test]
fn revoke_without_approval_fails(gov: Contract<Governance>, alice: Address, bob: Address) {
    deploy(&gov, &[alice, bob], 2, Address::ZERO);
    let id = propose(&gov, alice, bob, U256::ZERO, Vec::new());
    let err = gov.sender(bob).revoke(id).motsu_unwrap_err();
    assert!(matches!(err, Error::NotApproved(GovNotApproved { owner, .. }) if owner == bob));
    gov.sender(alice).revoke(id).motsu_unwrap();
    let err = gov.sender(alice).revoke(id).motsu_unwrap_err();
    assert!(matches!(err, Error::NotApproved(GovNotApproved { owner, .. }) if owner == alice));
    assert_eq!(approvals(&gov, id), U256::ZERO);
}

#[motsu::test]
fn proposals_expire_after_the_window(
    gov: Contract<Governance>,
    target: Contract<MockRiskTarget>,
    alice: Address,
    bob: Address,
    carol: Address,
    coll: Address,
) {
    deploy(&gov, &[alice, bob, carol], 2, Address::ZERO);
    deploy_target(&target, &gov);
    let id = propose(
        &gov,
        alice,
        target.address(),
        U256::ZERO,
        set_ltv(coll, 2_000),
    );
    gov.sender(bob).approve(id).motsu_unwrap();
    let first = eta(&gov, id);
    advance(DELAY + EXPIRY_WINDOW - 1);
    assert_eq!(state(&gov, id), READY);
    advance(1);
    assert_eq!(state(&gov, id), EXPIRED);
    let expired_at = first + EXPIRY_WINDOW;
    let err = gov.sender(alice).execute(id).motsu_unwrap_err();
    assert!(matches!(err, Error::Expired(GovExpired { expiredAt, .. }) if expiredAt == expired_at));
    // Expired proposals cannot be revived by approve or revoke.
    assert!(matches!(
        gov.sender(carol).approve(id).motsu_unwrap_err(),
        Error::Expired(_)
    ));
    assert!(matches!(
        gov.sender(bob).revoke(id).motsu_unwrap_err(),
        Error::Expired(_)
    ));
    assert_eq!(target.sender(alice).max_ltv(coll), 0);
    // The proposer may still cancel it.
    gov.sender(alice).cancel(id).motsu_unwrap();
    assert_eq!(state(&gov, id), CANCELLED);
}

#[motsu::test]
fn only_the_proposer_cancels(gov: Contract<Governance>, alice: Address, bob: Address) {
    deploy(&gov, &[alice, bob], 2, Address::ZERO);
    let id = propose(&gov, alice, bob, U256::ZERO, Vec::new());
    let err = gov.sender(bob).cancel(id).motsu_unwrap_err();
    assert!(matches!(err, Error::NotProposer(GovNotProposer { caller, .. }) if caller == bob));
    gov.sender(alice).cancel(id).motsu_unwrap();
    gov.assert_emitted(&Cancelled { id, by: alice });
    assert_eq!(state(&gov, id), CANCELLED);
    for err in [
        gov.sender(alice).cancel(id).motsu_unwrap_err(),
        gov.sender(bob).approve(id).motsu_unwrap_err(),
        gov.sender(alice).revoke(id).motsu_unwrap_err(),
        gov.sender(bob).execute(id).map(|_| ()).motsu_unwrap_err(),
    ] {
        assert!(matches!(err, Error::ProposalCancelled(GovProposalCancelled { id: i }) if i == id));
    }
}

#[motsu::test]
fn unknown_proposals_are_rejected(gov: Contract<Governance>, alice: Address, bob: Address) {
    deploy(&gov, &[alice, bob], 2, Address::ZERO);
    let id = U256::from(7);
    let is_unknown =
        |e: Error| matches!(e, Error::UnknownProposal(GovUnknownProposal { id: i }) if i == id);
    assert!(is_unknown(gov.sender(alice).approve(id).motsu_unwrap_err()));
    assert!(is_unknown(gov.sender(alice).revoke(id).motsu_unwrap_err()));
    assert!(is_unknown(
        gov.sender(alice).execute(id).map(|_| ()).motsu_unwrap_err()
    ));
    assert!(is_unknown(gov.sender(alice).cancel(id).motsu_unwrap_err()));
    assert!(is_unknown(
        gov.sender(alice)
            .get_proposal(id)
            .map(|_| ())
            .motsu_unwrap_err()
    ));
    assert!(is_unknown(
        gov.sender(alice)
            .has_approved(id, alice)
            .map(|_| ())
            .motsu_unwrap_err()
    ));
    // Id 0 never exists.
    assert!(matches!(
        gov.sender(alice).approve(U256::ZERO).motsu_unwrap_err(),
        Error::UnknownProposal(_)
    ));
}

#[motsu::test]
fn zero_target_is_rejected(gov: Contract<Governance>, alice: Address, bob: Address) {
    deploy(&gov, &[alice, bob], 2, Address::ZERO);
    let err = gov
        .sender(alice)
        .propose(Address::ZERO, U256::ZERO, Bytes::from(Vec::new()))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidTarget(GovInvalidTarget { target }) if target.is_zero()));
    assert_eq!(gov.sender(alice).proposal_count(), U256::ZERO);
}

#[motsu::test]
fn proposed_event_encodes_every_calldata_length(
    gov: Contract<Governance>,
    alice: Address,
    bob: Address,
) {
    deploy(&gov, &[alice, bob], 2, Address::ZERO);
    for len in [0usize, 1, 31, 32, 33, 64, 100] {
        let data: Vec<u8> = (0..len).map(|i| i as u8 ^ 0xa5).collect();
        let id = propose(&gov, alice, bob, U256::from(len), data.clone());
        gov.assert_emitted(&Proposed {
            id,
            proposer: alice,
            target: bob,
            value: U256::from(len),
            data: data.clone().into(),
        });
        assert_eq!(gov.sender(alice).proposal_data(id).motsu_unwrap().0, data);
    }
}

#[motsu::test]
fn revoke_while_ready_stops_execution(gov: Contract<Governance>, alice: Address, bob: Address) {
    deploy(&gov, &[alice, bob], 2, Address::ZERO);
    let id = propose(&gov, alice, bob, U256::ZERO, Vec::new());
    gov.sender(bob).approve(id).motsu_unwrap();
    advance(DELAY);
    assert_eq!(state(&gov, id), READY);
    gov.sender(bob).revoke(id).motsu_unwrap();
    assert_eq!(state(&gov, id), PENDING);
    assert!(matches!(
        gov.sender(alice).execute(id).motsu_unwrap_err(),
        Error::ThresholdNotMet(_)
    ));
    // Approving again restarts the full delay.
    gov.sender(bob).approve(id).motsu_unwrap();
    assert!(matches!(
        gov.sender(alice).execute(id).motsu_unwrap_err(),
        Error::Timelocked(_)
    ));
}

#[motsu::test]
fn a_removed_proposer_can_no_longer_cancel(
    gov: Contract<Governance>,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    deploy(&gov, &[alice, bob, carol], 2, Address::ZERO);
    let id = propose(&gov, carol, bob, U256::ZERO, Vec::new());
    let data =
        alloy_sol_types::SolCall::abi_encode(&crate::selfcall::removeOwnerCall { owner: carol });
    pass(&gov, alice, bob, gov.address(), data).expect("remove carol");
    let err = gov.sender(carol).cancel(id).motsu_unwrap_err();
    assert!(matches!(err, Error::NotOwner(GovNotOwner { caller }) if caller == carol));
    assert_eq!(state(&gov, id), PENDING);
    assert_eq!(approvals(&gov, id), U256::ZERO);
}
