//! Shared set-up for the Governance tests.
use alloc::vec::Vec;
use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use motsu::prelude::*;
use stylus_sdk::abi::Bytes;

use super::mock_target::{setMaxLtvCall, MockRiskTarget};
use crate::{clock::test_clock, errors::Error, Governance};

/// Delay used by most tests (the minimum, 1 hour).
pub const DELAY: u64 = 3_600;
/// Rate limit of the mock target: at most 500 bps per change, one change per day.
pub const MAX_STEP_BPS: u16 = 500;
/// Minimum interval between two risk changes on the mock target.
pub const MIN_INTERVAL: u64 = 86_400;

/// Deploys Governance with `owners`, `threshold`, the 1 h delay and `guardian`.
pub fn deploy(gov: &Contract<Governance>, owners: &[Address], threshold: u8, guardian: Address) {
    gov.sender(owners[0])
        .constructor(owners.to_vec(), threshold, DELAY, guardian)
        .motsu_unwrap();
}

/// Deploys the mock target owned by `gov`.
pub fn deploy_target(target: &Contract<MockRiskTarget>, gov: &Contract<Governance>) {
    target
        .sender(gov.address())
        .init(gov.address(), MAX_STEP_BPS, MIN_INTERVAL);
}

/// Moves the test clock forward.
pub fn advance(secs: u64) {
    test_clock::advance(secs);
}

/// Proposal from `proposer`.
pub fn propose(
    gov: &Contract<Governance>,
    proposer: Address,
    target: Address,
    value: U256,
    data: Vec<u8>,
) -> U256 {
    gov.sender(proposer)
        .propose(target, value, Bytes::from(data))
        .motsu_unwrap()
}

/// Proposes as `a`, approves as `b`, waits out the delay and executes as `a`.
pub fn pass(
    gov: &Contract<Governance>,
    a: Address,
    b: Address,
    target: Address,
    data: Vec<u8>,
) -> Result<Bytes, Error> {
    let id = propose(gov, a, target, U256::ZERO, data);
    gov.sender(b).approve(id).motsu_unwrap();
    advance(DELAY);
    gov.sender(a).execute(id).motsu_res()
}

/// Calldata of `setMaxLtv(collection, bps)`.
pub fn set_ltv(collection: Address, bps: u16) -> Vec<u8> {
    setMaxLtvCall { collection, bps }.abi_encode()
}

/// `state` of proposal `id` (0 Pending, 1 Queued, 2 Ready, 3 Expired, 4 Executed, 5 Cancelled).
pub fn state(gov: &Contract<Governance>, id: U256) -> u8 {
    gov.sender(Address::ZERO).get_proposal(id).motsu_unwrap().6
}

/// Approvals of current owners on proposal `id`.
pub fn approvals(gov: &Contract<Governance>, id: U256) -> U256 {
    U256::from(gov.sender(Address::ZERO).get_proposal(id).motsu_unwrap().5)
}

/// `executableAt` of proposal `id` (0 while below the threshold).
pub fn eta(gov: &Contract<Governance>, id: U256) -> u64 {
    gov.sender(Address::ZERO).get_proposal(id).motsu_unwrap().4
}
