// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @notice Devnet PSM: swaps USDS (18 decimals) and USDC (6 decimals) 1:1 in value, no fee.
/// @dev Pays out of its own reserves (seeded by minting to it), so it never creates supply.
///      USDS→USDC must be an exact multiple of 1e12 wei: rounding down would silently keep
///      the caller's dust, so the swap reverts instead.
contract PSM {
    using SafeERC20 for IERC20;

    uint256 public constant CONVERSION = 1e12;

    IERC20 public immutable usds;
    IERC20 public immutable usdc;

    error NotExactMultiple(uint256 usdsAmount);
    error ZeroAmount();

    event SwapUSDSToUSDC(address indexed account, uint256 usdsIn, uint256 usdcOut);
    event SwapUSDCToUSDS(address indexed account, uint256 usdcIn, uint256 usdsOut);

    constructor(IERC20 usds_, IERC20 usdc_) {
        usds = usds_;
        usdc = usdc_;
    }

    /// @return usdcOut the USDC paid to the caller (usdsAmount / 1e12).
    function swapUSDSToUSDC(uint256 usdsAmount) external returns (uint256 usdcOut) {
        if (usdsAmount == 0) revert ZeroAmount();
        if (usdsAmount % CONVERSION != 0) revert NotExactMultiple(usdsAmount);
        usdcOut = usdsAmount / CONVERSION;
        usds.safeTransferFrom(msg.sender, address(this), usdsAmount);
        usdc.safeTransfer(msg.sender, usdcOut);
        emit SwapUSDSToUSDC(msg.sender, usdsAmount, usdcOut);
    }

    /// @return usdsOut the USDS paid to the caller (usdcAmount * 1e12).
    function swapUSDCToUSDS(uint256 usdcAmount) external returns (uint256 usdsOut) {
        if (usdcAmount == 0) revert ZeroAmount();
        usdsOut = usdcAmount * CONVERSION;
        usdc.safeTransferFrom(msg.sender, address(this), usdcAmount);
        usds.safeTransfer(msg.sender, usdsOut);
        emit SwapUSDCToUSDS(msg.sender, usdcAmount, usdsOut);
    }
}
