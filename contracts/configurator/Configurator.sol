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
///         - an increase (of max or slope) needs an init, waits `hop` since the last increase
///           of that (RateLimits, key), is at most max(old × (1 + maxChange), init), the
///           second-order rate limit (SORL), and refills at most its max per day;
///         - decreases and removals are instant and need nothing; an aBEAM, the Council Beacon
///           and the timelock may make them too, also after the brake or unregistering;
///         - controller calls run only when their exact calldata was approved;
///         - relayers (pBEAM, at most MAX_RELAYERS) are set by GovOps, freezers by the aBEAMs
///           through the timelock, so a stolen GovOps key cannot remove the freezer.
///         The brake `stop(pau)` (an aBEAM or the Council Beacon, instant, one transaction):
///         the PAU's RateLimits stops (nothing is consumed or refunded, so nothing moves), every
///         relayer is revoked and every GovOps of the PAU loses its cBEAM. Only the timelock
///         resumes. PAU registration, `hop` and `maxChange` change only through the timelock;
///         unregistering is instant from an aBEAM and applies the brake.
/// @dev The PAU's Controller and RateLimits must grant this contract DEFAULT_ADMIN_ROLE, and
///      BEAMState must grant it BRAKE_ROLE.
contract Configurator is BEAMAuthority {
    uint256 public constant BPS = 10_000;
    /// @notice Relayers per PAU; bounds the brake's revocation loop.
    uint256 public constant MAX_RELAYERS = 4;
    /// @notice CONTROLLER holders of a PAU's RateLimits (its Controller and its NFAT Facilities,
    ///         one per Term Halo Unit) that `addRateLimitsController` allows; bounds the brake's
    ///         parking loop in RateLimits.stop.
    uint256 public constant MAX_RATE_LIMITS_CONTROLLERS = 16;

    struct PauContracts {
        Controller controller;
        RateLimits rateLimits;
        /// False once unregistered: the contracts stay known so decreases, removals and the
        /// brake keep working, but nothing can be added.
        bool registered;
    }

    BEAMState public immutable beamState;

    /// @notice SORL cooldown between two increases of the same key (default 18 hours).
    uint256 public hop = 18 hours;
    /// @notice SORL maximum increase per hop, in basis points (default 2500 = 25%).
    uint256 public maxChange = 2_500;

    mapping(address pau => PauContracts) public pauContracts;
    /// @notice When each (RateLimits, key) was last raised (creation counts as a raise). Keyed
    ///         by the RateLimits contract, not the PAU id, so one RateLimits registered under
    ///         two ids still grows by one SORL step per hop.
    mapping(address rateLimits => mapping(bytes32 key => uint256)) public lastIncrease;

    error NotAccordant(address pau, address caller);
    error NotBrake(address caller);
    error PauNotRegistered(address pau);
    error PauIsStopped(address pau);
    error RateLimitsMismatch(address controllerRateLimits, address rateLimits);
    error TooManyRelayers(address pau);
    error TooManyRateLimitsControllers(address pau);
    error ControllerActionNotEnabled(address pau, bytes32 key);
    error SorlCooldown(bytes32 key, uint256 nextIncreaseAt);
    error SorlExceeded(bytes32 key, uint256 requested, uint256 allowed);
    error SlopeAboveDailyMax(bytes32 key, uint256 maxAmount, uint256 slope);
    error UnknownParameter(bytes32 what);
    error InvalidParameter(bytes32 what, uint256 data);

    event PauContractsSet(address indexed pau, address controller, address rateLimits);
    event PauContractsRemoved(address indexed pau);
    event PauStopped(address indexed pau, address indexed by, uint256 relayersRevoked);
    event PauResumed(address indexed pau);
    event File(bytes32 indexed what, uint256 data);
    event RateLimitSet(address indexed pau, bytes32 indexed key, uint256 maxAmount, uint256 slope, bool increase);
    event RateLimitRemoved(address indexed pau, bytes32 indexed key);
    event ControllerActionCalled(address indexed pau, bytes32 indexed key);
    event RelayerSet(address indexed pau, address indexed relayer, bool active);
    event FreezerSet(address indexed pau, address indexed freezer, bool active);
    event RateLimitsControllerSet(address indexed pau, address indexed account, bool active);

    constructor(address councilBeacon, address timelock_, BEAMState beamState_) BEAMAuthority(councilBeacon, timelock_) {
        if (address(beamState_) == address(0)) revert ZeroAddress();
        beamState = beamState_;
    }

    /// @dev Additions: the accordant GovOps of a registered PAU.
    modifier onlyGovOps(address pau) {
        if (!beamState.isGovOps(pau, msg.sender)) revert NotAccordant(pau, msg.sender);
        _;
    }

    /// @dev Removals: the accordant GovOps, or anyone who may brake.
    modifier onlyGovOpsOrBrake(address pau) {
        if (!_isBrake(msg.sender) && !beamState.isGovOps(pau, msg.sender)) revert NotAccordant(pau, msg.sender);
        _;
    }

    modifier onlyBrake() {
        if (!_isBrake(msg.sender)) revert NotBrake(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- governance (aBEAM)

    /// @notice Registers (or re-registers) a PAU; `controller` must consume `rateLimits`.
    function setPauContracts(address pau, Controller controller, RateLimits rateLimits) external onlyTimelock {
        if (pau == address(0) || address(controller) == address(0) || address(rateLimits) == address(0)) {
            revert ZeroAddress();
        }
        address used = address(controller.rateLimits());
        if (used != address(rateLimits)) revert RateLimitsMismatch(used, address(rateLimits));
        pauContracts[pau] = PauContracts(controller, rateLimits, true);
        emit PauContractsSet(pau, address(controller), address(rateLimits));
    }

    /// @notice Unregisters a PAU instantly and applies the brake: nobody is left to run it.
    function removePauContracts(address pau) external onlyABEAMOrTimelock {
        _stop(pau);
        pauContracts[pau].registered = false;
        emit PauContractsRemoved(pau);
    }

    /// @notice The brake: one call, instant, from an aBEAM or the Council Beacon (or the
    ///         timelock). Stops the PAU's RateLimits, revokes every relayer and every GovOps.
    function stop(address pau) external onlyBrake {
        _stop(pau);
    }

    /// @notice Lifts the stop flag: an addition, so only through the timelock. Relayers and
    ///         GovOps must be granted again (GovOps through the timelock too).
    function resume(address pau) external onlyTimelock {
        _known(pau).rateLimits.resume();
        emit PauResumed(pau);
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

    /// @notice An increase (max or slope up) is GovOps-only on a registered, running PAU and
    ///         SORL-checked; a decrease is instant, also from a brake holder.
    function setRateLimit(address pau, bytes32 key, uint256 maxAmount, uint256 slope) external {
        bool accordant = beamState.isGovOps(pau, msg.sender);
        if (!accordant && !_isBrake(msg.sender)) revert NotAccordant(pau, msg.sender);
        PauContracts memory contracts = _known(pau);
        RateLimits rateLimits = contracts.rateLimits;
        (uint256 oldMax, uint256 oldSlope,,) = rateLimits.getRateLimitData(key);
        bool increase = maxAmount > oldMax || slope > oldSlope;
        if (increase) {
            if (!accordant) revert NotAccordant(pau, msg.sender);
            if (!contracts.registered) revert PauNotRegistered(pau);
            if (rateLimits.stopped()) revert PauIsStopped(pau);
            _checkIncrease(pau, address(rateLimits), key, oldMax, oldSlope, maxAmount, slope);
        }
        rateLimits.setRateLimitData(key, maxAmount, slope);
        emit RateLimitSet(pau, key, maxAmount, slope, increase);
    }

    function removeRateLimit(address pau, bytes32 key) external onlyGovOpsOrBrake(pau) {
        _known(pau).rateLimits.removeRateLimit(key);
        emit RateLimitRemoved(pau, key);
    }

    /// @notice The most `setRateLimit` accepts for (max, slope) right now, and from when.
    function maxIncrease(address pau, bytes32 key)
        external
        view
        returns (uint256 maxAmount, uint256 slope, uint256 notBefore)
    {
        RateLimits rateLimits = _registered(pau).rateLimits;
        (uint256 oldMax, uint256 oldSlope,,) = rateLimits.getRateLimitData(key);
        (uint256 initMax, uint256 initSlope) = beamState.getInitRateLimits(key, pau);
        uint256 last = lastIncrease[address(rateLimits)][key];
        return (_bound(oldMax, initMax), _bound(oldSlope, initSlope), last == 0 ? 0 : last + hop);
    }

    // ---------------------------------------------------------------- cBEAM: controller

    function callControllerAction(address pau, bytes calldata data) external onlyGovOps(pau) returns (bytes memory) {
        bytes32 key = keccak256(data);
        if (!beamState.isControllerActionEnabled(key, pau)) revert ControllerActionNotEnabled(pau, key);
        emit ControllerActionCalled(pau, key);
        return _callController(_registered(pau).controller, data);
    }

    function setRelayer(address pau, address relayer) external onlyGovOps(pau) {
        PauContracts memory contracts = _registered(pau);
        if (contracts.rateLimits.stopped()) revert PauIsStopped(pau);
        Controller controller = contracts.controller;
        bytes32 role = controller.RELAYER();
        if (!controller.hasRole(role, relayer) && controller.getRoleMemberCount(role) >= MAX_RELAYERS) revert TooManyRelayers(pau);
        _setRole(controller, role, relayer, true);
        emit RelayerSet(pau, relayer, true);
    }

    function removeRelayer(address pau, address relayer) external onlyGovOpsOrBrake(pau) {
        Controller controller = _known(pau).controller;
        _setRole(controller, controller.RELAYER(), relayer, false);
        emit RelayerSet(pau, relayer, false);
    }

    /// @notice Freezers are an aBEAM power: added through the timelock, removed instantly.
    function setFreezer(address pau, address freezer) external onlyTimelock {
        Controller controller = _registered(pau).controller;
        _setRole(controller, controller.FREEZER(), freezer, true);
        emit FreezerSet(pau, freezer, true);
    }

    function removeFreezer(address pau, address freezer) external onlyBrake {
        Controller controller = _known(pau).controller;
        _setRole(controller, controller.FREEZER(), freezer, false);
        emit FreezerSet(pau, freezer, false);
    }

    /// @notice Lets `account` (a new unit's NFAT Facility) consume the PAU's rate limits under
    ///         its own keys: an addition, so only through the timelock (the HaloFactory schedules
    ///         it with the unit's inits), on a registered PAU that is not stopped (a stopped
    ///         PAU's controllers are parked; a new one would escape the brake).
    function addRateLimitsController(address pau, address account) external onlyTimelock {
        if (account == address(0)) revert ZeroAddress();
        RateLimits rateLimits = _registered(pau).rateLimits;
        if (rateLimits.stopped()) revert PauIsStopped(pau);
        bytes32 role = rateLimits.CONTROLLER();
        if (!rateLimits.hasRole(role, account) && rateLimits.getRoleMemberCount(role) >= MAX_RATE_LIMITS_CONTROLLERS) {
            revert TooManyRateLimitsControllers(pau);
        }
        rateLimits.grantRole(role, account);
        emit RateLimitsControllerSet(pau, account, true);
    }

    /// @notice A removal: instant, from anyone who may brake.
    function removeRateLimitsController(address pau, address account) external onlyBrake {
        RateLimits rateLimits = _known(pau).rateLimits;
        rateLimits.revokeRole(rateLimits.CONTROLLER(), account);
        emit RateLimitsControllerSet(pau, account, false);
    }

    // ---------------------------------------------------------------- internals

    function _stop(address pau) private {
        PauContracts memory contracts = _known(pau);
        contracts.rateLimits.stop();
        Controller controller = contracts.controller;
        bytes32 role = controller.RELAYER();
        uint256 count = controller.getRoleMemberCount(role); // ≤ MAX_RELAYERS: only this contract grants it
        for (uint256 i = count; i > 0; --i) {
            _setRole(controller, role, controller.getRoleMember(role, i - 1), false);
        }
        beamState.delAllGovOps(pau);
        emit PauStopped(pau, msg.sender, count);
    }

    function _checkIncrease(
        address pau,
        address rateLimits,
        bytes32 key,
        uint256 oldMax,
        uint256 oldSlope,
        uint256 newMax,
        uint256 newSlope
    ) private {
        (uint256 initMax, uint256 initSlope) = beamState.getInitRateLimits(key, pau);
        uint256 last = lastIncrease[rateLimits][key];
        if (last != 0 && block.timestamp < last + hop) revert SorlCooldown(key, last + hop);
        uint256 allowedMax = _bound(oldMax, initMax);
        if (newMax > allowedMax) revert SorlExceeded(key, newMax, allowedMax);
        uint256 allowedSlope = _bound(oldSlope, initSlope);
        if (newSlope > allowedSlope) revert SorlExceeded(key, newSlope, allowedSlope);
        if (newMax != type(uint256).max && newSlope > newMax / 1 days) revert SlopeAboveDailyMax(key, newMax, newSlope);
        lastIncrease[rateLimits][key] = block.timestamp;
    }

    /// @dev max(old × (1 + maxChange), init): the init is the approved starting point, so a
    ///      limit lowered in an emergency can always come back to it (after the hop).
    function _bound(uint256 old, uint256 init) private view returns (uint256) {
        if (old >= type(uint128).max) return old; // unlimited (or beyond anything storable)
        uint256 grown = old * (BPS + maxChange) / BPS;
        return grown > init ? grown : init;
    }

    function _isBrake(address account) private view returns (bool) {
        return account == timelock || hasRole(ABEAM_ROLE, account) || hasRole(DEFAULT_ADMIN_ROLE, account);
    }

    /// @dev Registered now or earlier (removals and the brake work on both).
    function _known(address pau) private view returns (PauContracts memory contracts) {
        contracts = pauContracts[pau];
        if (address(contracts.controller) == address(0)) revert PauNotRegistered(pau);
    }

    function _registered(address pau) private view returns (PauContracts memory contracts) {
        contracts = pauContracts[pau];
        if (!contracts.registered) revert PauNotRegistered(pau);
    }

    function _setRole(Controller controller, bytes32 role, address account, bool active) private {
        if (account == address(0)) revert ZeroAddress();
        bytes memory data = active
            ? abi.encodeCall(IAccessControl.grantRole, (role, account))
            : abi.encodeCall(IAccessControl.revokeRole, (role, account));
        _callController(controller, data);
    }

    function _callController(Controller controller, bytes memory data) private returns (bytes memory result) {
        bool ok;
        (ok, result) = address(controller).call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
    }
}
