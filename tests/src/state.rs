//! The dev node's whole world state, read in-process, so a test can show that a call changed
//! nothing at all: every account's balance, nonce and code and every storage slot of every
//! contract, not only the views a test thought of.

use std::collections::BTreeMap;

use alloy::{
    eips::BlockId,
    primitives::{Address, B256, U256},
};

use crate::Harness;

/// One account of the world state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountState {
    /// Wei held.
    pub balance: U256,
    /// Transactions sent (or contracts created).
    pub nonce: u64,
    /// Hash of the code.
    pub code_hash: B256,
    /// Every non-zero storage slot.
    pub storage: BTreeMap<U256, U256>,
}

/// Every account of the latest state, by address.
pub type WorldState = BTreeMap<Address, AccountState>;

impl Harness {
    /// The latest world state of the embedded dev node (`None` on an external node).
    pub fn world_state(&self) -> Option<WorldState> {
        let node = self.node()?;
        Some(node.with_chain(|c| {
            let db = c
                .state_at(BlockId::latest())
                .expect("the latest state is always kept");
            db.cache
                .accounts
                .iter()
                .map(|(address, account)| {
                    let storage = account
                        .storage
                        .iter()
                        .filter(|(_, v)| !v.is_zero())
                        .map(|(k, v)| (*k, *v))
                        .collect();
                    let state = AccountState {
                        balance: account.info.balance,
                        nonce: account.info.nonce,
                        code_hash: account.info.code_hash,
                        storage,
                    };
                    (*address, state)
                })
                .collect()
        }))
    }
}

/// The accounts whose state differs between `before` and `after`, ignoring `excluded` (the
/// sender, who pays gas and bumps its nonce, and the block's fee recipient), each with what
/// changed.
pub fn state_changes(before: &WorldState, after: &WorldState, excluded: &[Address]) -> Vec<String> {
    let mut changes = Vec::new();
    let addresses: std::collections::BTreeSet<&Address> =
        before.keys().chain(after.keys()).collect();
    for address in addresses {
        if excluded.contains(address) {
            continue;
        }
        match (before.get(address), after.get(address)) {
            (Some(b), Some(a)) if a == b => {}
            (Some(b), Some(a)) => {
                let mut what = Vec::new();
                if a.balance != b.balance {
                    what.push(format!("balance {} → {}", b.balance, a.balance));
                }
                if a.nonce != b.nonce {
                    what.push(format!("nonce {} → {}", b.nonce, a.nonce));
                }
                if a.code_hash != b.code_hash {
                    what.push("code".to_owned());
                }
                for (slot, value) in &a.storage {
                    if b.storage.get(slot) != Some(value) {
                        what.push(format!("slot {slot:#x} = {value:#x}"));
                    }
                }
                for slot in b.storage.keys().filter(|s| !a.storage.contains_key(s)) {
                    what.push(format!("slot {slot:#x} cleared"));
                }
                changes.push(format!("{address}: {}", what.join(", ")));
            }
            (None, Some(a)) if a.balance.is_zero() && a.nonce == 0 && a.storage.is_empty() => {
                // an account only read (loaded empty into the cache) is not a change
            }
            (None, Some(_)) => changes.push(format!("{address}: created")),
            (Some(_), None) => changes.push(format!("{address}: removed")),
            (None, None) => {}
        }
    }
    changes
}
