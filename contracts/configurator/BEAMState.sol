// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {BEAMAuthority} from "./BEAMAuthority.sol";

/// @notice What governance has pre-approved, and who is accordant to which PAU. Data only:
///         additions (inits, cBEAM grants) arrive through the BEAMTimeLock, removals are
///         instant from an aBEAM.
contract BEAMState is BEAMAuthority {
    struct InitRateLimit {
        uint256 maxAmount;
        uint256 slope;
        bool exists;
    }

    /// pau = address(0) holds the global init; a non-zero pau holds a restricted one.
    mapping(bytes32 key => mapping(address pau => InitRateLimit)) private _initRateLimits;
    mapping(bytes32 key => mapping(address pau => bool)) private _initControllerActions;
    /// @notice Accordance lives in one generation per PAU; the brake starts a new, empty one,
    ///         so every GovOps of that PAU loses its cBEAM in one O(1) write.
    mapping(address pau => uint256) public govOpsEpoch;
    mapping(address pau => mapping(uint256 epoch => mapping(address govOps => bool))) private _govOps;

    /// @notice May revoke every GovOps of a PAU at once: the Configurator, for its brake
    ///         (granted by the Council Beacon at deployment).
    bytes32 public constant BRAKE_ROLE = keccak256("BRAKE_ROLE");

    error InitNotFound(bytes32 key, address pau);
    error InvalidInit(uint256 maxAmount);
    error InitSlopeTooHigh(uint256 maxAmount, uint256 slope);
    error OnlyBrake(address caller);

    event GovOpsAdded(address indexed pau, address indexed govOps);
    event GovOpsRemoved(address indexed pau, address indexed govOps);
    event AllGovOpsRemoved(address indexed pau, uint256 newEpoch);
    event InitRateLimitAdded(bytes32 indexed key, address indexed pau, uint256 maxAmount, uint256 slope);
    event InitRateLimitRemoved(bytes32 indexed key, address indexed pau);
    event InitControllerActionAdded(bytes32 indexed key, address indexed pau);
    event InitControllerActionRemoved(bytes32 indexed key, address indexed pau);

    constructor(address councilBeacon, address timelock_) BEAMAuthority(councilBeacon, timelock_) {}

    // ---------------------------------------------------------------- additions (timelocked)

    function addGovOps(address pau, address govOps) external onlyTimelock {
        if (pau == address(0) || govOps == address(0)) revert ZeroAddress();
        _govOps[pau][govOpsEpoch[pau]][govOps] = true;
        emit GovOpsAdded(pau, govOps);
    }

    /// @notice An init refills at most its whole max per day (slope × 1 day ≤ max, for a
    ///         finite max), so Type 1 exposure in a 24 h time-to-freeze is IRL × (1 + SORL/4),
    ///         not a multiple of the IRL per day.
    function addInitRateLimits(bytes32 key, address pau, uint256 maxAmount, uint256 slope) external onlyTimelock {
        if (maxAmount == 0) revert InvalidInit(maxAmount);
        if (maxAmount != type(uint256).max && slope > maxAmount / 1 days) revert InitSlopeTooHigh(maxAmount, slope);
        _initRateLimits[key][pau] = InitRateLimit(maxAmount, slope, true);
        emit InitRateLimitAdded(key, pau, maxAmount, slope);
    }

    /// @notice Approves one exact controller call; its key is the hash of the calldata.
    function addInitControllerActions(bytes calldata data, address pau) external onlyTimelock returns (bytes32 key) {
        key = keccak256(data);
        _addInitControllerAction(key, pau);
    }

    function addInitControllerActions(bytes32 key, address pau) external onlyTimelock {
        _addInitControllerAction(key, pau);
    }

    // ---------------------------------------------------------------- removals (instant)

    function delGovOps(address pau, address govOps) external onlyABEAMOrTimelock {
        delete _govOps[pau][govOpsEpoch[pau]][govOps];
        emit GovOpsRemoved(pau, govOps);
    }

    /// @notice Revokes every GovOps of `pau` at once (the brake; also aBEAMs and the timelock).
    function delAllGovOps(address pau) external {
        if (msg.sender != timelock && !hasRole(ABEAM_ROLE, msg.sender) && !hasRole(BRAKE_ROLE, msg.sender)) {
            revert OnlyBrake(msg.sender);
        }
        uint256 epoch = ++govOpsEpoch[pau];
        emit AllGovOpsRemoved(pau, epoch);
    }

    function delInitRateLimits(bytes32 key, address pau) external onlyABEAMOrTimelock {
        delete _initRateLimits[key][pau];
        emit InitRateLimitRemoved(key, pau);
    }

    function delInitControllerActions(bytes32 key, address pau) external onlyABEAMOrTimelock {
        delete _initControllerActions[key][pau];
        emit InitControllerActionRemoved(key, pau);
    }

    // ---------------------------------------------------------------- reads

    function isGovOps(address pau, address govOps) external view returns (bool) {
        return _govOps[pau][govOpsEpoch[pau]][govOps];
    }

    /// @notice The init that applies to `pau`: its restricted init if any, else the global one.
    function getInitRateLimits(bytes32 key, address pau) external view returns (uint256 maxAmount, uint256 slope) {
        InitRateLimit memory init = _initRateLimits[key][pau];
        if (!init.exists) init = _initRateLimits[key][address(0)];
        if (!init.exists) revert InitNotFound(key, pau);
        return (init.maxAmount, init.slope);
    }

    function hasInitRateLimits(bytes32 key, address pau) external view returns (bool) {
        return _initRateLimits[key][pau].exists || _initRateLimits[key][address(0)].exists;
    }

    function isControllerActionEnabled(bytes32 key, address pau) external view returns (bool) {
        return _initControllerActions[key][pau] || _initControllerActions[key][address(0)];
    }

    function _addInitControllerAction(bytes32 key, address pau) private {
        _initControllerActions[key][pau] = true;
        emit InitControllerActionAdded(key, pau);
    }
}
