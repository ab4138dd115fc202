//! motsu unit tests of the vault. Operators are stand-in contracts (any address with code);
//! the tests call the vault as them.
use super::*;
use lien_mock_nft::MockNft;
use motsu::prelude::*;
use openzeppelin_stylus::token::erc721::IErc721;

struct Env {
    vault: Contract<CollateralVault>,
    nft: Contract<MockNft>,
    /// Stand-in for the LoanBook (a contract, so it has code).
    book: Contract<MockNft>,
    /// Stand-in for the Liquidator.
    liq: Contract<MockNft>,
    owner: Address,
    alice: Address,
}

fn u(x: u64) -> U256 {
    U256::from(x)
}

macro_rules! expect_err {
    ($call:expr, $pat:pat $(if $guard:expr)?) => {{
        let err = $call.motsu_unwrap_err();
        assert!(matches!(err, $pat $(if $guard)?), "unexpected error {:?}", err);
    }};
}

/// Deployed, wired, and Alice owns NFT #1 approved to the vault.
fn env() -> Env {
    let e = Env {
        vault: Contract::new(),
        nft: Contract::new(),
        book: Contract::new(),
        liq: Contract::new(),
        owner: Address::repeat_byte(0x0A),
        alice: Address::repeat_byte(0xA1),
    };
    e.vault.sender(e.owner).constructor(e.owner).motsu_unwrap();
    e.vault
        .sender(e.owner)
        .set_operators(e.book.address(), e.liq.address())
        .motsu_unwrap();
    e.nft.sender(e.alice).mint(e.alice, u(1)).motsu_unwrap();
    e.nft
        .sender(e.alice)
        .set_approval_for_all(e.vault.address(), true)
        .motsu_unwrap();
    e
}

impl Env {
    fn lock(&self, token_id: U256, loan_id: U256) -> Result<(), Error> {
        self.vault.sender(self.book.address()).lock(
            self.nft.address(),
            token_id,
            self.alice,
            loan_id,
        )
    }

    fn owner_of(&self, token_id: U256) -> Address {
        self.nft
            .sender(self.owner)
            .owner_of(token_id)
            .motsu_unwrap()
    }
}

#[motsu::test]
fn operators_are_wired_once_by_the_owner(
    vault: Contract<CollateralVault>,
    a: Contract<MockNft>,
    b: Contract<MockNft>,
) {
    let owner = Address::repeat_byte(1);
    expect_err!(
        vault.sender(owner).constructor(Address::ZERO),
        Error::InvalidOwner(_)
    );
    vault.sender(owner).constructor(owner).motsu_unwrap();
    assert_eq!(vault.sender(owner).owner(), owner);
    expect_err!(
        vault
            .sender(a.address())
            .set_operators(a.address(), b.address()),
        Error::UnauthorizedAccount(_)
    );
    expect_err!(
        vault
            .sender(owner)
            .set_operators(Address::ZERO, b.address()),
        Error::ZeroAddress(_)
    );
    let eoa = Address::repeat_byte(0xEE);
    expect_err!(
        vault.sender(owner).set_operators(a.address(), eoa),
        Error::NoCode(VaultNoCode { account }) if account == eoa
    );
    vault
        .sender(owner)
        .set_operators(a.address(), b.address())
        .motsu_unwrap();
    vault.assert_emitted(&OperatorsSet {
        loanBook: a.address(),
        liquidator: b.address(),
    });
    assert_eq!(
        (
            vault.sender(owner).loan_book(),
            vault.sender(owner).liquidator()
        ),
        (a.address(), b.address())
    );
    expect_err!(
        vault.sender(owner).set_operators(a.address(), b.address()),
        Error::AlreadySet(_)
    );
}

#[motsu::test]
fn lock_pulls_the_nft_and_records_the_loan() {
    let e = env();
    e.lock(u(1), u(7)).motsu_unwrap();
    assert_eq!(e.owner_of(u(1)), e.vault.address());
    assert_eq!(
        e.vault.sender(e.owner).locked_for(e.nft.address(), u(1)),
        u(7)
    );
    e.vault.assert_emitted(&Locked {
        collection: e.nft.address(),
        tokenId: u(1),
        loanId: u(7),
        from: e.alice,
    });
}

#[motsu::test]
fn lock_rejects_bad_callers_and_inputs() {
    let e = env();
    let nft = e.nft.address();
    expect_err!(
        e.vault.sender(e.alice).lock(nft, u(1), e.alice, u(1)),
        Error::Unauthorized(VaultUnauthorized { caller }) if caller == e.alice
    );
    expect_err!(
        e.vault
            .sender(e.liq.address())
            .lock(nft, u(1), e.alice, u(1)),
        Error::Unauthorized(_)
    );
    expect_err!(e.lock(u(1), U256::ZERO), Error::ZeroLoanId(_));
    expect_err!(
        e.vault
            .sender(e.book.address())
            .lock(nft, u(1), Address::ZERO, u(1)),
        Error::ZeroAddress(_)
    );
    let eoa = Address::repeat_byte(0xEE);
    expect_err!(
        e.vault
            .sender(e.book.address())
            .lock(eoa, u(1), e.alice, u(1)),
        Error::NoCode(_)
    );
    // `from` does not own the token, or the token does not exist (also U256::MAX).
    let bob = Address::repeat_byte(0xB0);
    expect_err!(
        e.vault.sender(e.book.address()).lock(nft, u(1), bob, u(1)),
        Error::NotOwner(_)
    );
    expect_err!(e.lock(U256::MAX, u(1)), Error::CallFailed(_));
    // Not approved: the pull fails.
    e.nft
        .sender(e.alice)
        .set_approval_for_all(e.vault.address(), false)
        .motsu_unwrap();
    expect_err!(e.lock(u(1), u(1)), Error::CallFailed(_));
    assert_eq!(e.vault.sender(e.owner).locked_for(nft, u(1)), U256::ZERO);
    assert_eq!(e.owner_of(u(1)), e.alice);
}

#[motsu::test]
fn a_locked_token_cannot_be_locked_again() {
    let e = env();
    e.lock(u(1), u(3)).motsu_unwrap();
    expect_err!(e.lock(u(1), u(4)), Error::AlreadyLocked(VaultAlreadyLocked { loanId }) if loanId == u(3));
}

#[motsu::test]
fn max_token_ids_lock_and_release() {
    let e = env();
    e.nft
        .sender(e.alice)
        .mint(e.alice, U256::MAX)
        .motsu_unwrap();
    e.lock(U256::MAX, u(1)).motsu_unwrap();
    e.vault
        .sender(e.book.address())
        .release(e.nft.address(), U256::MAX, e.alice)
        .motsu_unwrap();
    assert_eq!(e.owner_of(U256::MAX), e.alice);
}

#[motsu::test]
fn release_by_either_operator() {
    let e = env();
    let (nft, bob) = (e.nft.address(), Address::repeat_byte(0xB0));
    e.lock(u(1), u(9)).motsu_unwrap();
    expect_err!(
        e.vault.sender(e.alice).release(nft, u(1), e.alice),
        Error::Unauthorized(_)
    );
    expect_err!(
        e.vault
            .sender(e.liq.address())
            .release(nft, u(1), Address::ZERO),
        Error::ZeroAddress(_)
    );
    e.vault
        .sender(e.liq.address())
        .release(nft, u(1), bob)
        .motsu_unwrap();
    assert_eq!(e.owner_of(u(1)), bob);
    assert_eq!(e.vault.sender(e.owner).locked_for(nft, u(1)), U256::ZERO);
    e.vault.assert_emitted(&Released {
        collection: nft,
        tokenId: u(1),
        loanId: u(9),
        to: bob,
    });
    expect_err!(
        e.vault.sender(e.book.address()).release(nft, u(1), bob),
        Error::NotLocked(_)
    );
    // The loan book releases too.
    e.nft
        .sender(bob)
        .set_approval_for_all(e.vault.address(), true)
        .motsu_unwrap();
    e.vault
        .sender(e.book.address())
        .lock(nft, u(1), bob, u(10))
        .motsu_unwrap();
    e.vault
        .sender(e.book.address())
        .release(nft, u(1), e.alice)
        .motsu_unwrap();
    assert_eq!(e.owner_of(u(1)), e.alice);
}

#[motsu::test]
fn spoofed_receiver_calls_credit_nothing() {
    let e = env();
    let nft = e.nft.address();
    // Anyone may call the hook claiming anything: it answers the selector and records nothing.
    let out = e
        .vault
        .sender(e.alice)
        .on_erc721_received(e.alice, e.alice, u(1), vec![].into());
    assert_eq!(out, ERC721_RECEIVED);
    assert_eq!(e.vault.sender(e.owner).locked_for(nft, u(1)), U256::ZERO);
    assert_eq!(e.owner_of(u(1)), e.alice);
    // A real safeTransferFrom donation lands but is not collateral, and the owner can rescue it.
    e.nft
        .sender(e.alice)
        .safe_transfer_from(e.alice, e.vault.address(), u(1))
        .motsu_unwrap();
    assert_eq!(e.owner_of(u(1)), e.vault.address());
    assert_eq!(e.vault.sender(e.owner).locked_for(nft, u(1)), U256::ZERO);
    expect_err!(
        e.vault.sender(e.book.address()).release(nft, u(1), e.alice),
        Error::NotLocked(_)
    );
    // The stray token cannot be locked for someone else either: `from` must own it.
    expect_err!(e.lock(u(1), u(1)), Error::NotOwner(_));
    expect_err!(
        e.vault.sender(e.alice).rescue(nft, u(1), e.alice),
        Error::UnauthorizedAccount(_)
    );
    expect_err!(
        e.vault.sender(e.owner).rescue(nft, u(1), Address::ZERO),
        Error::ZeroAddress(_)
    );
    e.vault
        .sender(e.owner)
        .rescue(nft, u(1), e.alice)
        .motsu_unwrap();
    e.vault.assert_emitted(&Rescued {
        collection: nft,
        tokenId: u(1),
        to: e.alice,
    });
    assert_eq!(e.owner_of(u(1)), e.alice);
}

#[motsu::test]
fn locked_tokens_cannot_be_rescued() {
    let e = env();
    e.lock(u(1), u(5)).motsu_unwrap();
    expect_err!(
        e.vault.sender(e.owner).rescue(e.nft.address(), u(1), e.owner),
        Error::IsLocked(VaultIsLocked { loanId }) if loanId == u(5)
    );
    expect_err!(
        e.vault
            .sender(e.owner)
            .rescue(Address::repeat_byte(0xEE), u(1), e.owner),
        Error::NoCode(_)
    );
}

#[motsu::test]
fn ownership_moves_to_governance() {
    let e = env();
    let gov = Address::repeat_byte(0x60);
    assert!(e.vault.sender(e.alice).transfer_ownership(gov).is_err());
    e.vault
        .sender(e.owner)
        .transfer_ownership(gov)
        .motsu_unwrap();
    // Two steps: the owner keeps control until Governance accepts; nobody else accepts.
    assert_eq!(e.vault.sender(e.owner).owner(), e.owner);
    assert_eq!(e.vault.sender(e.owner).pending_owner(), gov);
    expect_err!(
        e.vault.sender(e.alice).accept_ownership(),
        Error::UnauthorizedAccount(_)
    );
    e.vault.sender(gov).accept_ownership().motsu_unwrap();
    assert_eq!(e.vault.sender(e.owner).owner(), gov);
    assert_eq!(e.vault.sender(e.owner).pending_owner(), Address::ZERO);
    e.vault
        .assert_emitted(&lien_contract_common::owner::OwnershipTransferred {
            previous_owner: e.owner,
            new_owner: gov,
        });
    expect_err!(
        e.vault.sender(e.owner).renounce_ownership(),
        Error::UnauthorizedAccount(_)
    );
    e.vault.sender(gov).renounce_ownership().motsu_unwrap();
    assert_eq!(e.vault.sender(gov).owner(), Address::ZERO);
    expect_err!(
        e.vault.sender(gov).rescue(e.nft.address(), u(1), gov),
        Error::UnauthorizedAccount(_)
    );
}
