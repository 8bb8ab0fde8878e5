// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {BEAMTimeLock} from "../configurator/BEAMTimeLock.sol";

/// @notice Devnet build of the BEAMTimeLock: the same contract without the delay floor, so a
///         local stack can run its additions after a minute instead of a week. Never deployed
///         outside devnets (`deployConfiguratorUnit({ devnet: true })`); a production
///         deployment uses BEAMTimeLock, whose bytecode refuses any delay below 7 days.
contract DevnetBEAMTimeLock is BEAMTimeLock {
    constructor(uint256 minDelay, address councilBeacon, address[] memory aBEAMs)
        BEAMTimeLock(minDelay, councilBeacon, aBEAMs)
    {}

    function _delayFloor() internal pure override returns (uint256) {
        return 0;
    }
}
