// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

/// @notice What a restricted token asks an Identity Network Halo: is this address a verified member?
interface IIdentityNetwork {
    function isMember(address account) external view returns (bool);
}
