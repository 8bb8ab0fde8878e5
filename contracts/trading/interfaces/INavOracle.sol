// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

/// @notice A NAV feed: USDS per whole asset unit, scaled by 1e18, and when it was last set.
interface INavOracle {
    function latestPrice() external view returns (uint256 priceWad, uint256 updatedAt);
}
