//! The whole protocol deploys from packaged wasm, wires itself, and hands every setter to
//! Governance; afterwards the deployer key can change nothing, and only the guardian (through
//! Governance) can pause the offer book.

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
        book.setSiblings(a.offer_book, a.vault, a.oracle, a.liquidator)
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
        assert_eq!(
            IOwnable::new(address, &p)
                .owner()
                .call()
                .await
                .expect("owner"),
            a.governance
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
