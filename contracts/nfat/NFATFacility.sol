// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {NFATQueue} from "./NFATQueue.sol";
import {NFATUnits} from "./NFATUnits.sol";
import {IClaimRateLimits} from "./interfaces/IClaimRateLimits.sol";
import {RateLimitKeys} from "../pau/RateLimitKeys.sol";
import {IIdentityNetwork} from "../identity/interfaces/IIdentityNetwork.sol";
import {Cloneable} from "../factory/Cloneable.sol";

/// @title NFATFacility
/// @notice One Term Halo Class on-chain: Primes queue USDS; the facility's lpha-nfat pBEAM
///         claims (depositor, amount), which sends the USDS to the Facility ALMProxy and mints
///         an NFAT to the depositor; the Halo later funds that NFAT (a principal part and an
///         interest part, which includes any late-funding penalty) and the holder redeems it
///         for exactly the funded amount.
/// @dev One contract holds the queue and the redeem pool, kept apart by accounting
///      (totalUnderlying vs totalFunded), so USDS held ≥ totalUnderlying + totalFunded always.
///      Claims are bounded by the Halo PAU's RateLimits under this facility's own key, so govops
///      sets and removes the claim limit through the Configurator like any other PAU limit.
///      Roles follow the cascade: the admin is the BEAMTimeLock (every grant waits its delay),
///      the freezer (PAUSER_ROLE) pauses and removes a claimer or write-down key instantly.
///      Funding never retires more principal than it pays; a loss is a separate write-down.
///      Deployed directly with constructor arguments, or by the HaloFactory as an EIP-1167
///      clone (one per Term Halo Unit) whose immutable args are (usds, almProxy, rateLimits,
///      firstTokenId) and whose roles, name and symbol are set once by `initialize` in the
///      factory's transaction; a constructor given an all-zero Config deploys the locked template
///      implementation. A clone reads its args from its own code, never from storage, so a
///      claim reads no more storage than on a direct deployment.
contract NFATFacility is NFATQueue, NFATUnits, AccessControl, Cloneable {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    bytes32 public constant CLAIMER_ROLE = keccak256("NFAT_CLAIMER");
    bytes32 public constant FUNDER_ROLE = keccak256("NFAT_FUNDER");
    bytes32 public constant PAUSER_ROLE = keccak256("NFAT_PAUSER");
    bytes32 public constant WRITE_DOWN_ROLE = keccak256("NFAT_WRITE_DOWN");
    /// @notice Rate-limit action name of claims (defined once, in RateLimitKeys); the key adds
    ///         this facility's address.
    bytes32 public constant LIMIT_NFAT_CLAIM = RateLimitKeys.LIMIT_NFAT_CLAIM;

    struct Config {
        IERC20 usds;
        /// @dev The Facility PAU's ALMProxy: receives every claimed USDS.
        address almProxy;
        /// @dev DEFAULT_ADMIN_ROLE (whitelist, unpause, role grants): the BEAMTimeLock.
        address admin;
        /// @dev lpha-nfat's pBEAM (or the PAU contract that carries its calls).
        address claimer;
        /// @dev The account whose USDS funds redemptions (normally the Halo ALMProxy).
        address funder;
        /// @dev The freezer: pause, instant removal of a claimer or write-down key.
        address pauser;
        /// @dev Who may write principal down after a recovery at a loss (the Halo's GovOps).
        address writeDowner;
        string name;
        string symbol;
        uint256 firstTokenId;
        /// @dev The Halo PAU's RateLimits; the facility needs CONTROLLER there to claim.
        IClaimRateLimits rateLimits;
    }

    /// @notice A clone's roles and ERC-721 metadata (its other configuration is in its args).
    struct Roles {
        address admin;
        address claimer;
        address funder;
        address pauser;
        address writeDowner;
        string name;
        string symbol;
    }

    IERC20 private immutable _usds;
    address private immutable _almProxy;
    IClaimRateLimits private immutable _rateLimits;
    bytes32 private immutable _claimKey;
    uint256 private _totalFunded;

    constructor(Config memory config) NFATUnits(config.name, config.symbol, config.firstTokenId) {
        _disableInitializers();
        bool implementation = address(config.usds) == address(0) && config.almProxy == address(0)
            && config.admin == address(0) && config.claimer == address(0) && config.funder == address(0)
            && config.pauser == address(0) && config.writeDowner == address(0) && address(config.rateLimits) == address(0);
        if (implementation) return;
        if (
            address(config.usds) == address(0) || config.almProxy == address(0) || config.admin == address(0)
                || config.claimer == address(0) || config.funder == address(0) || config.pauser == address(0)
                || config.writeDowner == address(0) || address(config.rateLimits) == address(0)
        ) revert ZeroAddress();
        _usds = config.usds;
        _almProxy = config.almProxy;
        _rateLimits = config.rateLimits;
        _claimKey = RateLimitKeys.makeKey(LIMIT_NFAT_CLAIM, address(this));
        _grantRole(DEFAULT_ADMIN_ROLE, config.admin);
        _grantRole(CLAIMER_ROLE, config.claimer);
        _grantRole(FUNDER_ROLE, config.funder);
        _grantRole(PAUSER_ROLE, config.pauser);
        _grantRole(WRITE_DOWN_ROLE, config.writeDowner);
    }

    /// @notice A clone's one initialisation (the factory, in the deploying transaction).
    function initialize(Roles calldata roles) external initializer onlyClone {
        (IERC20 usds_, address almProxy_, IClaimRateLimits rateLimits_,) = _config();
        if (
            address(usds_) == address(0) || almProxy_ == address(0) || address(rateLimits_) == address(0)
                || roles.admin == address(0) || roles.claimer == address(0) || roles.funder == address(0)
                || roles.pauser == address(0) || roles.writeDowner == address(0)
        ) revert ZeroAddress();
        _initUnits(roles.name, roles.symbol);
        _grantRole(DEFAULT_ADMIN_ROLE, roles.admin);
        _grantRole(CLAIMER_ROLE, roles.claimer);
        _grantRole(FUNDER_ROLE, roles.funder);
        _grantRole(PAUSER_ROLE, roles.pauser);
        _grantRole(WRITE_DOWN_ROLE, roles.writeDowner);
    }

    /// @dev (usds, almProxy, rateLimits, claim key): immutables, or a clone's args.
    function _config() private view returns (IERC20, address, IClaimRateLimits, bytes32) {
        if (!_isClone()) return (_usds, _almProxy, _rateLimits, _claimKey);
        (IERC20 usds_, address almProxy_, IClaimRateLimits rateLimits_,) =
            abi.decode(_cloneArgs(), (IERC20, address, IClaimRateLimits, uint256));
        return (usds_, almProxy_, rateLimits_, RateLimitKeys.makeKey(LIMIT_NFAT_CLAIM, address(this)));
    }

    function _token() private view returns (IERC20 usds_) {
        (usds_,,,) = _config();
    }

    function _firstTokenIdOf() internal view override returns (uint256) {
        if (!_isClone()) return super._firstTokenIdOf();
        (,,, uint256 first) = abi.decode(_cloneArgs(), (IERC20, address, IClaimRateLimits, uint256));
        return first;
    }

    /// @notice CLAIMER_ROLE has at most one holder (lpha-nfat's pBEAM), stored in the slot every
    ///         claim reads anyway; granting a second one reverts (revoke first, e.g. in one
    ///         timelock batch). Every other role is plain AccessControl.
    function hasRole(bytes32 role, address account) public view override returns (bool) {
        if (role == CLAIMER_ROLE) return account != address(0) && account == _slot0.claimer;
        return super.hasRole(role, account);
    }

    function claimer() external view returns (address) {
        return _slot0.claimer;
    }

    function _grantRole(bytes32 role, address account) internal override returns (bool) {
        if (role != CLAIMER_ROLE) return super._grantRole(role, account);
        address current = _slot0.claimer;
        if (current == account) return false;
        if (current != address(0)) revert ClaimerAlreadySet(current);
        if (account == address(0)) revert ZeroAddress();
        _slot0.claimer = account;
        emit RoleGranted(role, account, _msgSender());
        return true;
    }

    function _revokeRole(bytes32 role, address account) internal override returns (bool) {
        if (role != CLAIMER_ROLE) return super._revokeRole(role, account);
        if (account == address(0) || _slot0.claimer != account) return false;
        _slot0.claimer = address(0);
        emit RoleRevoked(role, account, _msgSender());
        return true;
    }

    modifier whenNotPaused() {
        if (_slot0.paused) revert EnforcedPause();
        _;
    }

    // ------------------------------------------------------------------ queue (Primes)

    function deposit(uint256 amount) external whenNotPaused returns (uint256 shares) {
        _requireWhitelistedIfEnabled(msg.sender);
        shares = _queueIn(msg.sender, amount);
        _token().safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @dev Deliberately not pausable: a queue is non-binding until claimed.
    function withdraw() external returns (uint256 amount) {
        amount = _queueOut(msg.sender);
        _token().safeTransfer(msg.sender, amount);
    }

    // ------------------------------------------------------------------ Halo

    function claim(address depositor, uint256 amount)
        external
        onlyRole(CLAIMER_ROLE)
        whenNotPaused
        returns (uint256 tokenId)
    {
        _queueClaim(depositor, amount); // reverts ZeroAmount before the limit is touched
        (IERC20 usds_, address almProxy_, IClaimRateLimits rateLimits_, bytes32 claimKey_) = _config();
        rateLimits_.triggerRateLimitDecrease(claimKey_, amount);
        tokenId = _mintUnit(depositor, amount);
        emit Claimed(tokenId, depositor, amount);
        usds_.safeTransfer(almProxy_, amount);
    }

    /// @dev Not pausable: a repayment only ever adds USDS for the holder, so the brake never
    ///      blocks an honest Halo. `principalAmount` retires exactly that much principal, never
    ///      more than is outstanding and not yet covered: dust cannot retire an NFAT.
    function fund(uint256 tokenId, uint256 principalAmount, uint256 interestAmount)
        external
        onlyRole(FUNDER_ROLE)
    {
        address holder = _requireLive(tokenId);
        uint256 total = principalAmount + interestAmount;
        if (total == 0) revert ZeroAmount();
        Funding memory funding = _fundings[tokenId];
        uint256 uncovered = _units[tokenId].principal - funding.principal;
        if (principalAmount > uncovered) revert PrincipalOverpaid(tokenId, principalAmount, uncovered);
        funding.amount = (funding.amount + total).toUint128();
        funding.principal += uint128(principalAmount); // ≤ principal, a uint128
        _fundings[tokenId] = funding;
        _totalFunded += total;
        emit Funded(tokenId, _depositorOf(tokenId, holder), msg.sender, principalAmount, interestAmount);
        _token().safeTransferFrom(msg.sender, address(this), total);
    }

    /// @notice Recognises a loss: `principalAmount` of the outstanding principal not covered by
    ///         funding is retired without payment (the seed's 60M-of-75M recovery: 6M on #42
    ///         after funding 24M). A write-down of everything with nothing funded closes the unit.
    /// @dev WRITE_DOWN_ROLE only (the Halo's GovOps, granted through the timelock); pausable,
    ///      and the freezer can remove the key at once.
    function writeDown(uint256 tokenId, uint256 principalAmount) external onlyRole(WRITE_DOWN_ROLE) whenNotPaused {
        address holder = _requireLive(tokenId);
        if (principalAmount == 0) revert ZeroAmount();
        Unit storage unit = _units[tokenId];
        Funding memory funding = _fundings[tokenId];
        uint256 uncovered = unit.principal - funding.principal;
        if (principalAmount > uncovered) revert WriteDownTooLarge(tokenId, principalAmount, uncovered);
        uint256 principalRemaining = unit.principal - principalAmount;
        unit.principal = uint128(principalRemaining);
        address depositor = _depositorOf(tokenId, holder);
        emit WrittenDown(tokenId, depositor, msg.sender, principalAmount, principalRemaining);
        if (principalRemaining == 0 && funding.amount == 0) {
            _burnUnit(tokenId);
            emit Redeemed(tokenId, depositor, holder, 0);
        }
    }

    // ------------------------------------------------------------------ holders

    /// @dev Not pausable and no deadline: funded USDS belongs to whoever holds the NFAT.
    function redeem(uint256 tokenId) external returns (uint256 paid) {
        address holder = _requireLive(tokenId);
        if (holder != msg.sender) revert NotHolder(tokenId, msg.sender, holder);
        Funding memory funding = _fundings[tokenId];
        paid = funding.amount;
        if (paid == 0) revert NotFunded(tokenId);
        address depositor = _depositorOf(tokenId, holder);
        uint256 principalRemaining = _units[tokenId].principal - funding.principal;
        _totalFunded -= paid;
        if (principalRemaining == 0) {
            _burnUnit(tokenId);
            emit Redeemed(tokenId, depositor, holder, paid);
        } else {
            _units[tokenId].principal = uint128(principalRemaining);
            delete _fundings[tokenId];
            emit Spent(tokenId, depositor, holder, paid, funding.principal, principalRemaining);
        }
        _token().safeTransfer(holder, paid);
    }

    // ------------------------------------------------------------------ freezer and admin

    /// @notice The freezer's brake: stops deposits, claims and write-downs. Funding, redeem,
    ///         withdraw and transfers keep working.
    function pause() external onlyRole(PAUSER_ROLE) {
        if (_slot0.paused) revert EnforcedPause();
        _slot0.paused = true;
        emit Paused(msg.sender);
    }

    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!_slot0.paused) revert ExpectedPause();
        _slot0.paused = false;
        emit Unpaused(msg.sender);
    }

    /// @notice The freezer removes a (possibly stolen) claimer or write-down key at once;
    ///         granting one back waits out the admin's (the BEAMTimeLock's) delay.
    function removeOperator(bytes32 role, address account) external onlyRole(PAUSER_ROLE) {
        if (role != CLAIMER_ROLE && role != WRITE_DOWN_ROLE) revert RoleNotRemovableByFreezer(role);
        if (!_revokeRole(role, account)) revert NotOperator(role, account);
        emit OperatorRemoved(role, account, msg.sender);
    }

    /// @notice Gives up this facility's CONTROLLER role on the Halo PAU's RateLimits (retiring
    ///         the facility's claims for good): the Configurator, admin of RateLimits, cannot
    ///         revoke it, so the facility's admin (the timelock) does it from here.
    function renounceRateLimitsController() external onlyRole(DEFAULT_ADMIN_ROLE) {
        (,, IClaimRateLimits rateLimits_,) = _config();
        rateLimits_.renounceRole(rateLimits_.CONTROLLER(), address(this));
        emit RateLimitsControllerRenounced(address(rateLimits_));
    }

    function setWhitelistMode(bool enabled) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setWhitelistMode(enabled);
    }

    /// @notice Identity Networks whose members are admitted in whitelist mode (replaces the list).
    function setIdentityNetworks(IIdentityNetwork[] calldata networks) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setIdentityNetworks(networks);
    }

    function setWhitelisted(address account, bool allowed) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setWhitelisted(account, allowed);
    }

    // ------------------------------------------------------------------ views

    function paused() external view returns (bool) {
        return _slot0.paused;
    }

    function usds() external view returns (address) {
        return address(_token());
    }

    function almProxy() external view returns (address) {
        (, address almProxy_,,) = _config();
        return almProxy_;
    }

    function rateLimits() external view returns (address) {
        (,, IClaimRateLimits rateLimits_,) = _config();
        return address(rateLimits_);
    }

    function claimRateLimitKey() external view returns (bytes32) {
        (,,, bytes32 claimKey_) = _config();
        return claimKey_;
    }

    function claimCapacity() external view returns (uint256) {
        (,, IClaimRateLimits rateLimits_, bytes32 claimKey_) = _config();
        return rateLimits_.getCurrentRateLimit(claimKey_);
    }

    function totalFunded() external view returns (uint256) {
        return _totalFunded;
    }

    function supportsInterface(bytes4 interfaceId) public view override(ERC721, AccessControl) returns (bool) {
        return super.supportsInterface(interfaceId);
    }
}
