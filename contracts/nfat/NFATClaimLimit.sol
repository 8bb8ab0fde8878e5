// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {INFATFacility} from "./interfaces/INFATFacility.sol";

/// @title NFATClaimLimit
/// @notice Linear-refill rate limit on claims (the Spark ALM rule): capacity refills at
///         `slopePerSecond` up to `maxAmount`; each claim consumes its amount.
/// @dev Kept inside the facility rather than on the PAU RateLimits: the pBEAM calls claim on
///      the facility directly, so the facility must bound it itself whoever the caller is
///      (a PAU Controller in front may add its own limit on top). Two storage slots: the
///      configuration and the running state, so a claim writes one slot.
abstract contract NFATClaimLimit is INFATFacility {
    struct ClaimLimitConfig {
        uint128 maxAmount;
        uint128 slopePerSecond;
    }

    struct ClaimLimitState {
        uint128 lastAmount;
        uint64 lastUpdated;
    }

    ClaimLimitConfig private _limit;
    ClaimLimitState private _state;

    function claimRateLimit() external view returns (uint256 maxAmount, uint256 slopePerSecond) {
        return (_limit.maxAmount, _limit.slopePerSecond);
    }

    function claimCapacity() public view returns (uint256) {
        ClaimLimitConfig memory limit = _limit;
        ClaimLimitState memory state = _state;
        uint256 refilled = uint256(state.lastAmount) + uint256(limit.slopePerSecond) * (block.timestamp - state.lastUpdated);
        return refilled < limit.maxAmount ? refilled : limit.maxAmount;
    }

    /// @dev A new limit starts full, like a fresh PAU rate limit.
    function _setClaimRateLimit(uint128 maxAmount, uint128 slopePerSecond) internal {
        _limit = ClaimLimitConfig(maxAmount, slopePerSecond);
        _state = ClaimLimitState(maxAmount, uint64(block.timestamp));
        emit ClaimRateLimitSet(maxAmount, slopePerSecond);
    }

    function _consumeClaimCapacity(uint256 amount) internal {
        uint256 capacity = claimCapacity();
        if (amount > capacity) revert ClaimRateLimitExceeded(amount, capacity);
        // capacity ≤ maxAmount (uint128), so the narrowing cannot truncate.
        _state = ClaimLimitState(uint128(capacity - amount), uint64(block.timestamp));
    }
}
