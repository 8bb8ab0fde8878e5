// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {DevnetToken} from "../../devnet/DevnetToken.sol";

/// @notice Devnet tokenised T-bill fund share (6 decimals, like most on-chain fund shares).
contract DevnetTBill is DevnetToken {
    constructor(address owner_) DevnetToken("Tokenised T-bill (devnet)", "TBILL", 6, owner_) {}
}
