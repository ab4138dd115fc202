//! The openzeppelin-stylus mocks from contracts/mocks, built with rustc 1.95 for wasm32,
//! re-encoded, deployed, activated and used on the in-memory chain.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::*;
use revm::context::result::ExecutionResult;
use revm::primitives::{keccak256, Address, U256};
use stylus_vm::abi::{self, selector};
use stylus_vm::code::encode_program;
use stylus_vm::instrument::{canonicalize, strip_custom_sections};
use stylus_vm::validate::validate;
use stylus_vm::StylusParams;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The release wasm of a contract crate of the contracts workspace (contracts/Cargo.toml),
/// building it into contracts/target when it is missing.
fn contract_wasm(package: &str, file: &str) -> Vec<u8> {
    let target = workspace().join("contracts/target");
    let path = target.join("wasm32-unknown-unknown/release").join(file);
    if !path.exists() {
        let status = Command::new(env!("CARGO"))
            .current_dir(workspace().join("contracts"))
            .env("CARGO_TARGET_DIR", &target)
            .args([
                "build",
                "--release",
                "--target",
                "wasm32-unknown-unknown",
                "-p",
                package,
            ])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building {package} failed");
    }
    std::fs::read(&path).expect("contract wasm")
}

fn package(raw: &[u8]) -> Vec<u8> {
    strip_custom_sections(&canonicalize(raw).expect("re-encode")).expect("strip")
}

fn call_data(sig: &str, words: &[[u8; 32]]) -> Vec<u8> {
    let mut v = selector(sig).to_vec();
    for w in words {
        v.extend_from_slice(w);
    }
    v
}

fn addr_word(a: Address) -> [u8; 32] {
    a.into_word().0
}

fn uint_word(n: u64) -> [u8; 32] {
    U256::from(n).to_be_bytes::<32>()
}

#[test]
fn reencoded_rustc_wasm_validates_under_nitro_rules() {
    let raw = contract_wasm("lien-mock-nft", "lien_mock_nft.wasm");
    // Whether the raw file validates depends on how rustc's std was built (an overlong
    // call_indirect index needs reference types); the re-encoded module always must.
    eprintln!(
        "raw rustc wasm validates: {:?}",
        validate(&raw, &StylusParams::default(), 0).map(|_| ())
    );
    let packaged = package(&raw);
    assert!(packaged.len() < raw.len(), "custom sections are stripped");
    let info =
        validate(&package(&raw), &StylusParams::default(), 0).expect("re-encoded wasm validates");
    assert!(
        info.initial_pages <= 2,
        "32 KiB shadow stack keeps the footprint small"
    );
}

#[test]
fn mock_nft_mint_transfer_and_errors() {
    let mut chain = Chain::new();
    let wasm = package(&contract_wasm("lien-mock-nft", "lien_mock_nft.wasm"));
    let code = encode_program(&wasm);
    assert!(
        code.len() <= 24_576,
        "compressed NFT is {} bytes",
        code.len()
    );
    let nft = chain.deploy(&code);
    let act = chain.activate(nft);
    assert!(act.is_success(), "{act:?}");
    eprintln!(
        "mock-nft: wasm {} B, compressed {} B, activation gas {}",
        wasm.len(),
        code.len(),
        gas_used(&act)
    );

    let r = chain.call(
        nft,
        &call_data("mint(address,uint256)", &[addr_word(DEV), uint_word(1)]),
    );
    let out = ok(&r);
    assert!(out.is_empty());
    eprintln!("mock-nft: mint gas {}", gas_used(&r));
    let transfer_topic = keccak256("Transfer(address,address,uint256)");
    assert_eq!(r.logs()[0].topics()[0], transfer_topic);
    assert_eq!(r.logs()[0].topics()[2], DEV.into_word());

    let owner = ok(&chain.call(nft, &call_data("ownerOf(uint256)", &[uint_word(1)])));
    assert_eq!(abi::address_arg(&owner, 0).unwrap(), DEV);
    let bal = ok(&chain.call(nft, &call_data("balanceOf(address)", &[addr_word(DEV)])));
    assert_eq!(abi::uint_arg(&bal, 0).unwrap(), U256::from(1));

    let r = chain.call(
        nft,
        &call_data(
            "transferFrom(address,address,uint256)",
            &[addr_word(DEV), addr_word(ALICE), uint_word(1)],
        ),
    );
    assert!(r.is_success(), "{r:?}");
    eprintln!("mock-nft: transferFrom gas {}", gas_used(&r));
    let owner = ok(&chain.call(nft, &call_data("ownerOf(uint256)", &[uint_word(1)])));
    assert_eq!(abi::address_arg(&owner, 0).unwrap(), ALICE);

    // Custom errors: minting an existing id, unknown token, transfer by a non-owner.
    let out = reverted(&chain.call(
        nft,
        &call_data("mint(address,uint256)", &[addr_word(DEV), uint_word(1)]),
    ));
    assert_eq!(&out[..4], &selector("ERC721InvalidSender(address)"));
    let out = reverted(&chain.call(nft, &call_data("ownerOf(uint256)", &[uint_word(99)])));
    assert_eq!(&out[..4], &selector("ERC721NonexistentToken(uint256)"));
    assert_eq!(abi::uint_arg(&out[4..], 0).unwrap(), U256::from(99));
    let out = reverted(&chain.call(
        nft,
        &call_data(
            "transferFrom(address,address,uint256)",
            &[addr_word(ALICE), addr_word(DEV), uint_word(1)],
        ),
    ));
    assert_eq!(
        &out[..4],
        &selector("ERC721InsufficientApproval(address,uint256)")
    );

    // ERC-165 through the router.
    let mut id = [0u8; 32];
    id[..4].copy_from_slice(&[0x80, 0xac, 0x58, 0xcd]);
    let s = ok(&chain.call(nft, &call_data("supportsInterface(bytes4)", &[id])));
    assert_eq!(abi::uint_arg(&s, 0).unwrap(), U256::from(1));
    // Non-payable functions reject value (SDK router reverts).
    assert!(matches!(
        chain.call_value(
            nft,
            &call_data("balanceOf(address)", &[addr_word(DEV)]),
            U256::from(1)
        ),
        ExecutionResult::Revert { .. }
    ));
}

#[test]
fn mock_token_mint_transfer_allowance_and_errors() {
    let mut chain = Chain::new();
    let wasm = package(&contract_wasm("lien-mock-token", "lien_mock_token.wasm"));
    let code = encode_program(&wasm);
    let token = chain.deploy(&code);
    let act = chain.activate(token);
    assert!(act.is_success());
    eprintln!(
        "mock-token: wasm {} B, compressed {} B, activation gas {}",
        wasm.len(),
        code.len(),
        gas_used(&act)
    );
    let r = chain.call(
        token,
        &call_data("mint(address,uint256)", &[addr_word(DEV), uint_word(1000)]),
    );
    assert!(r.is_success());
    eprintln!("mock-token: mint gas {}", gas_used(&r));
    let r = chain.call(
        token,
        &call_data(
            "transfer(address,uint256)",
            &[addr_word(ALICE), uint_word(300)],
        ),
    );
    assert_eq!(abi::uint_arg(&ok(&r), 0).unwrap(), U256::from(1));
    eprintln!("mock-token: transfer gas {}", gas_used(&r));
    let bal = |chain: &mut Chain, who: Address| {
        abi::uint_arg(
            &ok(&chain.call(token, &call_data("balanceOf(address)", &[addr_word(who)]))),
            0,
        )
        .unwrap()
    };
    assert_eq!(bal(&mut chain, DEV), U256::from(700));
    assert_eq!(bal(&mut chain, ALICE), U256::from(300));
    let total = ok(&chain.call(token, &call_data("totalSupply()", &[])));
    assert_eq!(abi::uint_arg(&total, 0).unwrap(), U256::from(1000));
    let out = reverted(&chain.call(
        token,
        &call_data(
            "transfer(address,uint256)",
            &[addr_word(ALICE), uint_word(701)],
        ),
    ));
    assert_eq!(
        &out[..4],
        &selector("ERC20InsufficientBalance(address,uint256,uint256)")
    );
    // transferFrom needs an allowance; the spender here is a Stylus → Stylus forwarder? No: DEV
    // approves ALICE and ALICE spends.
    assert!(chain
        .call(
            token,
            &call_data(
                "approve(address,uint256)",
                &[addr_word(ALICE), uint_word(50)]
            )
        )
        .is_success());
    let spend = call_data(
        "transferFrom(address,address,uint256)",
        &[addr_word(DEV), addr_word(ALICE), uint_word(50)],
    );
    let r = chain.send(
        ALICE,
        revm::primitives::TxKind::Call(token),
        spend.clone().into(),
        U256::ZERO,
        1_000_000,
    );
    assert!(r.is_success(), "{r:?}");
    let r = chain.send(
        ALICE,
        revm::primitives::TxKind::Call(token),
        spend.into(),
        U256::ZERO,
        1_000_000,
    );
    assert_eq!(
        &reverted(&r)[..4],
        &selector("ERC20InsufficientAllowance(address,uint256,uint256)")
    );
    assert_eq!(bal(&mut chain, ALICE), U256::from(350));
}

#[test]
fn evm_contract_calls_the_stylus_token() {
    let mut chain = Chain::new();
    let token = chain.deploy(&encode_program(&package(&contract_wasm(
        "lien-mock-token",
        "lien_mock_token.wasm",
    ))));
    assert!(chain.activate(token).is_success());
    let fwd = chain.deploy(&evm_forwarder(Some(token)));
    // The forwarder mints to itself via the token (msg.sender = forwarder).
    assert!(chain
        .call(
            fwd,
            &call_data("mint(address,uint256)", &[addr_word(fwd), uint_word(5)])
        )
        .is_success());
    let r = chain.call(
        fwd,
        &call_data(
            "transfer(address,uint256)",
            &[addr_word(ALICE), uint_word(2)],
        ),
    );
    assert!(r.is_success(), "{r:?}");
    let b = ok(&chain.call(token, &call_data("balanceOf(address)", &[addr_word(ALICE)])));
    assert_eq!(abi::uint_arg(&b, 0).unwrap(), U256::from(2));
    // A revert inside the Stylus callee bubbles up through the EVM forwarder with its data.
    let out = reverted(&chain.call(
        fwd,
        &call_data(
            "transfer(address,uint256)",
            &[addr_word(ALICE), uint_word(100)],
        ),
    ));
    assert_eq!(
        &out[..4],
        &selector("ERC20InsufficientBalance(address,uint256,uint256)")
    );
}
