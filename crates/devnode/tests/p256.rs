//! RIP-7212's P256VERIFY precompile at `0x…0100` (on Nitro since ArbOS 30), checked with the
//! standard vectors of daimo-eth/p256-verifier: `hash ‖ r ‖ s ‖ x ‖ y` (160 bytes) answers the
//! word 1 when the signature verifies and empty output otherwise, for 3,450 gas.

mod common;

use alloy::primitives::{address, Address, Bytes, TxKind, U256};
use common::*;
use serde_json::json;
use stylus_devnode::DEV_ACCOUNT;

const P256VERIFY: Address = address!("0x0000000000000000000000000000000000000100");

/// Valid signatures (daimo-eth/p256-verifier test vectors).
const VALID: [&str; 3] = [
    "4cee90eb86eaa050036147a12d49004b6b9c72bd725d39d4785011fe190f0b4da73bd4903f0ce3b639bbbf6e8e80d16931ff4bcf5993d58468e8fb19086e8cac36dbcd03009df8c59286b162af3bd7fcc0450c9aa81be5d10d312af6c66b1d604aebd3099c618202fcfe16ae7770b0c49ab5eadf74b754204a3bb6060e44eff37618b065f9832de4ca6ca971a7a1adc826d0f7c00181a5fb2ddf79ae00b4e10e",
    "3fec5769b5cf4e310a7d150508e82fb8e3eda1c2c94c61492d3bd8aea99e06c9e22466e928fdccef0de49e3503d2657d00494a00e764fd437bdafa05f5922b1fbbb77c6817ccf50748419477e843d5bac67e6a70e97dde5a57e0c983b777e1ad31a80482dadf89de6302b1988c82c29544c9c07bb910596158f6062517eb089a2f54c9a0f348752950094d3228d3b940258c75fe2a413cb70baa21dc2e352fc5",
    "e775723953ead4a90411a02908fd1a629db584bc600664c609061f221ef6bf7c440066c8626b49daaa7bf2bcc0b74be4f7a1e3dcf0e869f1542fe821498cbf2de73ad398194129f635de4424a07ca715838aefe8fe69d1a391cfa70470795a80dd056866e6e1125aff94413921880c437c9e2570a28ced7267c8beef7e9b2d8d1547d76dfcf4bee592f5fefe10ddfb6aeb0991c5b9dbbee6ec80d11b17c0eb1a",
];

/// Inputs that must not verify: a changed message, short and long input, an invalid
/// signature, an invalid public key.
const INVALID: [&str; 5] = [
    "3cee90eb86eaa050036147a12d49004b6b9c72bd725d39d4785011fe190f0b4da73bd4903f0ce3b639bbbf6e8e80d16931ff4bcf5993d58468e8fb19086e8cac36dbcd03009df8c59286b162af3bd7fcc0450c9aa81be5d10d312af6c66b1d604aebd3099c618202fcfe16ae7770b0c49ab5eadf74b754204a3bb6060e44eff37618b065f9832de4ca6ca971a7a1adc826d0f7c00181a5fb2ddf79ae00b4e10e",
    "4cee90eb86eaa050036147a12d49004b6a",
    "4cee90eb86eaa050036147a12d49004b6b9c72bd725d39d4785011fe190f0b4da73bd4903f0ce3b639bbbf6e8e80d16931ff4bcf5993d58468e8fb19086e8cac36dbcd03009df8c59286b162af3bd7fcc0450c9aa81be5d10d312af6c66b1d604aebd3099c618202fcfe16ae7770b0c49ab5eadf74b754204a3bb6060e44eff37618b065f9832de4ca6ca971a7a1adc826d0f7c00181a5fb2ddf79ae00b4e10e00",
    "4cee90eb86eaa050036147a12d49004b6b9c72bd725d39d4785011fe190f0b4dffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff4aebd3099c618202fcfe16ae7770b0c49ab5eadf74b754204a3bb6060e44eff37618b065f9832de4ca6ca971a7a1adc826d0f7c00181a5fb2ddf79ae00b4e10e",
    "4cee90eb86eaa050036147a12d49004b6b9c72bd725d39d4785011fe190f0b4da73bd4903f0ce3b639bbbf6e8e80d16931ff4bcf5993d58468e8fb19086e8cac36dbcd03009df8c59286b162af3bd7fcc0450c9aa81be5d10d312af6c66b1d6000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
];

const ONE: &str = "0x0000000000000000000000000000000000000000000000000000000000000001";

#[tokio::test]
async fn p256verify_answers_the_standard_vectors() {
    let node = start().await;
    let url = node.url().to_string();
    for input in VALID {
        let call = json!({ "to": P256VERIFY, "data": format!("0x{input}") });
        assert_eq!(
            rpc_ok(&url, "eth_call", json!([call])).await,
            ONE,
            "{input}"
        );
    }
    for input in INVALID {
        let call = json!({ "to": P256VERIFY, "data": format!("0x{input}") });
        assert_eq!(
            rpc_ok(&url, "eth_call", json!([call])).await,
            "0x",
            "{input}"
        );
    }
    // A transaction to the precompile pays its 3,450 gas on top of the intrinsic gas.
    let input: Bytes = hex::decode(VALID[0]).expect("hex").into();
    let raw = eip1559(
        &dev_signer(),
        CHAIN_ID,
        nonce_of(&url, DEV_ACCOUNT).await,
        TxKind::Call(P256VERIFY),
        U256::ZERO,
        input.clone(),
        100_000,
        BASE_FEE,
    );
    let receipt = send_raw(&url, &raw).await;
    assert_eq!(receipt["status"], "0x1");
    let zeros = input.iter().filter(|b| **b == 0).count() as u64;
    let nonzeros = input.len() as u64 - zeros;
    let standard = 21_000 + zeros * 4 + nonzeros * 16 + 3_450;
    // EIP-7623 (Prague): calldata-heavy transactions pay at least 10 gas per token.
    let floor = 21_000 + 10 * (zeros + 4 * nonzeros);
    assert!(floor > 21_000 + zeros * 4 + nonzeros * 16);
    assert_eq!(qty(&receipt["gasUsed"]), standard.max(floor));
    node.stop().await;
}
