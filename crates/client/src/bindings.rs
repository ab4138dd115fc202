//! alloy bindings generated from the checked-in Solidity interfaces under `abi/`.
#![allow(missing_docs, clippy::too_many_arguments)]

use alloy::sol;

sol!(
    #[sol(rpc)]
    "../../abi/OfferBook.sol"
);
sol!(
    #[sol(rpc)]
    "../../abi/LoanBook.sol"
);
sol!(
    #[sol(rpc)]
    "../../abi/LoanDesk.sol"
);
sol!(
    #[sol(rpc)]
    "../../abi/LoanLens.sol"
);
sol!(
    #[sol(rpc)]
    "../../abi/Oracle.sol"
);
sol!(
    #[sol(rpc)]
    "../../abi/Liquidator.sol"
);
sol!(
    #[sol(rpc)]
    "../../abi/Vault.sol"
);
sol!(
    #[sol(rpc)]
    "../../abi/Governance.sol"
);
sol!(
    #[sol(rpc)]
    "../../abi/MockFeed.sol"
);
sol!(
    #[sol(rpc)]
    "../../abi/standard/IOwnable.sol"
);
sol!(
    #[sol(rpc)]
    "../../abi/standard/IERC20.sol"
);
sol!(
    #[sol(rpc)]
    "../../abi/standard/IERC721.sol"
);
