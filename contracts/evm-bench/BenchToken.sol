// SPDX-License-Identifier: MIT
// Lien's gas benchmark currency: a minimal EIP-20 token with an open mint, written for
// `lien bench gas` from the EIP-20 text (https://eips.ethereum.org/EIPS/eip-20). It stands in
// for USDC/WETH: a plain Solidity ERC-20, so the protocol's figures do not include the entry
// cost of a Stylus mock. Not for production: anyone may mint.
pragma solidity 0.8.30;

contract BenchToken {
    /// EIP-20: tokens moved, also on mint (from = 0).
    event Transfer(address indexed from, address indexed to, uint256 value);
    /// EIP-20: an allowance was set.
    event Approval(address indexed owner, address indexed spender, uint256 value);

    /// The balance of `from` is below the amount moved.
    error InsufficientBalance(address from, uint256 balance, uint256 needed);
    /// The caller's allowance from `from` is below the amount moved.
    error InsufficientAllowance(address from, address spender, uint256 allowance, uint256 needed);
    /// Tokens cannot be sent to the zero address.
    error ZeroAddress();

    string public constant name = "Lien Bench Token";
    string public constant symbol = "LBT";
    uint8 public constant decimals = 18;

    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    /// Open mint: `amount` new tokens to `to`.
    function mint(address to, uint256 amount) external {
        if (to == address(0)) revert ZeroAddress();
        totalSupply += amount;
        unchecked {
            // cannot overflow: every balance is at most totalSupply
            balanceOf[to] += amount;
        }
        emit Transfer(address(0), to, amount);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _move(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    /// Moves `value` from `from` to `to` on the caller's allowance; an allowance of
    /// type(uint256).max is never decreased.
    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < value) revert InsufficientAllowance(from, msg.sender, allowed, value);
            unchecked {
                allowance[from][msg.sender] = allowed - value;
            }
        }
        _move(from, to, value);
        return true;
    }

    function _move(address from, address to, uint256 value) private {
        if (to == address(0)) revert ZeroAddress();
        uint256 balance = balanceOf[from];
        if (balance < value) revert InsufficientBalance(from, balance, value);
        unchecked {
            balanceOf[from] = balance - value;
            // cannot overflow: the sum of all balances is totalSupply
            balanceOf[to] += value;
        }
        emit Transfer(from, to, value);
    }
}
