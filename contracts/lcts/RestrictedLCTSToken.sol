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
///      mints and burns). The check asks the networks first (a member receiving is the common
///      case: a queue claim or a transfer), then the explicit admissions. The first network and
///      the count share one slot, so a member of the first network costs one slot read and one
///      `isMember` call; at most MAX_NETWORKS networks bound the loop.
contract RestrictedLCTSToken is LCTSToken, AccessControl {
    uint256 public constant MAX_NETWORKS = 4;

    /// @dev Slot: the first accepted network and the number of networks.
    IIdentityNetwork private _network0;
    uint8 private _networkCount;
    IIdentityNetwork[MAX_NETWORKS - 1] private _moreNetworks;
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

    function identityNetworks() external view returns (IIdentityNetwork[] memory networks) {
        uint256 count = _networkCount;
        networks = new IIdentityNetwork[](count);
        for (uint256 i; i < count; ++i) {
            networks[i] = i == 0 ? _network0 : _moreNetworks[i - 1];
        }
    }

    function isAdmitted(address account) public view returns (bool) {
        uint256 count = _networkCount;
        if (count != 0) {
            if (_network0.isMember(account)) return true;
            for (uint256 i = 1; i < count; ++i) {
                if (_moreNetworks[i - 1].isMember(account)) return true;
            }
        }
        return _admitted[account];
    }

    function _update(address from, address to, uint256 value) internal override {
        if (to != address(0) && !isAdmitted(to)) revert NotAdmitted(to);
        super._update(from, to, value);
    }

    function _setNetworks(IIdentityNetwork[] memory networks_) private {
        uint256 count = networks_.length;
        if (count > MAX_NETWORKS) revert TooManyNetworks(count);
        for (uint256 i; i < count; ++i) {
            if (address(networks_[i]) == address(0)) revert ZeroAddress();
            if (i == 0) _network0 = networks_[0];
            else _moreNetworks[i - 1] = networks_[i];
        }
        for (uint256 i = count == 0 ? 0 : count - 1; i < MAX_NETWORKS - 1; ++i) {
            _moreNetworks[i] = IIdentityNetwork(address(0));
        }
        if (count == 0) _network0 = IIdentityNetwork(address(0));
        _networkCount = uint8(count);
        emit IdentityNetworksSet(networks_);
    }
}
