// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {INFATFacility} from "./interfaces/INFATFacility.sol";

/// @title NFATUnits
/// @notice The NFATs (Halo Units) of one facility: an OpenZeppelin ERC-721 with the minimal
///         on-chain record per token (depositor, mintedAt, outstanding principal) plus the
///         funding waiting for its holder, and the optional transfer whitelist.
/// @dev tokenIds count up from `firstTokenId`, chosen at deployment, because the tokenId is
///      the Synome unitId: a Halo (or the Factory) picks a range that cannot collide with its
///      other facilities' units. Funding lives with the token, never with an address, so a
///      transfer moves the right to the funds and never the funds themselves.
abstract contract NFATUnits is ERC721, INFATFacility {
    /// @dev Three slots: (depositor, mintedAt) · (principal, fundedAmount) · (fundedPrincipal).
    struct Unit {
        address depositor;
        uint64 mintedAt;
        uint128 principal;
        uint128 fundedAmount;
        uint128 fundedPrincipal;
    }

    uint256 public immutable firstTokenId;
    uint256 private _nextTokenId;
    bool private _whitelistEnabled;
    mapping(address account => bool) private _whitelisted;
    mapping(uint256 tokenId => Unit) internal _units;

    constructor(string memory name_, string memory symbol_, uint256 firstTokenId_) ERC721(name_, symbol_) {
        firstTokenId = firstTokenId_;
        _nextTokenId = firstTokenId_;
    }

    function nextTokenId() external view returns (uint256) {
        return _nextTokenId;
    }

    function whitelistEnabled() external view returns (bool) {
        return _whitelistEnabled;
    }

    function isWhitelisted(address account) external view returns (bool) {
        return _whitelisted[account];
    }

    /// @notice `principal` is what remains outstanding: the claimed amount minus principal
    ///         already paid out by spends (the original amount is in the Claimed event).
    function unitOf(uint256 tokenId)
        external
        view
        returns (address facility, uint256 principal, address depositor, uint256 mintedAt)
    {
        _requireLive(tokenId);
        Unit storage unit = _units[tokenId];
        return (address(this), unit.principal, unit.depositor, unit.mintedAt);
    }

    function fundingOf(uint256 tokenId) external view returns (uint256 amount, uint256 principalPaid) {
        _requireLive(tokenId);
        Unit storage unit = _units[tokenId];
        return (unit.fundedAmount, unit.fundedPrincipal);
    }

    function _mintUnit(address depositor, uint256 principal) internal returns (uint256 tokenId) {
        tokenId = _nextTokenId++;
        _units[tokenId] = Unit({
            depositor: depositor,
            mintedAt: uint64(block.timestamp),
            principal: uint128(principal),
            fundedAmount: 0,
            fundedPrincipal: 0
        });
        _mint(depositor, tokenId);
    }

    /// @dev Live = minted and not yet burned; returns the holder. A burned id is reported as
    ///      AlreadyRedeemed because redeem is the only way a unit is ever burned.
    function _requireLive(uint256 tokenId) internal view returns (address holder) {
        if (tokenId < firstTokenId || tokenId >= _nextTokenId) revert UnknownToken(tokenId);
        holder = _ownerOf(tokenId);
        if (holder == address(0)) revert AlreadyRedeemed(tokenId);
    }

    function _setWhitelistMode(bool enabled) internal {
        _whitelistEnabled = enabled;
        emit WhitelistModeSet(enabled);
    }

    function _setWhitelisted(address account, bool allowed) internal {
        if (account == address(0)) revert ZeroAddress();
        _whitelisted[account] = allowed;
        emit WhitelistUpdated(account, allowed);
    }

    function _requireWhitelistedIfEnabled(address account) internal view {
        if (_whitelistEnabled && !_whitelisted[account]) revert NotWhitelisted(account);
    }

    /// @dev Every mint and transfer passes here: in whitelist mode the receiver must be
    ///      whitelisted. Burns (to == 0) are always allowed so a holder can always redeem.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address) {
        if (to != address(0)) _requireWhitelistedIfEnabled(to);
        return super._update(to, tokenId, auth);
    }
}
