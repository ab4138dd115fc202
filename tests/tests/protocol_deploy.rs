//! The whole protocol deploys from packaged wasm, wires itself, and hands every setter to
//! Governance; afterwards the deployer key can change nothing.

use lien_client::{
    bindings::{ICollateralVault, IGovernance, ILiquidator, ILoanBook, IOwnable},
    protocol::{hand_over_to_governance, GovernanceSetup},
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
    assert_eq!(vault.loanBook().call().await.expect("loanBook"), a.loan_book);
    assert_eq!(vault.liquidator().call().await.expect("liquidator"), a.liquidator);
    let liq = ILiquidator::new(a.liquidator, &p);
    assert_eq!(liq.loanBook().call().await.expect("loanBook"), a.loan_book);
    assert_eq!(liq.vault().call().await.expect("vault"), a.vault);
    let book = ILoanBook::new(a.loan_book, &p);
    let siblings = book.siblings().call().await.expect("siblings");
    assert_eq!((siblings._0, siblings._1, siblings._2), (a.vault, a.oracle, a.liquidator));
    let g = IGovernance::new(a.governance, &p);
    assert_eq!(g.owners().call().await.expect("owners"), gov.owners);
    assert_eq!(g.threshold().call().await.expect("threshold"), 2);

    // wiring is once-only
    assert!(liq.setLoanBook(a.vault).call().await.is_err(), "re-wiring must fail");

    for s in hand_over_to_governance(&p, &a).await.expect("hand over") {
        println!("gas: {:<40} {:>10}", s.what, s.gas);
    }
    for address in [a.oracle, a.vault, a.loan_book, a.liquidator] {
        assert_eq!(IOwnable::new(address, &p).owner().call().await.expect("owner"), a.governance);
    }
    // the deployer has no power left
    assert!(book.pause().call().await.is_err(), "the deployer can no longer pause");
}
