// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @notice The shared authority rule of BEAMState and Configurator, written once:
///         additions come only from the BEAMTimeLock (so they waited its delay); removals come
///         instantly from any aBEAM (or the timelock). The Council Beacon holds
///         DEFAULT_ADMIN_ROLE and is the only one who appoints or removes aBEAMs.
abstract contract BEAMAuthority is AccessControl {
    bytes32 public constant ABEAM_ROLE = keccak256("ABEAM_ROLE");

    address public immutable timelock;

    error OnlyTimelock(address caller);
    error OnlyABEAM(address caller);
    error ZeroAddress();

    constructor(address councilBeacon, address timelock_) {
        if (councilBeacon == address(0) || timelock_ == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, councilBeacon);
        timelock = timelock_;
    }

    modifier onlyTimelock() {
        if (msg.sender != timelock) revert OnlyTimelock(msg.sender);
        _;
    }

    modifier onlyABEAMOrTimelock() {
        if (msg.sender != timelock && !hasRole(ABEAM_ROLE, msg.sender)) revert OnlyABEAM(msg.sender);
        _;
    }
}
