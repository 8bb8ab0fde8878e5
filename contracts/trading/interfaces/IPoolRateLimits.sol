// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

/// @notice The part of the PAU RateLimits (contracts/pau/RateLimits.sol) a trading pool uses.
///         The pool must hold CONTROLLER there; a key without a limit has nothing available, so
///         a pool trades only once the Configurator has set its keys.
interface IPoolRateLimits {
    /// @dev Consumes `amount` of `key`; reverts RateLimitExceeded(key, amount, available).
    function triggerRateLimitDecrease(bytes32 key, uint256 amount) external returns (uint256 available);
}
