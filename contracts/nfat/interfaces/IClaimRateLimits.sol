// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

/// @notice The part of the PAU RateLimits (contracts/pau/RateLimits.sol) the facility uses to
///         bound claims under its own key. The facility must hold CONTROLLER on that RateLimits.
interface IClaimRateLimits {
    /// @dev Consumes `amount` of `key`; reverts RateLimitExceeded(key, amount, available).
    function triggerRateLimitDecrease(bytes32 key, uint256 amount) external returns (uint256 available);

    function getCurrentRateLimit(bytes32 key) external view returns (uint256);

    // solhint-disable-next-line func-name-mixedcase
    function CONTROLLER() external view returns (bytes32);

    /// @dev OpenZeppelin AccessControl: the facility gives up its own CONTROLLER role.
    function renounceRole(bytes32 role, address callerConfirmation) external;
}
