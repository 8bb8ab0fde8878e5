// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {BEAMAuthority} from "../configurator/BEAMAuthority.sol";

/// @notice On-chain record of lpha-attest's attestations, so the Controller can gate a
///         sleeve's off-ramp on one: a faulty relayer (lpha-nfat) key alone can no longer send
///         funds off chain. Each record names the sleeve, the attestation type, the sleeve's
///         offboarding round, the hash of the attestation's content (what the Synome stores)
///         and the amount it covers (in the units of the asset it lets leave).
///         Records are immutable and rounds only grow per (sleeve, type): a round is attested
///         once, and a newer round retires the older one for the gate. Attestors are added
///         through the BEAMTimeLock; an aBEAM removes an attestor or revokes a record instantly.
contract AttestationRegistry is BEAMAuthority {
    enum AttestationType {
        PRE_DEPLOYMENT,
        AT_REST,
        PERIODIC
    }

    struct Attestation {
        bytes32 contentHash;
        uint128 amount;
        uint64 recordedAt;
        bool revoked;
        address attestor;
    }

    mapping(address attestor => bool) public isAttestor;
    mapping(bytes32 sleeveId => mapping(AttestationType => mapping(uint64 round => Attestation))) private _attestations;
    /// @notice The newest round recorded per (sleeve, type); 0 = none (rounds start at 1).
    mapping(bytes32 sleeveId => mapping(AttestationType => uint64)) public latestRound;

    error NotAttestor(address caller);
    error RoundNotAfterLatest(bytes32 sleeveId, AttestationType attestationType, uint64 round, uint64 latest);
    error ZeroContentHash();
    error AmountTooLarge(uint256 amount);
    error NotRecorded(bytes32 sleeveId, AttestationType attestationType, uint64 round);

    event AttestorSet(address indexed attestor, bool active);
    event AttestationRecorded(
        bytes32 indexed sleeveId,
        AttestationType indexed attestationType,
        uint64 indexed round,
        bytes32 contentHash,
        uint256 amount,
        address attestor
    );
    event AttestationRevoked(bytes32 indexed sleeveId, AttestationType indexed attestationType, uint64 indexed round, address by);

    constructor(address councilBeacon, address timelock_) BEAMAuthority(councilBeacon, timelock_) {}

    // ---------------------------------------------------------------- governance

    function addAttestor(address attestor) external onlyTimelock {
        if (attestor == address(0)) revert ZeroAddress();
        isAttestor[attestor] = true;
        emit AttestorSet(attestor, true);
    }

    function removeAttestor(address attestor) external onlyABEAMOrTimelock {
        delete isAttestor[attestor];
        emit AttestorSet(attestor, false);
    }

    /// @notice Instantly withdraws a record from the gate (e.g. one a stolen attestor key made).
    function revoke(bytes32 sleeveId, AttestationType attestationType, uint64 round) external onlyABEAMOrTimelock {
        Attestation storage a = _attestations[sleeveId][attestationType][round];
        if (a.recordedAt == 0) revert NotRecorded(sleeveId, attestationType, round);
        a.revoked = true;
        emit AttestationRevoked(sleeveId, attestationType, round, msg.sender);
    }

    // ---------------------------------------------------------------- attestor

    function record(bytes32 sleeveId, AttestationType attestationType, uint64 round, bytes32 contentHash, uint256 amount)
        external
    {
        if (!isAttestor[msg.sender]) revert NotAttestor(msg.sender);
        if (contentHash == bytes32(0)) revert ZeroContentHash();
        if (amount > type(uint128).max) revert AmountTooLarge(amount);
        uint64 latest = latestRound[sleeveId][attestationType];
        if (round <= latest) revert RoundNotAfterLatest(sleeveId, attestationType, round, latest);
        latestRound[sleeveId][attestationType] = round;
        _attestations[sleeveId][attestationType][round] =
            Attestation(contentHash, uint128(amount), uint64(block.timestamp), false, msg.sender);
        emit AttestationRecorded(sleeveId, attestationType, round, contentHash, amount, msg.sender);
    }

    // ---------------------------------------------------------------- reads

    function attestationOf(bytes32 sleeveId, AttestationType attestationType, uint64 round)
        external
        view
        returns (Attestation memory)
    {
        return _attestations[sleeveId][attestationType][round];
    }

    /// @notice What the Controller's gated off-ramp asks: is there a PRE_DEPLOYMENT record for
    ///         `round` that is the sleeve's current (newest) round and not revoked, and how much
    ///         does it cover.
    function preDeploymentOf(bytes32 sleeveId, uint64 round)
        external
        view
        returns (bool current, uint256 amount, bytes32 contentHash)
    {
        Attestation memory a = _attestations[sleeveId][AttestationType.PRE_DEPLOYMENT][round];
        current = a.recordedAt != 0 && !a.revoked && round == latestRound[sleeveId][AttestationType.PRE_DEPLOYMENT];
        return (current, a.amount, a.contentHash);
    }
}
