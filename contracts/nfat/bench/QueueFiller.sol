// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {INFATFacility} from "../interfaces/INFATFacility.sol";

/// @notice Gas bench only: one queued depositor, created and funded by QueueFiller.
contract QueueDepositor {
    constructor(IERC20 usds, INFATFacility facility, uint256 amount) {
        usds.approve(address(facility), amount);
        facility.deposit(amount);
    }
}

/// @notice Gas bench only: fills a facility queue with many distinct depositors in a few
///         transactions, so claim gas can be compared with 1 and with 500 queued depositors.
/// @dev Each depositor is a CREATE2 child at a predicted address that receives its USDS
///      before its constructor deposits it. At most 100 per call to stay inside a block.
contract QueueFiller {
    uint256 public constant MAX_PER_CALL = 100;

    error TooMany(uint256 count);

    function fill(IERC20 usds, INFATFacility facility, uint256 firstSalt, uint256 count, uint256 amountEach) external {
        if (count > MAX_PER_CALL) revert TooMany(count);
        bytes32 initCodeHash = keccak256(
            abi.encodePacked(type(QueueDepositor).creationCode, abi.encode(usds, facility, amountEach))
        );
        for (uint256 i = 0; i < count; ++i) {
            bytes32 salt = bytes32(firstSalt + i);
            address child = address(
                uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), address(this), salt, initCodeHash))))
            );
            usds.transfer(child, amountEach);
            new QueueDepositor{salt: salt}(usds, facility, amountEach);
        }
    }
}
