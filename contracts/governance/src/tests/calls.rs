//! Execution of external calls: return data, revert data, value forwarding, no-code targets.
use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolError};
use motsu::prelude::*;

use super::helpers::*;
use super::mock_target::{
    alwaysFailsCall, depositCall, maxLtvCall, MockAlwaysFails, MockRiskTarget,
};
use crate::{errors::*, events::*, Governance};

#[motsu::test]
fn failed_target_surfaces_its_revert_data(
    gov: Contract<Governance>,
    target: Contract<MockRiskTarget>,
    alice: Address,
    bob: Address,
) {
    deploy(&gov, &[alice, bob], 2, Address::ZERO);
    deploy_target(&target, &gov);
    let id = propose(
        &gov,
        alice,
        target.address(),
        U256::ZERO,
        alwaysFailsCall {}.abi_encode(),
    );
    gov.sender(bob).approve(id).motsu_unwrap();
    advance(DELAY);
    let err = gov.sender(alice).execute(id).motsu_unwrap_err();
    let expected = MockAlwaysFails {
        code: U256::from(42),
    }
    .abi_encode();
    match err {
        Error::ExecutionFailed(GovExecutionFailed { target: t, reason }) => {
            assert_eq!(t, target.address());
            assert_eq!(reason.to_vec(), expected);
        }
        other => panic!("unexpected error {other:?}"),
    }
    // The whole execute reverted: the proposal is still executable, nothing was emitted.
    assert_eq!(state(&gov, id), 2);
    assert!(!gov.emitted(&Executed {
        id,
        executor: alice
    }));
}

#[motsu::test]
fn execute_returns_the_targets_return_data(
    gov: Contract<Governance>,
    target: Contract<MockRiskTarget>,
    alice: Address,
    bob: Address,
    coll: Address,
) {
    deploy(&gov, &[alice, bob], 2, Address::ZERO);
    deploy_target(&target, &gov);
    pass(&gov, alice, bob, target.address(), set_ltv(coll, 1_234)).expect("set");
    let out = pass(
        &gov,
        alice,
        bob,
        target.address(),
        maxLtvCall { collection: coll }.abi_encode(),
    )
    .expect("read");
    assert_eq!(out.0, U256::from(1_234).to_be_bytes::<32>().to_vec());
}

#[motsu::test]
fn value_is_forwarded_from_the_funded_balance(
    gov: Contract<Governance>,
    target: Contract<MockRiskTarget>,
    alice: Address,
    bob: Address,
) {
    deploy(&gov, &[alice, bob], 2, Address::ZERO);
    deploy_target(&target, &gov);
    alice.fund(U256::from(10));
    gov.sender_and_value(alice, U256::from(10))
        .receive()
        .motsu_unwrap();
    gov.assert_emitted(&Deposited {
        from: alice,
        amount: U256::from(10),
    });
    assert_eq!(gov.balance(), U256::from(10));
    let id = propose(
        &gov,
        alice,
        target.address(),
        U256::from(7),
        depositCall {}.abi_encode(),
    );
    gov.sender(bob).approve(id).motsu_unwrap();
    advance(DELAY);
    gov.sender(bob).execute(id).motsu_unwrap();
    assert_eq!(target.sender(alice).deposited(), U256::from(7));
    assert_eq!(target.balance(), U256::from(7));
    assert_eq!(gov.balance(), U256::from(3));
    // Not enough left for a second transfer of 5.
    let id = propose(
        &gov,
        alice,
        target.address(),
        U256::from(5),
        depositCall {}.abi_encode(),
    );
    gov.sender(bob).approve(id).motsu_unwrap();
    advance(DELAY);
    let err = gov.sender(bob).execute(id).motsu_unwrap_err();
    assert!(
        matches!(err, Error::InsufficientBalance(GovInsufficientBalance { balance, needed })
        if balance == U256::from(3) && needed == U256::from(5))
    );
    assert_eq!(gov.balance(), U256::from(3));
}

#[motsu::test]
fn calldata_to_an_address_without_code_is_refused(
    gov: Contract<Governance>,
    alice: Address,
    bob: Address,
    eoa: Address,
) {
    deploy(&gov, &[alice, bob], 2, Address::ZERO);
    let id = propose(&gov, alice, eoa, U256::ZERO, depositCall {}.abi_encode());
    gov.sender(bob).approve(id).motsu_unwrap();
    advance(DELAY);
    let err = gov.sender(bob).execute(id).motsu_unwrap_err();
    assert!(matches!(err, Error::NoCode(GovNoCode { target }) if target == eoa));
}

#[motsu::test]
fn plain_value_transfer_with_empty_calldata(
    gov: Contract<Governance>,
    other: Contract<Governance>,
    alice: Address,
    bob: Address,
) {
    deploy(&gov, &[alice, bob], 2, Address::ZERO);
    deploy(&other, &[alice], 1, Address::ZERO);
    alice.fund(U256::from(5));
    gov.sender_and_value(alice, U256::from(5))
        .receive()
        .motsu_unwrap();
    // Empty calldata reaches the recipient's `receive`; no code check applies.
    let id = propose(&gov, alice, other.address(), U256::from(4), Vec::new());
    gov.sender(bob).approve(id).motsu_unwrap();
    advance(DELAY);
    let out = gov.sender(alice).execute(id).motsu_unwrap();
    assert!(out.is_empty());
    other.assert_emitted(&Deposited {
        from: gov.address(),
        amount: U256::from(4),
    });
    assert_eq!(other.balance(), U256::from(4));
    assert_eq!(gov.balance(), U256::from(1));
}
