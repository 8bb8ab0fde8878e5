// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {Cloneable} from "../factory/Cloneable.sol";

/// @notice Custody of a PAU's funds. It does nothing on its own: only an address holding
///         CONTROLLER may make it call out, so every movement passes a controller's checks.
/// @dev Deployed directly (`admin` non-zero) or as a HaloFactory clone (`initialize`); a
///      constructor given the zero address deploys the locked template implementation.
contract ALMProxy is AccessControl, Cloneable {
    bytes32 public constant CONTROLLER = keccak256("CONTROLLER");

    error ZeroAddress();

    constructor(address admin) {
        if (admin != address(0)) _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _disableInitializers();
    }

    /// @notice A clone's one initialisation (the factory, in the deploying transaction).
    function initialize(address admin, address controller) external initializer onlyClone {
        if (admin == address(0) || controller == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(CONTROLLER, controller);
    }

    /// @notice Calls `target` with `data` as the proxy; bubbles up the revert reason.
    function doCall(address target, bytes calldata data) external onlyRole(CONTROLLER) returns (bytes memory result) {
        return Address.functionCall(target, data);
    }
}
