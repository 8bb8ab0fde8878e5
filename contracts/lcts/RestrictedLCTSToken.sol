// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IIdentityNetwork} from "../identity/interfaces/IIdentityNetwork.sol";
import {LCTSToken} from "./LCTSToken.sol";

/// @title RestrictedLCTSToken
/// @notice The unit share of a restricted Halo Unit (reference `halo-agents/identity-network.md`,
///         "Restricted Halo Units"): an LCTS token that only members of the accepted Identity
///         Networks, or contracts admitted explicitly (the pair's queues, a PAU's ALMProxy, an
///         AMM), may receive — by mint, transfer or queue claim. Burning is always allowed, so a
///         holder removed from a network can still redeem through the (admitted) redeem queue.
/// @dev The admin is the BEAMTimeLock: admitting a contract or changing the networks waits its
///      delay like every other permission. The Holding System is admitted at construction (it
///      mints and burns). The check reads the explicit admission first (one slot), then each
///      network's O(1) `isMember`; at most MAX_NETWORKS networks bound the loop.
contract RestrictedLCTSToken is LCTSToken, AccessControl {
    uint256 public constant MAX_NETWORKS = 4;

    IIdentityNetwork[] private _networks;
    mapping(address account => bool) private _admitted;

    error NotAdmitted(address account);
    error TooManyNetworks(uint256 count);
    error ZeroAddress();

    event IdentityNetworksSet(IIdentityNetwork[] networks);
    event AdmissionSet(address indexed account, bool admitted);

    constructor(string memory name_, string memory symbol_, address holdingSystem_, address admin, IIdentityNetwork[] memory networks_)
        LCTSToken(name_, symbol_, holdingSystem_)
    {
        if (holdingSystem_ == address(0) || admin == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setNetworks(networks_);
        _admitted[holdingSystem_] = true;
        emit AdmissionSet(holdingSystem_, true);
    }

    /// @notice Replaces the accepted Identity Networks (none = only admitted contracts receive).
    function setIdentityNetworks(IIdentityNetwork[] calldata networks_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setNetworks(networks_);
    }

    /// @notice Admits (or stops admitting) a contract that must hold the share: a queue, an ALMProxy, an AMM.
    function setAdmitted(address account, bool admitted_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (account == address(0)) revert ZeroAddress();
        _admitted[account] = admitted_;
        emit AdmissionSet(account, admitted_);
    }

    function identityNetworks() external view returns (IIdentityNetwork[] memory) {
        return _networks;
    }

    function isAdmitted(address account) public view returns (bool) {
        if (_admitted[account]) return true;
        uint256 count = _networks.length;
        for (uint256 i; i < count; ++i) {
            if (_networks[i].isMember(account)) return true;
        }
        return false;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (to != address(0) && !isAdmitted(to)) revert NotAdmitted(to);
        super._update(from, to, value);
    }

    function _setNetworks(IIdentityNetwork[] memory networks_) private {
        if (networks_.length > MAX_NETWORKS) revert TooManyNetworks(networks_.length);
        delete _networks;
        for (uint256 i; i < networks_.length; ++i) {
            if (address(networks_[i]) == address(0)) revert ZeroAddress();
            _networks.push(networks_[i]);
        }
        emit IdentityNetworksSet(networks_);
    }
}
