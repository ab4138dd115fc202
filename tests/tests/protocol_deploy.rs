//! The whole protocol deploys from packaged wasm, wires itself, and hands every setter to
//! Governance in two steps (each contract's `transferOwnership`, then Governance's
//! `acceptOwnershipOf`); afterwards the deployer key can change nothing, and only the guardian
//! (through Governance) can pause the offer book. Ownership moves in two steps (issue 14, L5):
//! a stranger cannot accept, and the old owner keeps control until the new one accepts.

use alloy::sol_types::SolEvent;
use lien_client::{
    bindings::{ICollateralVault, IGovernance, ILiquidator, ILoanBook, IOfferBook, IOwnable},
    protocol::{hand_over_to_governance, GovernanceSetup, RiskSetup},
};
use lien_e2e::{deploy_protocol, Harness};

#[tokio::test(flavor = "multi_thread")]
async fn deploys_wires_and_hands_over() {
    let h = Harness::start().await;
    let (o1, o2, o3) = (h.account(1).await, h.account(1).await, h.account(1).await);
    let guardian = h.account(1).await;
    let gov = GovernanceSetup {
        owners: vec![o1.address(), o2.address(), o3.address()],
        threshold: 2,
        delay: 3_600,
        guardian: guardian.address(),
    };
    let d = deploy_protocol(&h, &gov).await;
    for s in &d.steps {
        println!("gas: {:<40} {:>10}", s.what, s.gas);
    }
    let a = d.addresses;
    let p = h.provider(&h.funder);

    let vault = ICollateralVault::new(a.vault, &p);
    assert_eq!(
        vault.loanBook().call().await.expect("loanBook"),
        a.loan_book
    );
    assert_eq!(
        vault.liquidator().call().await.expect("liquidator"),
        a.liquidator
    );
    let liq = ILiquidator::new(a.liquidator, &p);
    assert_eq!(liq.loanBook().call().await.expect("loanBook"), a.loan_book);
    assert_eq!(liq.vault().call().await.expect("vault"), a.vault);
    let book = ILoanBook::new(a.loan_book, &p);
    let siblings = book.siblings().call().await.expect("siblings");
    assert_eq!(
        (
            siblings.offer_book,
            siblings.vault,
            siblings.oracle,
            siblings.liquidator
        ),
        (a.offer_book, a.vault, a.oracle, a.liquidator)
    );
    let offers = IOfferBook::new(a.offer_book, &p);
    assert_eq!(
        offers.loanBook().call().await.expect("loanBook"),
        a.loan_book
    );
    let risk = RiskSetup::default();
    let pp = offers
        .protocolParams()
        .call()
        .await
        .expect("protocolParams");
    assert_eq!(
        (
            pp.fee_bps,
            pp.tip_bps,
            pp.uncertain_haircut_bps,
            pp.max_step_bps,
            pp.min_change_interval
        ),
        (
            risk.fee_bps,
            risk.tip_bps,
            risk.uncertain_haircut_bps,
            risk.max_step_bps,
            risk.min_change_interval
        )
    );
    assert!(!offers.paused().call().await.expect("paused"));
    let g = IGovernance::new(a.governance, &p);
    assert_eq!(g.owners().call().await.expect("owners"), gov.owners);
    assert_eq!(g.threshold().call().await.expect("threshold"), 2);

    // wiring is once-only
    assert!(
        liq.setLoanBook(a.vault).call().await.is_err(),
        "re-wiring must fail"
    );
    assert!(
        offers.setLoanBook(a.vault).call().await.is_err(),
        "re-wiring the offer book must fail"
    );
    assert!(
        book.setSiblings(a.offer_book, a.vault, a.oracle, a.liquidator, a.loan_desk)
            .call()
            .await
            .is_err(),
        "re-wiring the loan book must fail"
    );
    // only the loan book takes offers
    let Err(err) = offers
        .take(
            alloy::primitives::U256::from(1),
            alloy::primitives::U256::ZERO,
            o1.address(),
            o1.address(),
        )
        .call()
        .await
    else {
        panic!("take by the deployer succeeded");
    };
    assert!(
        matches!(
            err.as_decoded_interface_error::<IOfferBook::IOfferBookErrors>(),
            Some(IOfferBook::IOfferBookErrors::OfferBookNotLoanBook(_))
        ),
        "{err:?}"
    );

    for s in hand_over_to_governance(&p, &a).await.expect("hand over") {
        println!("gas: {:<40} {:>10}", s.what, s.gas);
    }
    for address in [a.oracle, a.vault, a.offer_book, a.loan_book, a.liquidator] {
        let c = IOwnable::new(address, &p);
        assert_eq!(c.owner().call().await.expect("owner"), a.governance);
        assert!(
            c.pendingOwner()
                .call()
                .await
                .expect("pendingOwner")
                .is_zero(),
            "the transfer is complete"
        );
    }
    // the deployer has no power left
    assert!(
        offers.pause().call().await.is_err(),
        "the deployer can no longer pause"
    );
    assert!(
        offers
            .setCollectionEnabled(a.vault, false)
            .call()
            .await
            .is_err(),
        "nor tune the offer book"
    );
    assert!(
        book.withdrawReserve(a.vault, alloy::primitives::U256::from(1), a.vault)
            .call()
            .await
            .is_err(),
        "nor touch the reserve"
    );

    // the guardian pauses the offer book through Governance, without a timelock
    let gg = IGovernance::new(a.governance, h.provider(&guardian));
    let r = gg
        .guardianPause(a.offer_book)
        .send()
        .await
        .expect("guardianPause")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status(), "guardianPause");
    assert!(offers.paused().call().await.expect("paused"));
    assert!(
        g.guardianPause(a.offer_book).call().await.is_err(),
        "only the guardian may pause"
    );
}

/// Two-step ownership on every owned contract: `transferOwnership` only names a pending owner;
/// a stranger cannot accept; the old owner keeps control until the pending owner accepts; a
/// new `transferOwnership` replaces a mistyped pending owner; Governance accepts through
/// `acceptOwnershipOf`, which anyone may call but which only completes a transfer to it.
#[tokio::test(flavor = "multi_thread")]
async fn ownership_moves_in_two_steps_and_only_to_who_accepts() {
    use alloy::primitives::{Address, U256};
    use IOwnable::IOwnableErrors as OwnErr;
    let h = Harness::start().await;
    let owner = h.account(1).await;
    let (mistyped, stranger) = (h.account(1).await, h.account(1).await);
    let gov = GovernanceSetup {
        owners: vec![owner.address()],
        threshold: 1,
        delay: 3_600,
        guardian: Address::ZERO,
    };
    let a = deploy_protocol(&h, &gov).await.addresses;
    let p = h.provider(&h.funder);
    let deployer = h.funder.address();
    let owned = [
        ("oracle", a.oracle),
        ("vault", a.vault),
        ("offerBook", a.offer_book),
        ("loanBook", a.loan_book),
        ("liquidator", a.liquidator),
    ];
    let g_stranger = IGovernance::new(a.governance, h.provider(&stranger));
    for (name, address) in owned {
        let c = IOwnable::new(address, &p);
        assert_eq!(c.owner().call().await.expect("owner"), deployer, "{name}");
        // Governance cannot take what nobody offered it.
        match g_stranger.acceptOwnershipOf(address).call().await {
            Err(e) => assert!(
                matches!(
                    e.as_decoded_interface_error::<IGovernance::IGovernanceErrors>(),
                    Some(IGovernance::IGovernanceErrors::GovAcceptFailed(_))
                ),
                "{name}: {e:?}"
            ),
            Ok(_) => panic!("{name}: Governance accepted an ownership nobody offered"),
        }
        // Step one names a (mistyped) pending owner; the deployer stays the owner.
        let r = c
            .transferOwnership(mistyped.address())
            .send()
            .await
            .expect("transferOwnership")
            .get_receipt()
            .await
            .expect("receipt");
        assert!(r.status(), "{name}.transferOwnership");
        assert!(
            r.inner
                .logs()
                .iter()
                .any(|l| l.topic0() == Some(&IOwnable::OwnershipTransferStarted::SIGNATURE_HASH)),
            "{name}: OwnershipTransferStarted"
        );
        assert_eq!(c.owner().call().await.expect("owner"), deployer, "{name}");
        assert_eq!(
            c.pendingOwner().call().await.expect("pendingOwner"),
            mistyped.address(),
            "{name}"
        );
        // A stranger cannot accept.
        let cs = IOwnable::new(address, h.provider(&stranger));
        match cs.acceptOwnership().call().await {
            Err(e) => match e.as_decoded_interface_error::<OwnErr>() {
                Some(OwnErr::OwnableUnauthorizedAccount(x)) => {
                    assert_eq!(x.account, stranger.address(), "{name}")
                }
                _ => panic!("{name}: unexpected refusal {e:?}"),
            },
            Ok(_) => panic!("{name}: a stranger accepted the ownership"),
        }
    }
    // The old owner keeps control until the acceptance: it still wires and tunes.
    let offers = IOfferBook::new(a.offer_book, &p);
    assert!(
        offers.pause().call().await.is_ok(),
        "the owner can still pause"
    );
    let book = ILoanBook::new(a.loan_book, &p);
    let Err(e) = book
        .withdrawReserve(a.vault, U256::from(1), a.vault)
        .call()
        .await
    else {
        panic!("no reserve to withdraw");
    };
    assert!(
        matches!(
            e.as_decoded_interface_error::<ILoanBook::ILoanBookErrors>(),
            Some(ILoanBook::ILoanBookErrors::LoanBookInsufficientReserve(_))
        ),
        "the owner passes the owner check"
    );

    // The deploy flow's hand-over replaces the mistyped pending owner by Governance and has
    // Governance accept: the mistyped address can no longer accept.
    hand_over_to_governance(&p, &a).await.expect("hand over");
    for (name, address) in owned {
        let c = IOwnable::new(address, &p);
        assert_eq!(
            c.owner().call().await.expect("owner"),
            a.governance,
            "{name}"
        );
        assert!(
            c.pendingOwner().call().await.expect("pending").is_zero(),
            "{name}"
        );
        let cm = IOwnable::new(address, h.provider(&mistyped));
        assert!(
            cm.acceptOwnership().call().await.is_err(),
            "{name}: stale pending owner"
        );
        // Accepting again does nothing: Governance is no longer the pending owner.
        assert!(
            g_stranger.acceptOwnershipOf(address).call().await.is_err(),
            "{name}"
        );
        // The deployer has lost control.
        match c.transferOwnership(deployer).call().await {
            Err(e) => assert!(matches!(
                e.as_decoded_interface_error::<OwnErr>(),
                Some(OwnErr::OwnableUnauthorizedAccount(_))
            )),
            Ok(_) => panic!("{name}: the deployer can still transfer"),
        }
    }
}
