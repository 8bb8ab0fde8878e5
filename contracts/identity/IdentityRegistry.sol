// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IIdentityNetwork} from "./interfaces/IIdentityNetwork.sol";

/// @title IdentityRegistry
/// @notice The on-chain face of an Identity Network Halo: the addresses of verified entities
///         (reference `halo-agents/identity-network.md`). `isMember` is one storage read.
///         Only lpha-identity's key (WRITER_ROLE) adds or removes, in batches of at most
///         `MAX_BATCH`, and at most `maxUpdatesPerWindow` address changes per window, so a
///         stolen key cannot rewrite the whole network at once; the freezer (PAUSER_ROLE) can
///         stop additions at once while removals stay open (revoking is never blocked).
///         Every change emits an event. No personal data is on chain: only addresses and the
///         Synome entity id (a bytes32) they belong to.
contract IdentityRegistry is IIdentityNetwork, AccessControl {
    bytes32 public constant WRITER_ROLE = keccak256("IDENTITY_WRITER");
    bytes32 public constant PAUSER_ROLE = keccak256("IDENTITY_PAUSER");
    uint256 public constant MAX_BATCH = 200;

    /// @dev One slot: the rate-limit window and whether additions are paused.
    struct Window {
        uint64 startedAt;
        uint32 used;
        bool additionsPaused;
    }

    mapping(address account => bytes32 entityId) private _entityOf;
    Window private _window;
    uint32 public maxUpdatesPerWindow;
    uint32 public windowSeconds;

    error ZeroAddress();
    error ZeroEntity();
    error BatchTooLarge(uint256 size, uint256 maxBatch);
    error UpdateRateExceeded(uint256 requested, uint256 available);
    error AdditionsPaused();
    error InvalidRate();

    event MemberAdded(address indexed account, bytes32 indexed entityId);
    event MemberRemoved(address indexed account, bytes32 indexed entityId);
    event UpdateRateSet(uint256 maxUpdatesPerWindow, uint256 windowSeconds);
    event AdditionsPausedSet(bool paused);

    constructor(address admin, address writer, address pauser, uint32 maxUpdatesPerWindow_, uint32 windowSeconds_) {
        if (admin == address(0) || writer == address(0) || pauser == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(WRITER_ROLE, writer);
        _grantRole(PAUSER_ROLE, pauser);
        _setUpdateRate(maxUpdatesPerWindow_, windowSeconds_);
    }

    function isMember(address account) external view returns (bool) {
        return _entityOf[account] != bytes32(0);
    }

    function entityOf(address account) external view returns (bytes32) {
        return _entityOf[account];
    }

    /// @notice Adds (or moves) `accounts` to entity `entityId`. An account already on that
    ///         entity is a no-op (no event, no rate use), so a replayed batch changes nothing.
    function addMembers(bytes32 entityId, address[] calldata accounts) external onlyRole(WRITER_ROLE) {
        if (entityId == bytes32(0)) revert ZeroEntity();
        if (_window.additionsPaused) revert AdditionsPaused();
        _requireBatch(accounts.length);
        uint256 changed;
        for (uint256 i; i < accounts.length; ++i) {
            address account = accounts[i];
            if (account == address(0)) revert ZeroAddress();
            if (_entityOf[account] == entityId) continue;
            _entityOf[account] = entityId;
            ++changed;
            emit MemberAdded(account, entityId);
        }
        _consume(changed);
    }

    /// @notice Removes `accounts` (whatever entity they belong to); an absent account is a no-op.
    function removeMembers(address[] calldata accounts) external onlyRole(WRITER_ROLE) {
        _requireBatch(accounts.length);
        uint256 changed;
        for (uint256 i; i < accounts.length; ++i) {
            bytes32 entityId = _entityOf[accounts[i]];
            if (entityId == bytes32(0)) continue;
            delete _entityOf[accounts[i]];
            ++changed;
            emit MemberRemoved(accounts[i], entityId);
        }
        _consume(changed);
    }

    /// @notice The freezer stops additions at once (removals stay open).
    function pauseAdditions() external onlyRole(PAUSER_ROLE) {
        _window.additionsPaused = true;
        emit AdditionsPausedSet(true);
    }

    function unpauseAdditions() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _window.additionsPaused = false;
        emit AdditionsPausedSet(false);
    }

    function setUpdateRate(uint32 maxUpdatesPerWindow_, uint32 windowSeconds_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setUpdateRate(maxUpdatesPerWindow_, windowSeconds_);
    }

    /// @notice Address changes still allowed in the current window.
    function availableUpdates() public view returns (uint256) {
        Window memory w = _window;
        if (block.timestamp >= uint256(w.startedAt) + windowSeconds) return maxUpdatesPerWindow;
        return w.used >= maxUpdatesPerWindow ? 0 : maxUpdatesPerWindow - w.used;
    }

    function _consume(uint256 changed) private {
        if (changed == 0) return;
        uint256 available = availableUpdates();
        if (changed > available) revert UpdateRateExceeded(changed, available);
        Window memory w = _window;
        if (block.timestamp >= uint256(w.startedAt) + windowSeconds) {
            w.startedAt = uint64(block.timestamp);
            w.used = 0;
        }
        w.used += uint32(changed);
        _window = w;
    }

    function _requireBatch(uint256 size) private pure {
        if (size > MAX_BATCH) revert BatchTooLarge(size, MAX_BATCH);
    }

    function _setUpdateRate(uint32 maxUpdatesPerWindow_, uint32 windowSeconds_) private {
        if (maxUpdatesPerWindow_ == 0 || windowSeconds_ == 0) revert InvalidRate();
        maxUpdatesPerWindow = maxUpdatesPerWindow_;
        windowSeconds = windowSeconds_;
        emit UpdateRateSet(maxUpdatesPerWindow_, windowSeconds_);
    }
}
