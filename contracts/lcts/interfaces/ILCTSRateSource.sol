// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

/// @notice Where an LCTS token reads its exchange rate (its Holding System).
interface ILCTSRateSource {
    function exchangeRateWad() external view returns (uint256);
}
