//! Constructor bounds and the self-governed settings (owners, threshold, delay, guardian).
use alloc::vec::Vec;
use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use motsu::prelude::*;

use super::helpers::*;
use super::mock_target::MockRiskTarget;
use crate::{
    errors::*,
    events::*,
    selfcall::{addOwnerCall, removeOwnerCall, setDelayCall, setGuardianCall, setThresholdCall},
    Governance, MAX_DELAY, MAX_OWNERS, MIN_DELAY,
};

fn add_owner(owner: Address) -> Vec<u8> {
    addOwnerCall { owner }.abi_encode()
}
fn remove_owner(owner: Address) -> Vec<u8> {
    removeOwnerCall { owner }.abi_encode()
}
fn set_threshold(threshold: u8) -> Vec<u8> {
    setThresholdCall { threshold }.abi_encode()
}
fn set_delay(delay: u64) -> Vec<u8> {
    setDelayCall { delay }.abi_encode()
}

#[motsu::test]
fn constructor_sets_everything_and_emits(
    gov: Contract<Governance>,
    alice: Address,
    bob: Address,
    carol: Address,
    guard: Address,
) {
    deploy(&gov, &[alice, bob, carol], 2, guard);
    assert_eq!(gov.sender(alice).owners(), vec![alice, bob, carol]);
    assert!(gov.sender(alice).is_owner(bob));
    assert!(!gov.sender(alice).is_owner(guard));
    assert_eq!(gov.sender(alice).threshold(), 2);
    assert_eq!(gov.sender(alice).delay(), DELAY);
    assert_eq!(gov.sender(alice).guardian(), guard);
    assert_eq!(gov.sender(alice).proposal_count(), U256::ZERO);
    for owner in [alice, bob, carol] {
        gov.assert_emitted(&OwnerAdded { owner });
    }
    gov.assert_emitted(&ThresholdChanged {
        oldThreshold: 0,
        newThreshold: 2,
    });
    gov.assert_emitted(&DelayChanged {
        oldDelay: 0,
        newDelay: DELAY,
    });
    gov.assert_emitted(&GuardianChanged {
        oldGuardian: Address::ZERO,
        newGuardian: guard,
    });
}

/// Deploys a fresh contract and returns the constructor's error.
fn construct_err(owners: Vec<Address>, threshold: u8, delay: u64) -> Error {
    let gov = Contract::<Governance>::new();
    let sender = Address::repeat_byte(0xee);
    gov.sender(sender)
        .constructor(owners, threshold, delay, Address::ZERO)
        .motsu_unwrap_err()
}

#[motsu::test]
fn constructor_rejects_out_of_bounds_settings(alice: Address, bob: Address) {
    assert!(
        matches!(construct_err(vec![], 1, DELAY), Error::BadOwnerCount(GovBadOwnerCount { count }) if count.is_zero())
    );
    let many: Vec<Address> = (1..=MAX_OWNERS as u8 + 1)
        .map(Address::repeat_byte)
        .collect();
    assert!(
        matches!(construct_err(many, 1, DELAY), Error::BadOwnerCount(GovBadOwnerCount { count }) if count == U256::from(17))
    );
    assert!(
        matches!(construct_err(vec![alice, Address::ZERO], 1, DELAY), Error::InvalidOwner(GovInvalidOwner { owner }) if owner.is_zero())
    );
    assert!(
        matches!(construct_err(vec![alice, bob, alice], 1, DELAY), Error::DuplicateOwner(GovDuplicateOwner { owner }) if owner == alice)
    );
    assert!(matches!(
        construct_err(vec![alice, bob], 0, DELAY),
        Error::BadThreshold(GovBadThreshold { threshold: 0 })
    ));
    assert!(matches!(
        construct_err(vec![alice, bob], 3, DELAY),
        Error::BadThreshold(GovBadThreshold { threshold: 3 })
    ));
    assert!(
        matches!(construct_err(vec![alice, bob], 1, MIN_DELAY - 1), Error::BadDelay(GovBadDelay { delay }) if delay == MIN_DELAY - 1)
    );
    assert!(
        matches!(construct_err(vec![alice, bob], 1, MAX_DELAY + 1), Error::BadDelay(GovBadDelay { delay }) if delay == MAX_DELAY + 1)
    );
    // The bounds themselves are accepted; 16 owners is the maximum.
    let sixteen: Vec<Address> = (1..=MAX_OWNERS as u8).map(Address::repeat_byte).collect();
    let gov = Contract::<Governance>::new();
    gov.sender(alice)
        .constructor(sixteen, 16, MAX_DELAY, Address::ZERO)
        .motsu_unwrap();
    assert_eq!(gov.sender(alice).owners().len(), MAX_OWNERS);
    let gov2 = Contract::<Governance>::new();
    gov2.sender(alice)
        .constructor(vec![alice], 1, MIN_DELAY, Address::ZERO)
        .motsu_unwrap();
    assert_eq!(gov2.sender(alice).delay(), MIN_DELAY);
}

#[motsu::test]
fn contract_cannot_own_itself(gov: Contract<Governance>, alice: Address) {
    let err = gov
        .sender(alice)
        .constructor(vec![alice, gov.address()], 1, DELAY, Address::ZERO)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidOwner(GovInvalidOwner { owner }) if owner == gov.address())
    );
}

#[motsu::test]
fn settings_cannot_be_changed_directly(
    gov: Contract<Governance>,
    alice: Address,
    bob: Address,
    mallory: Address,
) {
    deploy(&gov, &[alice, bob], 1, Address::ZERO);
    for caller in [alice, bob, mallory] {
        let errs = [
            gov.sender(caller).add_owner(mallory).motsu_unwrap_err(),
            gov.sender(caller).remove_owner(bob).motsu_unwrap_err(),
            gov.sender(caller).set_threshold(2).motsu_unwrap_err(),
            gov.sender(caller).set_delay(2 * DELAY).motsu_unwrap_err(),
            gov.sender(caller).set_guardian(mallory).motsu_unwrap_err(),
        ];
        for err in errs {
            assert!(matches!(err, Error::OnlySelf(GovOnlySelf { caller: c }) if c == caller));
        }
    }
    assert_eq!(gov.sender(alice).owners(), vec![alice, bob]);
    assert_eq!(gov.sender(alice).threshold(), 1);
    assert_eq!(gov.sender(alice).delay(), DELAY);
}

#[motsu::test]
fn self_only_functions_accept_the_contract_itself(
    gov: Contract<Governance>,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    // On a node `msg.sender == this` is unreachable (execute dispatches internally and the
    // reentrancy guard rejects self-calls); motsu lets us check the wrapper's own gate.
    deploy(&gov, &[alice, bob], 1, Address::ZERO);
    gov.sender(gov.address()).add_owner(carol).motsu_unwrap();
    assert!(gov.sender(alice).is_owner(carol));
}

#[motsu::test]
fn owners_are_added_and_removed_by_proposal(
    gov: Contract<Governance>,
    alice: Address,
    bob: Address,
    carol: Address,
    dave: Address,
) {
    deploy(&gov, &[alice, bob, carol], 2, Address::ZERO);
    pass(&gov, alice, bob, gov.address(), add_owner(dave)).expect("passes");
    gov.assert_emitted(&OwnerAdded { owner: dave });
    assert_eq!(gov.sender(alice).owners(), vec![alice, bob, carol, dave]);
    // The new owner can act at once.
    let id = propose(&gov, dave, bob, U256::ZERO, Vec::new());
    assert!(gov.sender(dave).has_approved(id, dave).motsu_unwrap());
    pass(&gov, alice, bob, gov.address(), remove_owner(bob)).expect("passes");
    gov.assert_emitted(&OwnerRemoved { owner: bob });
    assert!(!gov.sender(alice).is_owner(bob));
    assert_eq!(gov.sender(alice).owners(), vec![alice, dave, carol]);
    let err = gov
        .sender(bob)
        .propose(alice, U256::ZERO, Vec::new().into())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotOwner(_)));
}

#[motsu::test]
fn owner_changes_respect_bounds(
    gov: Contract<Governance>,
    alice: Address,
    bob: Address,
    carol: Address,
    mallory: Address,
) {
    deploy(&gov, &[alice, bob], 2, Address::ZERO);
    let failed =
        |data: Vec<u8>| pass(&gov, alice, bob, gov.address(), data).expect_err("execution fails");
    assert!(
        matches!(failed(add_owner(bob)), Error::DuplicateOwner(GovDuplicateOwner { owner }) if owner == bob)
    );
    assert!(matches!(
        failed(add_owner(Address::ZERO)),
        Error::InvalidOwner(_)
    ));
    assert!(matches!(
        failed(add_owner(gov.address())),
        Error::InvalidOwner(_)
    ));
    assert!(
        matches!(failed(remove_owner(mallory)), Error::UnknownOwner(GovUnknownOwner { owner }) if owner == mallory)
    );
    // Removing would leave 1 owner under a threshold of 2.
    assert!(
        matches!(failed(remove_owner(bob)), Error::BadOwnerCount(GovBadOwnerCount { count }) if count == U256::from(1))
    );
    // A failed execution reverts as a whole: the proposal stays open and ready.
    let id = gov.sender(alice).proposal_count();
    assert_eq!(state(&gov, id), 2);
    assert_eq!(gov.sender(alice).owners(), vec![alice, bob]);
    // More than 16 owners.
    let extra: Vec<Address> = (1..=14).map(Address::repeat_byte).collect();
    for owner in extra {
        pass(&gov, alice, bob, gov.address(), add_owner(owner)).expect("passes");
    }
    assert_eq!(gov.sender(alice).owners().len(), MAX_OWNERS);
    assert!(
        matches!(failed(add_owner(carol)), Error::BadOwnerCount(GovBadOwnerCount { count }) if count == U256::from(17))
    );
}

#[motsu::test]
fn threshold_and_delay_change_within_bounds(
    gov: Contract<Governance>,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    deploy(&gov, &[alice, bob, carol], 2, Address::ZERO);
    let failed =
        |data: Vec<u8>| pass(&gov, alice, bob, gov.address(), data).expect_err("execution fails");
    assert!(matches!(
        failed(set_threshold(0)),
        Error::BadThreshold(GovBadThreshold { threshold: 0 })
    ));
    assert!(matches!(
        failed(set_threshold(4)),
        Error::BadThreshold(GovBadThreshold { threshold: 4 })
    ));
    assert!(matches!(
        failed(set_delay(MIN_DELAY - 1)),
        Error::BadDelay(_)
    ));
    assert!(matches!(
        failed(set_delay(MAX_DELAY + 1)),
        Error::BadDelay(_)
    ));
    pass(&gov, alice, bob, gov.address(), set_threshold(3)).expect("passes");
    gov.assert_emitted(&ThresholdChanged {
        oldThreshold: 2,
        newThreshold: 3,
    });
    assert_eq!(gov.sender(alice).threshold(), 3);
    // Now three approvals are needed.
    let id = propose(&gov, alice, gov.address(), U256::ZERO, set_delay(2 * DELAY));
    gov.sender(bob).approve(id).motsu_unwrap();
    advance(DELAY);
    assert!(matches!(
        gov.sender(alice).execute(id).motsu_unwrap_err(),
        Error::ThresholdNotMet(_)
    ));
    gov.sender(carol).approve(id).motsu_unwrap();
    advance(DELAY);
    gov.sender(carol).execute(id).motsu_unwrap();
    gov.assert_emitted(&DelayChanged {
        oldDelay: DELAY,
        newDelay: 2 * DELAY,
    });
    assert_eq!(gov.sender(alice).delay(), 2 * DELAY);
}

#[motsu::test]
fn delay_increase_leaves_queued_proposals_alone(
    gov: Contract<Governance>,
    book: Contract<MockRiskTarget>,
    alice: Address,
    bob: Address,
    coll: Address,
) {
    deploy(&gov, &[alice, bob], 2, Address::ZERO);
    deploy_target(&book, &gov);
    let queued = propose(
        &gov,
        alice,
        book.address(),
        U256::ZERO,
        set_ltv(coll, 4_000),
    );
    gov.sender(bob).approve(queued).motsu_unwrap();
    let first = eta(&gov, queued);
    let change = propose(&gov, alice, gov.address(), U256::ZERO, set_delay(3 * DELAY));
    gov.sender(bob).approve(change).motsu_unwrap();
    advance(DELAY);
    gov.sender(alice).execute(change).motsu_unwrap();
    assert_eq!(
        eta(&gov, queued),
        first,
        "the ETA was fixed when it was queued"
    );
    gov.sender(alice).execute(queued).motsu_unwrap();
    assert_eq!(book.sender(alice).max_ltv(coll), 4_000);
    // A proposal queued after the change waits the new delay.
    let later = propose(&gov, alice, bob, U256::ZERO, Vec::new());
    gov.sender(bob).approve(later).motsu_unwrap();
    assert_eq!(eta(&gov, later), proposed_at(&gov, later) + 3 * DELAY);
}

/// When proposal `id` was proposed.
fn proposed_at(gov: &Contract<Governance>, id: U256) -> u64 {
    gov.sender(Address::ZERO).get_proposal(id).motsu_unwrap().3
}

/// L2 (issue 14): lowering the delay must not shorten a proposal already queued under the
/// longer one.
#[motsu::test]
fn delay_decrease_does_not_shorten_queued_proposals(
    gov: Contract<Governance>,
    book: Contract<MockRiskTarget>,
    alice: Address,
    bob: Address,
    coll: Address,
) {
    deploy(&gov, &[alice, bob], 2, Address::ZERO);
    deploy_target(&book, &gov);
    let long = 3 * DELAY;
    // Raise the delay to 3 h first.
    let raise = propose(&gov, alice, gov.address(), U256::ZERO, set_delay(long));
    gov.sender(bob).approve(raise).motsu_unwrap();
    advance(DELAY);
    gov.sender(alice).execute(raise).motsu_unwrap();
    // Queue the change back to 1 h at t0 (it waits the 3 h in force) ...
    let lower = propose(&gov, alice, gov.address(), U256::ZERO, set_delay(DELAY));
    gov.sender(bob).approve(lower).motsu_unwrap();
    // ... and a sensitive proposal 2 h later, under the 3 h delay.
    advance(2 * DELAY);
    let queued = propose(
        &gov,
        alice,
        book.address(),
        U256::ZERO,
        set_ltv(coll, 4_000),
    );
    gov.sender(bob).approve(queued).motsu_unwrap();
    let promised = eta(&gov, queued);
    assert_eq!(promised, proposed_at(&gov, queued) + long);
    advance(DELAY);
    gov.sender(alice).execute(lower).motsu_unwrap();
    assert_eq!(gov.sender(alice).delay(), DELAY);
    assert_eq!(
        eta(&gov, queued),
        promised,
        "the lower delay does not move it"
    );
    assert_eq!(state(&gov, queued), 1, "still queued");
    assert!(matches!(
        gov.sender(alice)
            .execute(queued)
            .map(|_| ())
            .motsu_unwrap_err(),
        Error::Timelocked(GovTimelocked { executableAt, .. }) if executableAt == promised
    ));
    advance(2 * DELAY);
    gov.sender(alice).execute(queued).motsu_unwrap();
    assert_eq!(book.sender(alice).max_ltv(coll), 4_000);
}

#[motsu::test]
fn removed_owners_approvals_stop_counting(
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
        carol,
        target.address(),
        U256::ZERO,
        set_ltv(coll, 100),
    );
    gov.sender(bob).approve(id).motsu_unwrap();
    pass(&gov, alice, bob, gov.address(), remove_owner(carol)).expect("passes");
    assert_eq!(approvals(&gov, id), U256::from(1));
    assert!(!gov.sender(alice).has_approved(id, carol).motsu_unwrap());
    assert!(matches!(
        gov.sender(alice).execute(id).map(|_| ()).motsu_unwrap_err(),
        Error::ThresholdNotMet(_)
    ));
    // Re-adding carol does not revive her old approval (owner generations).
    pass(&gov, alice, bob, gov.address(), add_owner(carol)).expect("passes");
    assert!(!gov.sender(alice).has_approved(id, carol).motsu_unwrap());
    // A fresh approval crosses the threshold again and restarts the clock.
    gov.sender(alice).approve(id).motsu_unwrap();
    assert_eq!(state(&gov, id), 1);
    advance(DELAY);
    gov.sender(alice).execute(id).motsu_unwrap();
    assert_eq!(target.sender(alice).max_ltv(coll), 100);
}

#[motsu::test]
fn lowered_threshold_starts_the_clock_on_next_approval(
    gov: Contract<Governance>,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    deploy(&gov, &[alice, bob, carol], 3, Address::ZERO);
    let id = propose(&gov, alice, bob, U256::ZERO, Vec::new());
    gov.sender(bob).approve(id).motsu_unwrap();
    let change = propose(&gov, alice, gov.address(), U256::ZERO, set_threshold(2));
    gov.sender(bob).approve(change).motsu_unwrap();
    gov.sender(carol).approve(change).motsu_unwrap();
    advance(DELAY);
    gov.sender(alice).execute(change).motsu_unwrap();
    // Two approvals now meet the threshold, but no clock was started: still pending.
    assert_eq!(state(&gov, id), 0);
    gov.sender(carol).approve(id).motsu_unwrap();
    assert_eq!(state(&gov, id), 1);
}

#[motsu::test]
fn guardian_changes_by_proposal(
    gov: Contract<Governance>,
    alice: Address,
    bob: Address,
    guard: Address,
    guard2: Address,
) {
    deploy(&gov, &[alice, bob], 2, guard);
    pass(
        &gov,
        alice,
        bob,
        gov.address(),
        setGuardianCall { guardian: guard2 }.abi_encode(),
    )
    .expect("passes");
    gov.assert_emitted(&GuardianChanged {
        oldGuardian: guard,
        newGuardian: guard2,
    });
    assert_eq!(gov.sender(alice).guardian(), guard2);
    pass(
        &gov,
        alice,
        bob,
        gov.address(),
        setGuardianCall {
            guardian: Address::ZERO,
        }
        .abi_encode(),
    )
    .expect("passes");
    assert_eq!(gov.sender(alice).guardian(), Address::ZERO);
}

#[motsu::test]
fn malformed_self_calls_are_refused_at_proposal(
    gov: Contract<Governance>,
    alice: Address,
    bob: Address,
) {
    deploy(&gov, &[alice, bob], 2, Address::ZERO);
    let this = gov.address();
    let refuse = |value: U256, data: Vec<u8>| {
        gov.sender(alice)
            .propose(this, value, data.into())
            .motsu_unwrap_err()
    };
    // Not a self-call function (execute, approve, ...), empty, truncated, trailing bytes, value.
    let execute_sel =
        crate::selfcall::selector_of(&alloy_primitives::keccak256("execute(uint256)")[..4]);
    assert!(
        matches!(refuse(U256::ZERO, execute_sel.to_vec()), Error::BadSelfCall(GovBadSelfCall { selector }) if selector == execute_sel)
    );
    assert!(matches!(
        refuse(U256::ZERO, Vec::new()),
        Error::BadSelfCall(_)
    ));
    let mut data = add_owner(bob);
    data.pop();
    assert!(matches!(refuse(U256::ZERO, data), Error::BadSelfCall(_)));
    let mut data = add_owner(bob);
    data.push(0);
    assert!(matches!(refuse(U256::ZERO, data), Error::BadSelfCall(_)));
    assert!(matches!(
        refuse(U256::from(1), set_threshold(1)),
        Error::BadSelfCall(_)
    ));
    // A uint8 argument with dirty high bytes.
    let mut data = set_threshold(1);
    data[4] = 1;
    assert!(matches!(refuse(U256::ZERO, data), Error::BadSelfCall(_)));
    assert_eq!(gov.sender(alice).proposal_count(), U256::ZERO);
}

#[test]
fn self_call_selectors_match_the_documentation() {
    use crate::selfcall::pauseCall;
    let hex = |s: [u8; 4]| s.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let got = [
        hex(addOwnerCall::SELECTOR),
        hex(removeOwnerCall::SELECTOR),
        hex(setThresholdCall::SELECTOR),
        hex(setDelayCall::SELECTOR),
        hex(setGuardianCall::SELECTOR),
        hex(pauseCall::SELECTOR),
    ];
    // The values listed in docs/contracts/governance.md.
    assert_eq!(
        got,
        ["7065cb48", "173825d9", "e5a98603", "c1073302", "8a0dac4a", "8456cb59"]
    );
}
