// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

/// @notice What a Prime's controller needs from an NFAT Facility: deposit USDS (pulled with
///         transferFrom from the caller), withdraw the caller's queued USDS, and redeem an NFAT
///         the caller holds for the USDS funded to it.
interface IPauFacilityQueue {
    function deposit(uint256 amount) external;
    function withdraw() external;
    function redeem(uint256 tokenId) external;
}

/// @notice What a Halo's controller needs from a redeem contract: pull
///         `principalAmount + interestAmount` USDS from the caller (transferFrom) to pay the
///         holder of NFAT `tokenId`, retiring exactly `principalAmount` of its principal.
interface IPauRedeemFunding {
    function fund(uint256 tokenId, uint256 principalAmount, uint256 interestAmount) external;
}
