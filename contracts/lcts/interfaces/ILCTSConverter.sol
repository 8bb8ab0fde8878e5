// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

/// @notice What an LCTS queue settles against: it has already received `amount` of the queue's
///         underlying and pays the reward asset to the queue, returning how much it paid.
interface ILCTSConverter {
    function convert(uint256 amount) external returns (uint256 reward);
}
