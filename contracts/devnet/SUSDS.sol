// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";

/// @notice Devnet sUSDS: an ERC-4626 vault over USDS. Yield is simulated by anyone sending
///         USDS to the vault, which raises the share price (no rate accumulator on devnet).
contract SUSDS is ERC4626 {
    constructor(IERC20 usds) ERC20("Savings USDS (devnet)", "sUSDS") ERC4626(usds) {}
}
