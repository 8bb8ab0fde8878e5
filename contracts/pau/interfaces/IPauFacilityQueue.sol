// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

/// @notice What a Prime's controller needs from an NFAT Facility queue: deposit USDS (pulled
///         with transferFrom from the caller) and withdraw the caller's queued USDS.
interface IPauFacilityQueue {
    function deposit(uint256 amount) external;
    function withdraw() external;
}

/// @notice What a Halo's controller needs from a redeem contract: pull `amount` USDS from the
///         caller (transferFrom) to pay the holder of NFAT `tokenId`.
interface IPauRedeemFunding {
    function fund(uint256 tokenId, uint256 amount) external;
}
