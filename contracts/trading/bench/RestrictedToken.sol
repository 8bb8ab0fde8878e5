// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IIdentityNetwork} from "../../identity/interfaces/IIdentityNetwork.sol";

/// @notice Bench-only: an ERC-20 whose receivers must be members of one Identity Network, to
///         measure an isMember-checked transfer beside a plain one (target ≤ 1.15×).
contract RestrictedToken is ERC20 {
    IIdentityNetwork public immutable network;

    error NotMember(address account);

    constructor(IIdentityNetwork network_, address holder, uint256 supply) ERC20("Restricted (bench)", "RST") {
        network = network_;
        _mint(holder, supply);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (to != address(0) && !network.isMember(to)) revert NotMember(to);
        super._update(from, to, value);
    }
}
