// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {AccessControlEnumerable} from "@openzeppelin/contracts/access/extensions/AccessControlEnumerable.sol";
import {Cloneable} from "../factory/Cloneable.sol";

/// @notice Per-key linear rate limits for one PAU. Available capacity refills from the last
///         consumed level at `slope` per second up to `maxAmount`; consuming more than is
///         available reverts. `maxAmount = type(uint256).max` means unlimited.
/// @dev Storage is two slots per key: the configuration (max, slope) is only read by a
///      consume, and the state (lastAmount, lastUpdated) is the single slot it writes.
///      Unlimited keys are never written on consume. Deployed directly (`admin` non-zero) or
///      as a HaloFactory clone (`initialize`); a constructor given the zero address deploys
///      the locked template implementation.
contract RateLimits is AccessControlEnumerable, Cloneable {
    bytes32 public constant CONTROLLER = keccak256("CONTROLLER");

    /// @notice Sentinel stored for "unlimited"; reported as type(uint256).max.
    uint128 private constant UNLIMITED = type(uint128).max;

    struct Config {
        uint128 maxAmount;
        uint128 slope;
    }

    struct State {
        uint128 lastAmount;
        uint64 lastUpdated;
    }

    mapping(bytes32 key => Config) private _configs;
    mapping(bytes32 key => State) private _states;

    /// @notice The brake (Configurator.stop): while set, no account holds CONTROLLER, so
    ///         nothing is consumed or refunded and every controller of this PAU (the
    ///         Controller, an NFAT Facility's claims) moves nothing. Configuration (decreases,
    ///         removals) keeps working. Parking the controllers instead of checking a flag
    ///         keeps the consume path at the cost it had (no extra storage read).
    bool public stopped;
    address[] private _parked;

    error RateLimitExceeded(bytes32 key, uint256 amount, uint256 available);
    error AmountTooLarge(uint256 amount);
    error ZeroAmount();
    error ZeroAddress();

    event RateLimitDataSet(bytes32 indexed key, uint256 maxAmount, uint256 slope, uint256 lastAmount, uint256 lastUpdated);
    event RateLimitDecreased(bytes32 indexed key, uint256 amount, uint256 available);
    event RateLimitIncreased(bytes32 indexed key, uint256 amount, uint256 available);
    event StoppedSet(bool stopped);

    constructor(address admin) {
        if (admin != address(0)) _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _disableInitializers();
    }

    /// @notice A clone's one initialisation: `admin` (the Configurator) and the first
    ///         CONTROLLER (the PAU's Controller).
    function initialize(address admin, address controller) external initializer onlyClone {
        if (admin == address(0) || controller == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(CONTROLLER, controller);
    }

    /// @notice Revokes CONTROLLER from every holder and remembers them (the Configurator's
    ///         instant brake). Bounded: CONTROLLER is granted at deployment and otherwise only by
    ///         the Configurator's timelocked `addRateLimitsController`, which stops at
    ///         MAX_RATE_LIMITS_CONTROLLERS.
    function stop() external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (stopped) return;
        stopped = true;
        for (uint256 i = getRoleMemberCount(CONTROLLER); i > 0; --i) {
            address controller = getRoleMember(CONTROLLER, i - 1);
            _parked.push(controller);
            _revokeRole(CONTROLLER, controller);
        }
        emit StoppedSet(true);
    }

    /// @notice Gives the parked controllers their role back (the Configurator's timelocked `resume`).
    function resume() external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!stopped) return;
        stopped = false;
        for (uint256 i = 0; i < _parked.length; ++i) {
            _grantRole(CONTROLLER, _parked[i]);
        }
        delete _parked;
        emit StoppedSet(false);
    }

    /// @notice Sets a limit. A key that had no limit starts empty and fills at `slope`, so a
    ///         newly onboarded target cannot receive more than the slope has accrued; an
    ///         existing key keeps what is available now, capped at the new maximum.
    function setRateLimitData(bytes32 key, uint256 maxAmount, uint256 slope) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint128 storedMax = _toStoredMax(maxAmount);
        if (slope >= UNLIMITED) revert AmountTooLarge(slope);
        uint256 current = _configs[key].maxAmount == 0 ? 0 : getCurrentRateLimit(key);
        uint128 lastAmount = storedMax == UNLIMITED ? UNLIMITED : uint128(_min(current, storedMax));
        _configs[key] = Config(storedMax, uint128(slope));
        _states[key] = State(lastAmount, uint64(block.timestamp));
        emit RateLimitDataSet(key, maxAmount, slope, _fromStored(lastAmount), block.timestamp);
    }

    /// @notice Instant removal: the key behaves as never configured (nothing available).
    function removeRateLimit(bytes32 key) external onlyRole(DEFAULT_ADMIN_ROLE) {
        delete _configs[key];
        delete _states[key];
        emit RateLimitDataSet(key, 0, 0, 0, block.timestamp);
    }

    function getRateLimitData(bytes32 key)
        external
        view
        returns (uint256 maxAmount, uint256 slope, uint256 lastAmount, uint256 lastUpdated)
    {
        Config memory config = _configs[key];
        State memory state = _states[key];
        return (_fromStored(config.maxAmount), config.slope, _fromStored(state.lastAmount), state.lastUpdated);
    }

    /// @notice What can be consumed now.
    function getCurrentRateLimit(bytes32 key) public view returns (uint256) {
        Config memory config = _configs[key];
        if (config.maxAmount == UNLIMITED) return type(uint256).max;
        State memory state = _states[key];
        uint256 refilled = uint256(state.lastAmount) + uint256(config.slope) * (block.timestamp - state.lastUpdated);
        return _min(refilled, config.maxAmount);
    }

    /// @notice Consumes `amount`; reverts when more than is available.
    function triggerRateLimitDecrease(bytes32 key, uint256 amount) external onlyRole(CONTROLLER) returns (uint256 available) {
        if (amount == 0) revert ZeroAmount();
        available = getCurrentRateLimit(key);
        if (available == type(uint256).max) return available;
        if (amount > available) revert RateLimitExceeded(key, amount, available);
        available -= amount;
        _states[key] = State(uint128(available), uint64(block.timestamp));
        emit RateLimitDecreased(key, amount, available);
    }

    /// @notice Gives capacity back (a paired reverse path), never above the maximum. A key
    ///         without a limit stays without one.
    function triggerRateLimitIncrease(bytes32 key, uint256 amount) external onlyRole(CONTROLLER) returns (uint256 available) {
        if (amount == 0) revert ZeroAmount();
        Config memory config = _configs[key];
        available = getCurrentRateLimit(key);
        if (config.maxAmount == 0 || available == type(uint256).max) return available;
        available = _min(available + amount, config.maxAmount);
        _states[key] = State(uint128(available), uint64(block.timestamp));
        emit RateLimitIncreased(key, amount, available);
    }

    function _toStoredMax(uint256 maxAmount) private pure returns (uint128) {
        if (maxAmount == type(uint256).max) return UNLIMITED;
        if (maxAmount >= UNLIMITED) revert AmountTooLarge(maxAmount);
        return uint128(maxAmount);
    }

    function _fromStored(uint128 value) private pure returns (uint256) {
        return value == UNLIMITED ? type(uint256).max : value;
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }
}
