// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

/// @notice What the Controller's gated off-ramp needs from the attestation registry
///         (contracts/attestation/AttestationRegistry.sol).
interface IAttestationGate {
    function preDeploymentOf(bytes32 sleeveId, uint64 round)
        external
        view
        returns (bool current, uint256 amount, bytes32 contentHash);
}
