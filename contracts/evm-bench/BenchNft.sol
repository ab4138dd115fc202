// SPDX-License-Identifier: MIT
// Lien's gas benchmark collection: a minimal EIP-721 token with an open mint, written for
// `lien bench gas` from the EIP-721 and EIP-165 texts (https://eips.ethereum.org/EIPS/eip-721,
// https://eips.ethereum.org/EIPS/eip-165). It stands in for a real Solidity collection, so the
// protocol's figures do not include the entry cost of a Stylus mock. Not for production:
// anyone may mint.
pragma solidity 0.8.30;

/// EIP-721: the callback `safeTransferFrom` makes on a contract recipient.
interface IERC721TokenReceiver {
    function onERC721Received(address operator, address from, uint256 tokenId, bytes calldata data)
        external
        returns (bytes4);
}

contract BenchNft {
    /// EIP-721: ownership changed, also on mint (from = 0).
    event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);
    /// EIP-721: the approved address of a token was set.
    event Approval(address indexed owner, address indexed approved, uint256 indexed tokenId);
    /// EIP-721: an operator was enabled or disabled for every token of an owner.
    event ApprovalForAll(address indexed owner, address indexed operator, bool approved);

    /// The token does not exist.
    error NoSuchToken(uint256 tokenId);
    /// The token exists already.
    error AlreadyMinted(uint256 tokenId);
    /// The zero address is neither an owner nor a recipient.
    error ZeroAddress();
    /// The caller is neither the owner, the token's approved address nor an operator.
    error NotAuthorized(address caller, uint256 tokenId);
    /// `from` is not the token's owner.
    error WrongFrom(address from, address owner);
    /// The recipient contract did not accept the token.
    error UnsafeRecipient(address to);

    string public constant name = "Lien Bench Collection";
    string public constant symbol = "LBN";

    mapping(uint256 => address) private _owners;
    mapping(address => uint256) private _balances;
    mapping(uint256 => address) private _approved;
    mapping(address => mapping(address => bool)) private _operators;

    /// EIP-165: ERC-165 itself and ERC-721.
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == 0x01ffc9a7 || interfaceId == 0x80ac58cd;
    }

    /// Open mint of one token.
    function mint(address to, uint256 tokenId) external {
        if (to == address(0)) revert ZeroAddress();
        _mintOne(to, tokenId);
        unchecked {
            // at most one token per id: a balance never exceeds 2^256
            _balances[to] += 1;
        }
    }

    /// Open mint of `count` tokens, ids `firstId` … `firstId + count - 1` (filling a book for
    /// the scaling benchmark).
    function mintRange(address to, uint256 firstId, uint256 count) external {
        if (to == address(0)) revert ZeroAddress();
        uint256 end = firstId + count;
        for (uint256 id = firstId; id < end; ++id) {
            _mintOne(to, id);
        }
        unchecked {
            _balances[to] += count;
        }
    }

    function balanceOf(address owner) external view returns (uint256) {
        if (owner == address(0)) revert ZeroAddress();
        return _balances[owner];
    }

    function ownerOf(uint256 tokenId) public view returns (address owner) {
        owner = _owners[tokenId];
        if (owner == address(0)) revert NoSuchToken(tokenId);
    }

    function getApproved(uint256 tokenId) external view returns (address) {
        ownerOf(tokenId);
        return _approved[tokenId];
    }

    function isApprovedForAll(address owner, address operator) external view returns (bool) {
        return _operators[owner][operator];
    }

    /// The owner or an operator of the owner sets the token's approved address.
    function approve(address to, uint256 tokenId) external {
        address owner = ownerOf(tokenId);
        if (msg.sender != owner && !_operators[owner][msg.sender]) {
            revert NotAuthorized(msg.sender, tokenId);
        }
        _approved[tokenId] = to;
        emit Approval(owner, to, tokenId);
    }

    function setApprovalForAll(address operator, bool approved) external {
        _operators[msg.sender][operator] = approved;
        emit ApprovalForAll(msg.sender, operator, approved);
    }

    /// Moves `tokenId` from its owner `from` to `to`, by the owner, the token's approved
    /// address or an operator; clears the approved address.
    function transferFrom(address from, address to, uint256 tokenId) public {
        address owner = ownerOf(tokenId);
        if (owner != from) revert WrongFrom(from, owner);
        if (to == address(0)) revert ZeroAddress();
        address approved = _approved[tokenId];
        if (msg.sender != owner && msg.sender != approved && !_operators[owner][msg.sender]) {
            revert NotAuthorized(msg.sender, tokenId);
        }
        if (approved != address(0)) delete _approved[tokenId];
        unchecked {
            // `from` owns the token, so its balance is at least one
            _balances[from] -= 1;
            _balances[to] += 1;
        }
        _owners[tokenId] = to;
        emit Transfer(from, to, tokenId);
    }

    function safeTransferFrom(address from, address to, uint256 tokenId) external {
        safeTransferFrom(from, to, tokenId, "");
    }

    /// As `transferFrom`, then a contract recipient must answer `onERC721Received` with its
    /// selector.
    function safeTransferFrom(address from, address to, uint256 tokenId, bytes memory data) public {
        transferFrom(from, to, tokenId);
        if (to.code.length != 0) {
            try IERC721TokenReceiver(to).onERC721Received(msg.sender, from, tokenId, data) returns (
                bytes4 answer
            ) {
                if (answer != IERC721TokenReceiver.onERC721Received.selector) revert UnsafeRecipient(to);
            } catch {
                revert UnsafeRecipient(to);
            }
        }
    }

    function _mintOne(address to, uint256 tokenId) private {
        if (_owners[tokenId] != address(0)) revert AlreadyMinted(tokenId);
        _owners[tokenId] = to;
        emit Transfer(address(0), to, tokenId);
    }
}
