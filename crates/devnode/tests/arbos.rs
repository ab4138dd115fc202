//! The node's ArbOS version (issue 19, item 1): 51 by default (what Arbitrum One runs), any of
//! 40, 50, 51, 59, 60 on request, reported by ArbSys and ArbWasm; other versions are refused.

mod common;

use common::*;
use serde_json::json;
use stylus_devnode::{server::StartError, DevNode, NodeConfig};

async fn word(url: &str, to: &str, selector: &str) -> u64 {
    let out = rpc_ok(url, "eth_call", json!([{ "to": to, "data": selector }])).await;
    let hex = out.as_str().expect("hex");
    u64::from_str_radix(&hex[hex.len() - 16..], 16).expect("word")
}

const ARB_SYS: &str = "0x0000000000000000000000000000000000000064";
const ARB_WASM: &str = "0x0000000000000000000000000000000000000071";
/// arbOSVersion()
const ARBOS_VERSION: &str = "0x051038f2";
/// stylusVersion()
const STYLUS_VERSION: &str = "0xa996e0c2";

#[tokio::test]
async fn the_default_is_arbos_51_and_every_supported_version_can_be_chosen() {
    let node = start().await;
    let url = node.url().to_string();
    assert_eq!(word(&url, ARB_SYS, ARBOS_VERSION).await, 55 + 51);
    assert_eq!(word(&url, ARB_WASM, STYLUS_VERSION).await, 2);
    node.stop().await;
    for (arbos, stylus) in [(40, 2), (50, 2), (51, 2), (59, 3), (60, 3)] {
        let node = DevNode::start(NodeConfig::ephemeral().with_arbos(arbos))
            .await
            .expect("starts");
        let url = node.url().to_string();
        assert_eq!(word(&url, ARB_SYS, ARBOS_VERSION).await, 55 + arbos);
        assert_eq!(word(&url, ARB_WASM, STYLUS_VERSION).await, stylus);
        node.stop().await;
    }
    let err = DevNode::start(NodeConfig::ephemeral().with_arbos(41))
        .await
        .expect_err("unsupported");
    assert!(matches!(err, StartError::UnsupportedArbos(41)), "{err}");
}
