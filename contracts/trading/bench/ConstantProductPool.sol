// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @notice Bench-only baseline: a Uniswap V2-style constant-product swap (x·y = k, 0.3% fee,
///         exact input, reserves cached in one slot). Not part of the product; `npm run
///         bench:gas` compares TradingPool swaps against it.
contract ConstantProductPool {
    using SafeERC20 for IERC20;

    IERC20 public immutable token0;
    IERC20 public immutable token1;
    uint112 private _reserve0;
    uint112 private _reserve1;

    error InsufficientOutput(uint256 amountOut, uint256 minOut);

    constructor(IERC20 token0_, IERC20 token1_) {
        token0 = token0_;
        token1 = token1_;
    }

    /// @notice Takes the tokens already sent as reserves (the bench seeds it once).
    function sync() external {
        _reserve0 = uint112(token0.balanceOf(address(this)));
        _reserve1 = uint112(token1.balanceOf(address(this)));
    }

    function swapExactIn(bool zeroForOne, uint256 amountIn, uint256 minOut, address to) external returns (uint256 amountOut) {
        (uint256 r0, uint256 r1) = (_reserve0, _reserve1);
        (IERC20 tokenIn, IERC20 tokenOut, uint256 rIn, uint256 rOut) = zeroForOne ? (token0, token1, r0, r1) : (token1, token0, r1, r0);
        uint256 amountInWithFee = amountIn * 997;
        amountOut = (amountInWithFee * rOut) / (rIn * 1000 + amountInWithFee);
        if (amountOut < minOut) revert InsufficientOutput(amountOut, minOut);
        tokenIn.safeTransferFrom(msg.sender, address(this), amountIn);
        tokenOut.safeTransfer(to, amountOut);
        (_reserve0, _reserve1) = zeroForOne ? (uint112(r0 + amountIn), uint112(r1 - amountOut)) : (uint112(r0 - amountOut), uint112(r1 + amountIn));
    }
}
