// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @notice Gas baseline only: a plain OpenZeppelin ERC-721 whose mint does nothing else,
///         measured beside the facility's claim+mint in bench/gas/nfat.ts.
contract PlainERC721 is ERC721 {
    constructor() ERC721("Plain", "PLAIN") {}

    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }
}
