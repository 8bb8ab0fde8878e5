// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {BEAMAuthority} from "./BEAMAuthority.sol";
import {BEAMState} from "./BEAMState.sol";
import {Controller} from "../pau/Controller.sol";
import {RateLimits} from "../pau/RateLimits.sol";

/// @notice Where an accordant GovOps (cBEAM holder for a PAU) operates that PAU within what
///         governance pre-approved:
///         - a rate limit is created only from an init (restricted to the PAU, else global);
///         - an increase (of max or slope) needs an init, waits `hop` since the last increase,
///           and is at most max(old × (1 + maxChange), init), the second-order rate limit
///           (SORL); decreases and removals are instant and need nothing;
///         - controller calls run only when their exact calldata was approved;
///         - relayer (pBEAM) and freezer are set per PAU.
///         PAU registration, `hop` and `maxChange` change only through the BEAMTimeLock;
///         unregistering is instant from an aBEAM.
/// @dev The PAU's Controller and RateLimits must grant this contract DEFAULT_ADMIN_ROLE.
contract Configurator is BEAMAuthority {
    uint256 public constant BPS = 10_000;

    struct PauContracts {
        Controller controller;
        RateLimits rateLimits;
    }

    BEAMState public immutable beamState;

    /// @notice SORL cooldown between two increases of the same key (default 18 hours).
    uint256 public hop = 18 hours;
    /// @notice SORL maximum increase per hop, in basis points (default 2500 = 25%).
    uint256 public maxChange = 2_500;

    mapping(address pau => PauContracts) public pauContracts;
    /// @notice When each (PAU, key) was last raised (creation counts as a raise).
    mapping(address pau => mapping(bytes32 key => uint256)) public lastIncrease;

    error NotAccordant(address pau, address caller);
    error PauNotRegistered(address pau);
    error ControllerActionNotEnabled(address pau, bytes32 key);
    error SorlCooldown(bytes32 key, uint256 nextIncreaseAt);
    error SorlExceeded(bytes32 key, uint256 requested, uint256 allowed);
    error UnknownParameter(bytes32 what);
    error InvalidParameter(bytes32 what, uint256 data);

    event PauContractsSet(address indexed pau, address controller, address rateLimits);
    event PauContractsRemoved(address indexed pau);
    event File(bytes32 indexed what, uint256 data);
    event RateLimitSet(address indexed pau, bytes32 indexed key, uint256 maxAmount, uint256 slope, bool increase);
    event RateLimitRemoved(address indexed pau, bytes32 indexed key);
    event ControllerActionCalled(address indexed pau, bytes32 indexed key);
    event RelayerSet(address indexed pau, address indexed relayer, bool active);
    event FreezerSet(address indexed pau, address indexed freezer, bool active);

    constructor(address councilBeacon, address timelock_, BEAMState beamState_) BEAMAuthority(councilBeacon, timelock_) {
        beamState = beamState_;
    }

    modifier onlyGovOps(address pau) {
        if (!beamState.isGovOps(pau, msg.sender)) revert NotAccordant(pau, msg.sender);
        _;
    }

    // ---------------------------------------------------------------- governance (aBEAM)

    function setPauContracts(address pau, Controller controller, RateLimits rateLimits) external onlyTimelock {
        if (pau == address(0) || address(controller) == address(0) || address(rateLimits) == address(0)) {
            revert ZeroAddress();
        }
        pauContracts[pau] = PauContracts(controller, rateLimits);
        emit PauContractsSet(pau, address(controller), address(rateLimits));
    }

    function removePauContracts(address pau) external onlyABEAMOrTimelock {
        delete pauContracts[pau];
        emit PauContractsRemoved(pau);
    }

    /// @notice Changes a SORL parameter: "hop" (seconds, > 0) or "maxChange" (bps, ≤ 10000).
    function file(bytes32 what, uint256 data) external onlyTimelock {
        if (what == "hop") {
            if (data == 0 || data > 365 days) revert InvalidParameter(what, data);
            hop = data;
        } else if (what == "maxChange") {
            if (data > BPS) revert InvalidParameter(what, data);
            maxChange = data;
        } else {
            revert UnknownParameter(what);
        }
        emit File(what, data);
    }

    // ---------------------------------------------------------------- cBEAM: rate limits

    function setRateLimit(address pau, bytes32 key, uint256 maxAmount, uint256 slope) external onlyGovOps(pau) {
        RateLimits rateLimits = _pau(pau).rateLimits;
        (uint256 oldMax, uint256 oldSlope,,) = rateLimits.getRateLimitData(key);
        bool increase = maxAmount > oldMax || slope > oldSlope;
        if (increase) _checkIncrease(pau, key, oldMax, oldSlope, maxAmount, slope);
        rateLimits.setRateLimitData(key, maxAmount, slope);
        emit RateLimitSet(pau, key, maxAmount, slope, increase);
    }

    function removeRateLimit(address pau, bytes32 key) external onlyGovOps(pau) {
        _pau(pau).rateLimits.removeRateLimit(key);
        emit RateLimitRemoved(pau, key);
    }

    /// @notice The most `setRateLimit` accepts for (max, slope) right now, and from when.
    function maxIncrease(address pau, bytes32 key)
        external
        view
        returns (uint256 maxAmount, uint256 slope, uint256 notBefore)
    {
        (uint256 oldMax, uint256 oldSlope,,) = _pau(pau).rateLimits.getRateLimitData(key);
        (uint256 initMax, uint256 initSlope) = beamState.getInitRateLimits(key, pau);
        uint256 last = lastIncrease[pau][key];
        return (_bound(oldMax, initMax), _bound(oldSlope, initSlope), last == 0 ? 0 : last + hop);
    }

    // ---------------------------------------------------------------- cBEAM: controller

    function callControllerAction(address pau, bytes calldata data) external onlyGovOps(pau) returns (bytes memory) {
        bytes32 key = keccak256(data);
        if (!beamState.isControllerActionEnabled(key, pau)) revert ControllerActionNotEnabled(pau, key);
        emit ControllerActionCalled(pau, key);
        return _callController(pau, data);
    }

    function setRelayer(address pau, address relayer) external onlyGovOps(pau) {
        _setRole(pau, _pau(pau).controller.RELAYER(), relayer, true);
        emit RelayerSet(pau, relayer, true);
    }

    function removeRelayer(address pau, address relayer) external onlyGovOps(pau) {
        _setRole(pau, _pau(pau).controller.RELAYER(), relayer, false);
        emit RelayerSet(pau, relayer, false);
    }

    function setFreezer(address pau, address freezer) external onlyGovOps(pau) {
        _setRole(pau, _pau(pau).controller.FREEZER(), freezer, true);
        emit FreezerSet(pau, freezer, true);
    }

    function removeFreezer(address pau, address freezer) external onlyGovOps(pau) {
        _setRole(pau, _pau(pau).controller.FREEZER(), freezer, false);
        emit FreezerSet(pau, freezer, false);
    }

    // ---------------------------------------------------------------- internals

    function _checkIncrease(address pau, bytes32 key, uint256 oldMax, uint256 oldSlope, uint256 newMax, uint256 newSlope)
        private
    {
        (uint256 initMax, uint256 initSlope) = beamState.getInitRateLimits(key, pau);
        uint256 last = lastIncrease[pau][key];
        if (last != 0 && block.timestamp < last + hop) revert SorlCooldown(key, last + hop);
        uint256 allowedMax = _bound(oldMax, initMax);
        if (newMax > allowedMax) revert SorlExceeded(key, newMax, allowedMax);
        uint256 allowedSlope = _bound(oldSlope, initSlope);
        if (newSlope > allowedSlope) revert SorlExceeded(key, newSlope, allowedSlope);
        lastIncrease[pau][key] = block.timestamp;
    }

    /// @dev max(old × (1 + maxChange), init): the init is the approved starting point, so a
    ///      limit lowered in an emergency can always come back to it (after the hop).
    function _bound(uint256 old, uint256 init) private view returns (uint256) {
        if (old >= type(uint128).max) return old; // unlimited (or beyond anything storable)
        uint256 grown = old * (BPS + maxChange) / BPS;
        return grown > init ? grown : init;
    }

    function _pau(address pau) private view returns (PauContracts memory contracts) {
        contracts = pauContracts[pau];
        if (address(contracts.controller) == address(0)) revert PauNotRegistered(pau);
    }

    function _setRole(address pau, bytes32 role, address account, bool active) private {
        if (account == address(0)) revert ZeroAddress();
        bytes memory data = active
            ? abi.encodeCall(IAccessControl.grantRole, (role, account))
            : abi.encodeCall(IAccessControl.revokeRole, (role, account));
        _callController(pau, data);
    }

    function _callController(address pau, bytes memory data) private returns (bytes memory result) {
        bool ok;
        (ok, result) = address(_pau(pau).controller).call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
    }
}
