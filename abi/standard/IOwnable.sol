// SPDX-License-Identifier: MIT
pragma solidity ^0.8.23;

/// OpenZeppelin Ownable2Step, as implemented by the Lien contracts (vault, offer book, loan
/// book, liquidator, oracle) through contracts/common/src/owner.rs: `transferOwnership` only
/// starts a transfer, the pending owner completes it with `acceptOwnership`. The oracle and
/// the liquidator have no `renounceOwnership`. The mocks keep one-step OpenZeppelin Ownable
/// (`owner`, `transferOwnership`).
interface IOwnable {
    function owner() external view returns (address owner);
    function pendingOwner() external view returns (address pendingOwner);
    function transferOwnership(address newOwner) external;
    function acceptOwnership() external;
    function renounceOwnership() external;
    error OwnableUnauthorizedAccount(address account);
    error OwnableInvalidOwner(address owner);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);
}
