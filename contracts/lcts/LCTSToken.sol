// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ILCTSRateSource} from "./interfaces/ILCTSRateSource.sol";

/// @title LCTSToken
/// @notice A risk-capital token issued through LCTS queues (srUSDS, a Prime's TEJRC or TISRC).
///         Only its Holding System mints and burns, and the Holding System does so only inside
///         a queue settlement. exchangeRate() is the Fixed Rates interface of lcts.md: the
///         underlying (in underlying precision) that 1e18 tokens are worth, set at settlement.
contract LCTSToken is ERC20 {
    address public immutable holdingSystem;

    error NotHoldingSystem(address caller);

    constructor(string memory name_, string memory symbol_, address holdingSystem_) ERC20(name_, symbol_) {
        holdingSystem = holdingSystem_;
    }

    modifier onlyHoldingSystem() {
        if (msg.sender != holdingSystem) revert NotHoldingSystem(msg.sender);
        _;
    }

    function exchangeRate() external view returns (uint256) {
        return ILCTSRateSource(holdingSystem).exchangeRateWad();
    }

    function mint(address to, uint256 amount) external onlyHoldingSystem {
        _mint(to, amount);
    }

    function burn(uint256 amount) external onlyHoldingSystem {
        _burn(msg.sender, amount);
    }
}
