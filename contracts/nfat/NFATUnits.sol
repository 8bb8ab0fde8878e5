// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {INFATFacility} from "./interfaces/INFATFacility.sol";
import {IIdentityNetwork} from "../identity/interfaces/IIdentityNetwork.sol";

/// @title NFATUnits
/// @notice The NFATs (Halo Units) of one facility: an OpenZeppelin ERC-721 with the minimal
///         on-chain record per token (depositor, mintedAt, outstanding principal) plus the
///         funding waiting for its holder, and the optional transfer whitelist.
/// @dev tokenIds count up from `firstTokenId`, chosen at deployment, because the tokenId is
///      the Synome unitId: a Halo (or the Factory) picks a range that cannot collide with its
///      other facilities' units. Funding lives with the token, never with an address, so a
///      transfer moves the right to the funds and never the funds themselves.
///      Storage is laid out so a claim writes one new slot beside the ERC-721's own:
///      - `_units[id]` = (principal, mintedAt), one slot, written at mint;
///      - `_fundings[id]` = (amount, principal), one slot, written only by funding;
///      - `_movedDepositors[id]`, written only on the NFAT's first transfer: until then the
///        depositor is the ERC-721 owner (the facility mints to the depositor), so the mint
///        does not store the same address twice;
///      - the token counter, the whitelist flag, the facility's pause flag and its claimer share
///        one slot.
abstract contract NFATUnits is ERC721, INFATFacility {
    using SafeCast for uint256;

    struct Unit {
        uint128 principal;
        uint64 mintedAt;
    }

    struct Funding {
        uint128 amount;
        uint128 principal;
    }

    /// @dev One slot, read by every claim: counter, flags and the facility's one claimer
    ///      (its CLAIMER_ROLE holder, kept here so the role check costs no extra cold read).
    struct Slot0 {
        uint64 nextTokenId;
        bool whitelistEnabled;
        bool paused;
        address claimer;
    }

    uint256 private immutable _firstTokenId;
    Slot0 internal _slot0;
    mapping(address account => bool) private _whitelisted;
    mapping(uint256 tokenId => Unit) internal _units;
    mapping(uint256 tokenId => Funding) internal _fundings;
    mapping(uint256 tokenId => address) private _movedDepositors;
    /// @dev Accepted Identity Networks: in whitelist mode a member of any of them is admitted
    ///      beside the explicit whitelist (which admits contracts such as a PAU's ALMProxy).
    ///      Read only when the explicit whitelist says no, so claims to whitelisted or
    ///      non-restricted receivers cost nothing extra.
    IIdentityNetwork[] private _identityNetworks;
    uint256 public constant MAX_IDENTITY_NETWORKS = 4;
    /// @dev A clone's ERC-721 name and symbol (a direct deployment's live in ERC721's own slots).
    string private _cloneName;
    string private _cloneSymbol;

    constructor(string memory name_, string memory symbol_, uint256 firstTokenId_) ERC721(name_, symbol_) {
        _firstTokenId = firstTokenId_;
        _slot0.nextTokenId = firstTokenId_.toUint64();
    }

    /// @dev A clone's counterpart of the constructor (its first tokenId comes from `_firstTokenIdOf`).
    function _initUnits(string memory name_, string memory symbol_) internal {
        _cloneName = name_;
        _cloneSymbol = symbol_;
        _slot0.nextTokenId = _firstTokenIdOf().toUint64();
    }

    /// @dev The first tokenId: an immutable, or a clone's immutable arg (the facility overrides).
    function _firstTokenIdOf() internal view virtual returns (uint256) {
        return _firstTokenId;
    }

    function firstTokenId() external view returns (uint256) {
        return _firstTokenIdOf();
    }

    function name() public view override returns (string memory) {
        return bytes(_cloneName).length != 0 ? _cloneName : super.name();
    }

    function symbol() public view override returns (string memory) {
        return bytes(_cloneSymbol).length != 0 ? _cloneSymbol : super.symbol();
    }

    function nextTokenId() external view returns (uint256) {
        return _slot0.nextTokenId;
    }

    function whitelistEnabled() external view returns (bool) {
        return _slot0.whitelistEnabled;
    }

    function isWhitelisted(address account) external view returns (bool) {
        return _whitelisted[account];
    }

    /// @notice `principal` is what remains outstanding: the claimed amount minus principal
    ///         already paid out by spends or written down (the original is in the Claimed event).
    function unitOf(uint256 tokenId)
        external
        view
        returns (address facility, uint256 principal, address depositor, uint256 mintedAt)
    {
        address holder = _requireLive(tokenId);
        Unit storage unit = _units[tokenId];
        return (address(this), unit.principal, _depositorOf(tokenId, holder), unit.mintedAt);
    }

    function fundingOf(uint256 tokenId) external view returns (uint256 amount, uint256 principalPaid) {
        _requireLive(tokenId);
        Funding storage funding = _fundings[tokenId];
        return (funding.amount, funding.principal);
    }

    /// @dev Writes (principal, mintedAt) and the ERC-721 owner; funding and depositor slots stay
    ///      untouched (zero) until a funding or a first transfer needs them.
    function _mintUnit(address depositor, uint256 principal) internal returns (uint256 tokenId) {
        Slot0 memory slot0 = _slot0;
        tokenId = slot0.nextTokenId;
        slot0.nextTokenId = (tokenId + 1).toUint64();
        _slot0 = slot0;
        _units[tokenId] = Unit({principal: principal.toUint128(), mintedAt: uint64(block.timestamp)});
        _mint(depositor, tokenId);
    }

    /// @dev Clears every slot of a unit and burns it (redeem, or a write-down to zero).
    function _burnUnit(uint256 tokenId) internal {
        delete _units[tokenId];
        delete _fundings[tokenId];
        delete _movedDepositors[tokenId];
        _burn(tokenId);
    }

    /// @dev The original depositor: recorded at the first transfer, the holder until then.
    function _depositorOf(uint256 tokenId, address holder) internal view returns (address) {
        address moved = _movedDepositors[tokenId];
        return moved == address(0) ? holder : moved;
    }

    /// @dev Live = minted and not yet burned; returns the holder. A burned id is reported as
    ///      AlreadyRedeemed because redeem (or a write-down to zero) is the only way a unit is
    ///      ever burned.
    function _requireLive(uint256 tokenId) internal view returns (address holder) {
        if (tokenId < _firstTokenIdOf() || tokenId >= _slot0.nextTokenId) revert UnknownToken(tokenId);
        holder = _ownerOf(tokenId);
        if (holder == address(0)) revert AlreadyRedeemed(tokenId);
    }

    function _setWhitelistMode(bool enabled) internal {
        _slot0.whitelistEnabled = enabled;
        emit WhitelistModeSet(enabled);
    }

    function _setWhitelisted(address account, bool allowed) internal {
        if (account == address(0)) revert ZeroAddress();
        _whitelisted[account] = allowed;
        emit WhitelistUpdated(account, allowed);
    }

    function identityNetworks() external view returns (IIdentityNetwork[] memory) {
        return _identityNetworks;
    }

    function _setIdentityNetworks(IIdentityNetwork[] calldata networks) internal {
        if (networks.length > MAX_IDENTITY_NETWORKS) revert TooManyIdentityNetworks(networks.length, MAX_IDENTITY_NETWORKS);
        delete _identityNetworks;
        for (uint256 i; i < networks.length; ++i) {
            if (address(networks[i]) == address(0)) revert ZeroAddress();
            _identityNetworks.push(networks[i]);
        }
        emit IdentityNetworksSet(networks);
    }

    function _requireWhitelistedIfEnabled(address account) internal view {
        if (_slot0.whitelistEnabled && !_whitelisted[account] && !_isIdentityMember(account)) revert NotWhitelisted(account);
    }

    function _isIdentityMember(address account) private view returns (bool) {
        uint256 count = _identityNetworks.length;
        for (uint256 i; i < count; ++i) {
            if (_identityNetworks[i].isMember(account)) return true;
        }
        return false;
    }

    /// @dev Every mint and transfer passes here: in whitelist mode the receiver must be
    ///      whitelisted. Burns (to == 0) are always allowed so a holder can always redeem.
    ///      The first transfer of a unit records its depositor (the owner it leaves).
    function _update(address to, uint256 tokenId, address auth) internal override returns (address from) {
        if (to != address(0)) _requireWhitelistedIfEnabled(to);
        from = super._update(to, tokenId, auth);
        if (from != address(0) && to != address(0) && _movedDepositors[tokenId] == address(0)) {
            _movedDepositors[tokenId] = from;
        }
    }
}
