// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

/// @notice The issuer's redemption endpoint for an RWA token: takes the tokens now (pulled
///         with transferFrom from the caller) and pays USDS to the caller when it settles.
interface IIssuerRedemption {
    function requestRedemption(uint256 amount) external returns (uint256 requestId);

    function isSettled(uint256 requestId) external view returns (bool);
}
