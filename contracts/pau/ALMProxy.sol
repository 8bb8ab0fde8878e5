// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// @notice Custody of a PAU's funds. It does nothing on its own: only an address holding
///         CONTROLLER may make it call out, so every movement passes a controller's checks.
contract ALMProxy is AccessControl {
    bytes32 public constant CONTROLLER = keccak256("CONTROLLER");

    error ZeroAddress();

    constructor(address admin) {
        if (admin == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @notice Calls `target` with `data` as the proxy; bubbles up the revert reason.
    function doCall(address target, bytes calldata data) external onlyRole(CONTROLLER) returns (bytes memory result) {
        return Address.functionCall(target, data);
    }
}
