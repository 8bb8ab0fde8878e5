// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @notice Devnet-only counterpart of an NFAT Facility queue and redeem contract, exposing
///         just the calls a PAU controller makes (deposit/withdraw, fund) so PAU tests do not
///         depend on the facility's lifecycle. The real facility lives in contracts/nfat/.
contract DevnetFacilityQueue {
    using SafeERC20 for IERC20;

    IERC20 public immutable usds;
    mapping(address depositor => uint256) public queued;
    mapping(uint256 tokenId => uint256) public funded;

    constructor(IERC20 usds_) {
        usds = usds_;
    }

    function deposit(uint256 amount) external {
        usds.safeTransferFrom(msg.sender, address(this), amount);
        queued[msg.sender] += amount;
    }

    function withdraw() external {
        uint256 amount = queued[msg.sender];
        queued[msg.sender] = 0;
        usds.safeTransfer(msg.sender, amount);
    }

    function fund(uint256 tokenId, uint256 amount) external {
        usds.safeTransferFrom(msg.sender, address(this), amount);
        funded[tokenId] += amount;
    }
}
