// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {NFATQueue} from "./NFATQueue.sol";
import {NFATUnits} from "./NFATUnits.sol";
import {IClaimRateLimits} from "./interfaces/IClaimRateLimits.sol";
import {RateLimitKeys} from "../pau/RateLimitKeys.sol";

/// @title NFATFacility
/// @notice One Term Halo Class on-chain: Primes queue USDS; the facility's lpha-nfat pBEAM
///         claims (depositor, amount), which sends the USDS to the Facility ALMProxy and mints
///         an NFAT to the depositor; the Halo later funds that NFAT (principal + yield, plus any
///         late-funding penalty) and the holder redeems it for exactly the funded amount.
/// @dev One contract holds the queue and the redeem pool, kept apart by accounting
///      (totalUnderlying vs totalFunded), so USDS held ≥ totalUnderlying + totalFunded always.
///      Claims are bounded by the Halo PAU's RateLimits under this facility's own key, so govops
///      sets and removes the claim limit through the Configurator like any other PAU limit.
///      Deployed with plain constructor arguments (no proxy, no initializer), so a factory can
///      stamp out one per Halo Class with CREATE2 at a predictable address.
contract NFATFacility is NFATQueue, NFATUnits, AccessControl, Pausable {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    bytes32 public constant CLAIMER_ROLE = keccak256("NFAT_CLAIMER");
    bytes32 public constant FUNDER_ROLE = keccak256("NFAT_FUNDER");
    bytes32 public constant PAUSER_ROLE = keccak256("NFAT_PAUSER");
    /// @notice Rate-limit action name of claims (defined once, in RateLimitKeys); the key adds
    ///         this facility's address.
    bytes32 public constant LIMIT_NFAT_CLAIM = RateLimitKeys.LIMIT_NFAT_CLAIM;

    struct Config {
        IERC20 usds;
        /// @dev The Facility PAU's ALMProxy: receives every claimed USDS.
        address almProxy;
        /// @dev The Halo: DEFAULT_ADMIN_ROLE (whitelist, unpause, roles).
        address admin;
        /// @dev lpha-nfat's pBEAM (or the PAU contract that carries its calls).
        address claimer;
        /// @dev The account whose USDS funds redemptions (normally the Halo ALMProxy).
        address funder;
        address pauser;
        string name;
        string symbol;
        uint256 firstTokenId;
        /// @dev The Halo PAU's RateLimits; the facility needs CONTROLLER there to claim.
        IClaimRateLimits rateLimits;
    }

    IERC20 private immutable _usds;
    address private immutable _almProxy;
    IClaimRateLimits private immutable _rateLimits;
    bytes32 private immutable _claimKey;
    uint256 private _totalFunded;

    constructor(Config memory config) NFATUnits(config.name, config.symbol, config.firstTokenId) {
        if (
            address(config.usds) == address(0) || config.almProxy == address(0) || config.admin == address(0)
                || config.claimer == address(0) || config.funder == address(0) || config.pauser == address(0)
                || address(config.rateLimits) == address(0)
        ) revert ZeroAddress();
        _usds = config.usds;
        _almProxy = config.almProxy;
        _rateLimits = config.rateLimits;
        _claimKey = RateLimitKeys.makeKey(LIMIT_NFAT_CLAIM, address(this));
        _grantRole(DEFAULT_ADMIN_ROLE, config.admin);
        _grantRole(CLAIMER_ROLE, config.claimer);
        _grantRole(FUNDER_ROLE, config.funder);
        _grantRole(PAUSER_ROLE, config.pauser);
    }

    // ------------------------------------------------------------------ queue (Primes)

    function deposit(uint256 amount) external whenNotPaused returns (uint256 shares) {
        _requireWhitelistedIfEnabled(msg.sender);
        shares = _queueIn(msg.sender, amount);
        _usds.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @dev Deliberately not pausable: a queue is non-binding until claimed.
    function withdraw() external returns (uint256 amount) {
        amount = _queueOut(msg.sender);
        _usds.safeTransfer(msg.sender, amount);
    }

    // ------------------------------------------------------------------ Halo

    function claim(address depositor, uint256 amount)
        external
        onlyRole(CLAIMER_ROLE)
        whenNotPaused
        returns (uint256 tokenId)
    {
        if (amount == 0) revert ZeroAmount();
        _rateLimits.triggerRateLimitDecrease(_claimKey, amount);
        uint256 sharesBurned = _queueClaim(depositor, amount);
        tokenId = _mintUnit(depositor, amount.toUint128());
        emit Claimed(tokenId, depositor, _almProxy, amount, sharesBurned);
        _usds.safeTransfer(_almProxy, amount);
    }

    /// @dev `principalPaid` may exceed `amount`: that is how a partial recovery retires a unit
    ///      (the seed's 80% example funds 24M against 30M principal); the shortfall is a loss.
    function fund(uint256 tokenId, uint256 amount, uint256 principalPaid, uint256 penalty)
        external
        onlyRole(FUNDER_ROLE)
        whenNotPaused
    {
        _requireLive(tokenId);
        Unit storage unit = _units[tokenId];
        uint256 outstanding = unit.principal - unit.fundedPrincipal;
        if (principalPaid > outstanding) revert PrincipalOverpaid(tokenId, principalPaid, outstanding);
        _fund(tokenId, unit, amount, principalPaid, penalty);
    }

    /// @dev The PAU Controller's `fundRedeem(redeem, tokenId, amount)` calls this shape.
    function fund(uint256 tokenId, uint256 amount) external onlyRole(FUNDER_ROLE) whenNotPaused {
        _requireLive(tokenId);
        Unit storage unit = _units[tokenId];
        _fund(tokenId, unit, amount, unit.principal - unit.fundedPrincipal, 0);
    }

    function _fund(uint256 tokenId, Unit storage unit, uint256 amount, uint256 principalPaid, uint256 penalty) private {
        uint256 total = amount + penalty;
        if (total == 0) revert ZeroAmount();
        unit.fundedAmount = (unit.fundedAmount + total).toUint128();
        unit.fundedPrincipal += uint128(principalPaid); // ≤ outstanding principal, a uint128
        _totalFunded += total;
        emit Funded(tokenId, unit.depositor, msg.sender, amount, principalPaid, penalty);
        _usds.safeTransferFrom(msg.sender, address(this), total);
    }

    // ------------------------------------------------------------------ holders

    /// @dev Not pausable and no deadline: funded USDS belongs to whoever holds the NFAT.
    function redeem(uint256 tokenId) external returns (uint256 paid) {
        address holder = _requireLive(tokenId);
        if (holder != msg.sender) revert NotHolder(tokenId, msg.sender, holder);
        Unit storage unit = _units[tokenId];
        paid = unit.fundedAmount;
        if (paid == 0) revert NotFunded(tokenId);
        address depositor = unit.depositor;
        uint256 principalReduced = unit.fundedPrincipal;
        uint256 principalRemaining = unit.principal - principalReduced;
        _totalFunded -= paid;
        if (principalRemaining == 0) {
            delete _units[tokenId];
            _burn(tokenId);
            emit Redeemed(tokenId, depositor, holder, paid);
        } else {
            unit.principal = uint128(principalRemaining);
            unit.fundedAmount = 0;
            unit.fundedPrincipal = 0;
            emit Spent(tokenId, depositor, holder, paid, principalReduced, principalRemaining);
        }
        _usds.safeTransfer(holder, paid);
    }

    // ------------------------------------------------------------------ Halo administration

    function setWhitelistMode(bool enabled) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setWhitelistMode(enabled);
    }

    function setWhitelisted(address account, bool allowed) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setWhitelisted(account, allowed);
    }

    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    // ------------------------------------------------------------------ views

    function usds() external view returns (address) {
        return address(_usds);
    }

    function almProxy() external view returns (address) {
        return _almProxy;
    }

    function rateLimits() external view returns (address) {
        return address(_rateLimits);
    }

    function claimRateLimitKey() external view returns (bytes32) {
        return _claimKey;
    }

    function claimCapacity() external view returns (uint256) {
        return _rateLimits.getCurrentRateLimit(_claimKey);
    }

    function totalFunded() external view returns (uint256) {
        return _totalFunded;
    }

    function supportsInterface(bytes4 interfaceId) public view override(ERC721, AccessControl) returns (bool) {
        return super.supportsInterface(interfaceId);
    }
}
