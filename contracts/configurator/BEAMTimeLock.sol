// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @notice The delay every addition in the Configurator Unit waits through (default 14 days),
///         with an emergency pause that stops both scheduling and execution. Cancelling stays
///         possible while paused, so a bad pending operation can be killed during the halt.
/// @dev The delay itself changes only through `updateDelay`, which OpenZeppelin restricts to
///      the timelock calling itself, i.e. a change waits the current delay. There is
///      deliberately no admin shortcut. Roles: Council Beacon = DEFAULT_ADMIN_ROLE (appoints
///      aBEAMs); aBEAMs = PROPOSER/EXECUTOR/CANCELLER/PAUSER.
contract BEAMTimeLock is TimelockController, Pausable {
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    uint256 public constant DEFAULT_DELAY = 14 days;

    constructor(uint256 minDelay, address councilBeacon, address[] memory aBEAMs)
        TimelockController(minDelay, aBEAMs, aBEAMs, councilBeacon)
    {
        for (uint256 i = 0; i < aBEAMs.length; ++i) {
            _grantRole(PAUSER_ROLE, aBEAMs[i]);
        }
    }

    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    function schedule(
        address target,
        uint256 value,
        bytes calldata data,
        bytes32 predecessor,
        bytes32 salt,
        uint256 delay
    ) public override whenNotPaused {
        super.schedule(target, value, data, predecessor, salt, delay);
    }

    function scheduleBatch(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata payloads,
        bytes32 predecessor,
        bytes32 salt,
        uint256 delay
    ) public override whenNotPaused {
        super.scheduleBatch(targets, values, payloads, predecessor, salt, delay);
    }

    function execute(address target, uint256 value, bytes calldata payload, bytes32 predecessor, bytes32 salt)
        public
        payable
        override
        whenNotPaused
    {
        super.execute(target, value, payload, predecessor, salt);
    }

    function executeBatch(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata payloads,
        bytes32 predecessor,
        bytes32 salt
    ) public payable override whenNotPaused {
        super.executeBatch(targets, values, payloads, predecessor, salt);
    }
}
