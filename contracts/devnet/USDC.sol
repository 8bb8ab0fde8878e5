// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {DevnetToken} from "./DevnetToken.sol";

/// @notice Devnet USDC (6 decimals), the off-ramp asset reached through the PSM.
contract USDC is DevnetToken {
    constructor(address owner_) DevnetToken("USD Coin (devnet)", "USDC", 6, owner_) {}
}
