//! A proposal changes a collection's max LTV on a LoanBook-like target; the target's hard
//! bound and rate limit still reject out-of-bounds and too-fast changes.
use alloy_primitives::{Address, U256};
use alloy_sol_types::SolError;
use motsu::prelude::*;

use super::helpers::*;
use super::mock_target::{
    MockError, MockLtvTooHigh, MockNotOwner, MockRiskTarget, MockStepTooLarge, MockTooSoon,
    HARD_MAX_LTV_BPS,
};
use crate::{errors::*, Governance};

/// The revert data carried by a failed execution.
fn revert_data(err: Error, target: Address) -> Vec<u8> {
    match err {
        Error::ExecutionFailed(GovExecutionFailed { target: t, reason }) if t == target => {
            reason.to_vec()
        }
        other => panic!("unexpected error {other:?}"),
    }
}

#[motsu::test]
fn max_ltv_changes_only_through_governance_within_target_limits(
    gov: Contract<Governance>,
    book: Contract<MockRiskTarget>,
    alice: Address,
    bob: Address,
    carol: Address,
    coll: Address,
) {
    deploy(&gov, &[alice, bob, carol], 2, Address::ZERO);
    deploy_target(&book, &gov);
    // Owners cannot bypass Governance.
    let err = book
        .sender(alice)
        .set_max_ltv(coll, 4_000)
        .motsu_unwrap_err();
    assert!(matches!(err, MockError::NotOwner(MockNotOwner { caller }) if caller == alice));

    // Listing at 40 %.
    pass(&gov, alice, bob, book.address(), set_ltv(coll, 4_000)).expect("listing");
    assert_eq!(book.sender(alice).max_ltv(coll), 4_000);
    // The listing executed exactly at its `executableAt`.
    let listed_at = eta(&gov, U256::from(1));

    // Above the hard bound: rejected by the target, whatever the approvals.
    let err = pass(
        &gov,
        alice,
        bob,
        book.address(),
        set_ltv(coll, HARD_MAX_LTV_BPS + 1),
    )
    .expect_err("bound");
    assert_eq!(
        revert_data(err, book.address()),
        MockLtvTooHigh {
            bps: HARD_MAX_LTV_BPS + 1,
            max: HARD_MAX_LTV_BPS
        }
        .abi_encode()
    );

    // Too fast: the timelock (1 h) is shorter than the target's interval (1 day).
    let id = propose(
        &gov,
        alice,
        book.address(),
        U256::ZERO,
        set_ltv(coll, 4_500),
    );
    gov.sender(carol).approve(id).motsu_unwrap();
    advance(DELAY);
    let err = gov.sender(alice).execute(id).motsu_unwrap_err();
    assert_eq!(
        revert_data(err, book.address()),
        MockTooSoon {
            nextAllowedAt: listed_at + MIN_INTERVAL
        }
        .abi_encode()
    );
    assert_eq!(book.sender(alice).max_ltv(coll), 4_000);

    // Once the interval has passed the same proposal (still in its window) goes through.
    advance(MIN_INTERVAL);
    gov.sender(bob).execute(id).motsu_unwrap();
    assert_eq!(book.sender(alice).max_ltv(coll), 4_500);

    // Too large a step (600 > 500 bps), even after the interval.
    advance(MIN_INTERVAL);
    let err = pass(&gov, alice, bob, book.address(), set_ltv(coll, 5_100)).expect_err("step");
    assert_eq!(
        revert_data(err, book.address()),
        MockStepTooLarge {
            from: 4_500,
            to: 5_100,
            maxStep: MAX_STEP_BPS
        }
        .abi_encode()
    );

    // A step within the limit passes.
    pass(&gov, alice, bob, book.address(), set_ltv(coll, 5_000)).expect("step ok");
    assert_eq!(book.sender(alice).max_ltv(coll), 5_000);
}
