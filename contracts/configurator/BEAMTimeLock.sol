// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @notice The delay every addition in the Configurator Unit waits through (default 14 days),
///         with an emergency pause that stops both scheduling and execution. Cancelling stays
///         possible while paused, so a bad pending operation can be killed during the halt.
/// @dev The delay itself changes only through `updateDelay`, which OpenZeppelin restricts to
///      the timelock calling itself, i.e. a change waits the current delay, and never below
///      `MIN_DELAY_FLOOR` (a devnet build overrides `_delayFloor`, see
///      contracts/devnet/DevnetBEAMTimeLock.sol). There is deliberately no admin shortcut.
///      Roles: Council Beacon = DEFAULT_ADMIN_ROLE (appoints aBEAMs); an aBEAM = PROPOSER, and
///      granting or revoking PROPOSER grants or revokes CANCELLER and PAUSER with it, so an
///      aBEAM appointed later can cancel and pause like the first ones. EXECUTOR stays a
///      separate role.
contract BEAMTimeLock is TimelockController, Pausable {
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    uint256 public constant DEFAULT_DELAY = 14 days;
    /// @notice The shortest delay a production timelock accepts, at deployment and later.
    uint256 public constant MIN_DELAY_FLOOR = 7 days;

    error DelayBelowFloor(uint256 delay, uint256 floor);
    error ZeroAddress();

    constructor(uint256 minDelay, address councilBeacon, address[] memory aBEAMs)
        TimelockController(minDelay, aBEAMs, aBEAMs, councilBeacon)
    {
        if (councilBeacon == address(0)) revert ZeroAddress();
        for (uint256 i = 0; i < aBEAMs.length; ++i) {
            if (aBEAMs[i] == address(0)) revert ZeroAddress();
        }
        if (minDelay < _delayFloor()) revert DelayBelowFloor(minDelay, _delayFloor());
    }

    /// @dev OpenZeppelin's caller check (the timelock itself) runs first; the floor after it.
    function updateDelay(uint256 newDelay) public override {
        super.updateDelay(newDelay);
        if (newDelay < _delayFloor()) revert DelayBelowFloor(newDelay, _delayFloor());
    }

    function _delayFloor() internal pure virtual returns (uint256) {
        return MIN_DELAY_FLOOR;
    }

    /// @dev PROPOSER carries CANCELLER and PAUSER (OpenZeppelin gives CANCELLER to proposers
    ///      only in its constructor).
    function _grantRole(bytes32 role, address account) internal override returns (bool granted) {
        granted = super._grantRole(role, account);
        if (role == PROPOSER_ROLE) {
            super._grantRole(CANCELLER_ROLE, account);
            super._grantRole(PAUSER_ROLE, account);
        }
    }

    function _revokeRole(bytes32 role, address account) internal override returns (bool revoked) {
        revoked = super._revokeRole(role, account);
        if (role == PROPOSER_ROLE) {
            super._revokeRole(CANCELLER_ROLE, account);
            super._revokeRole(PAUSER_ROLE, account);
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
