// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {DevnetToken} from "./DevnetToken.sol";

/// @notice Devnet USDS (18 decimals). Facility queues and redeem contracts hold this token.
contract USDS is DevnetToken {
    constructor(address owner_) DevnetToken("USDS Stablecoin (devnet)", "USDS", 18, owner_) {}
}
