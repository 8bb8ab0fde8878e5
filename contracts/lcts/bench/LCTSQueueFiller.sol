// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {LCTSQueue} from "../LCTSQueue.sol";

/// @notice Gas bench only: one LCTS user, created and funded by LCTSQueueFiller.
contract LCTSQueueUser {
    constructor(IERC20 underlying, LCTSQueue queue, uint256 amount) {
        underlying.approve(address(queue), amount);
        queue.deposit(amount);
    }
}

/// @notice Gas bench only: fills an LCTS generation with many distinct users in a few
///         transactions, so settle and claim gas can be compared with 1 and 1,000 users.
/// @dev Each user is a CREATE2 child at a predicted address that receives its underlying
///      before its constructor deposits it. At most 100 per call to stay inside a block.
contract LCTSQueueFiller {
    uint256 public constant MAX_PER_CALL = 100;

    error TooMany(uint256 count);

    function fill(IERC20 underlying, LCTSQueue queue, uint256 firstSalt, uint256 count, uint256 amountEach) external {
        if (count > MAX_PER_CALL) revert TooMany(count);
        bytes memory initCode = abi.encodePacked(type(LCTSQueueUser).creationCode, abi.encode(underlying, queue, amountEach));
        bytes32 initCodeHash = keccak256(initCode);
        for (uint256 i = 0; i < count; i++) {
            bytes32 salt = bytes32(firstSalt + i);
            address predicted = address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), address(this), salt, initCodeHash)))));
            underlying.transfer(predicted, amountEach);
            new LCTSQueueUser{salt: salt}(underlying, queue, amountEach);
        }
    }
}
