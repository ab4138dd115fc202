// SPDX-License-Identifier: MIT
pragma solidity ^0.8.23;

/// OpenZeppelin Ownable, as implemented by the Lien contracts through openzeppelin-stylus
/// (the SDK's export-abi does not print trait implementations, so it is written here).
interface IOwnable {
    function owner() external view returns (address owner);
    function transferOwnership(address newOwner) external;
    error OwnableUnauthorizedAccount(address account);
    error OwnableInvalidOwner(address owner);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
}
