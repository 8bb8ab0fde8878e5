// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {INavOracle} from "./interfaces/INavOracle.sol";
import {IIssuerRedemption} from "./interfaces/IIssuerRedemption.sol";
import {IPoolRateLimits} from "./interfaces/IPoolRateLimits.sol";
import {ILCTSConverter} from "../lcts/interfaces/ILCTSConverter.sol";
import {ILCTSRateSource} from "../lcts/interfaces/ILCTSRateSource.sol";
import {LCTSToken} from "../lcts/LCTSToken.sol";
import {Cloneable} from "../factory/Cloneable.sol";

/// @title TradingPool
/// @notice One Trading Halo Unit: a USDS/asset pool that trades at the asset's oracle NAV
///         minus a spread (the pool buys) or plus a spread (the pool sells), not along a curve.
///         Capital arrives from the Halo Class PAU (Controller.transferAsset to this pool) and
///         goes back only to that PAU's ALMProxy. Every outflow consumes a key on the PAU's
///         RateLimits; the asset is fixed at deployment, spreads and bounds are the admin's
///         (the BEAMTimeLock), so lpha-amm's key (OPERATOR_ROLE) cannot change spreads, add
///         pairs or move capital outside rate limits.
/// @dev The pricing rule is src/domain/trading/pricing.ts (tests use it as the oracle). The
///      book (asset held) is this contract's own balance, so one pool's inventory never
///      backs another's; `pendingRedemption` is the part of the book at the issuer.
///      Primes' capital: once wired (`wireShares`), the pool is the Holding System of its LCTS
///      share token — the converter of an LCTSQueue pair (USDS → shares, shares → USDS) and the
///      token's rate source — and converts at its share value
///        value = USDS held + floor((asset held + pending not yet paid) × NAV ÷ 10^dec)
///        shares minted = floor(USDS in × (supply + V) ÷ (value before + V)), 1:1 into an empty pool
///        USDS paid     = floor(shares in × (value + V) ÷ (supply + V))
///      with V = VIRTUAL_SHARES = VIRTUAL_VALUE = 1e6 (a virtual holder nobody owns: the defence
///      against a donation inflating a tiny first share, as OpenZeppelin ERC4626's offset)
///      (src/domain/trading/shares.ts), within the SUBSCRIBE / UNSUBSCRIBE keys. Spread earned
///      stays in the pool and raises the value of every share; capital then leaves only through
///      the RedeemQueue, never `returnCapital`.
///      Deployed directly (constructor, immutables) or by the TradingPoolFactory as an EIP-1167
///      clone whose (usds, asset, almProxy, rateLimits, asset scale) are its immutable args (read
///      from its own code, never storage; its rate-limit keys are recomputed from asset and
///      address) and whose roles, parameters and LCTS shares are set once by `initialize` in the
///      factory's transaction; a constructor given only zero addresses deploys the locked template
///      implementation.
contract TradingPool is AccessControl, ReentrancyGuard, Cloneable, ILCTSConverter, ILCTSRateSource {
    using SafeERC20 for IERC20;

    bytes32 public constant OPERATOR_ROLE = keccak256("AMM_OPERATOR");
    bytes32 public constant PAUSER_ROLE = keccak256("AMM_PAUSER");
    /// @notice Rate-limit actions (key = keccak256(abi.encode(action, asset, pool))):
    ///         USDS the pool pays when it buys, asset it pays when it sells, asset it sends to
    ///         the issuer, USDS it returns to the PAU.
    bytes32 public constant LIMIT_AMM_POOL_BUY = keccak256("LIMIT_AMM_POOL_BUY");
    bytes32 public constant LIMIT_AMM_POOL_SELL = keccak256("LIMIT_AMM_POOL_SELL");
    bytes32 public constant LIMIT_AMM_REDEEM = keccak256("LIMIT_AMM_REDEEM");
    bytes32 public constant LIMIT_AMM_RETURN = keccak256("LIMIT_AMM_RETURN");
    /// @notice USDS entering the pool through its SubscribeQueue, and leaving through its RedeemQueue.
    bytes32 public constant LIMIT_AMM_SUBSCRIBE = keccak256("LIMIT_AMM_SUBSCRIBE");
    bytes32 public constant LIMIT_AMM_UNSUBSCRIBE = keccak256("LIMIT_AMM_UNSUBSCRIBE");
    /// @notice Bound on the issuer redemptions open at once (the share value checks each one).
    uint256 public constant MAX_OPEN_REDEMPTIONS = 16;
    uint256 private constant BPS = 10_000;
    uint256 private constant WAD = 1e18;
    /// @notice The virtual offset of the share conversions (shares and value, base units).
    uint256 public constant VIRTUAL_SHARES = 1e6;
    uint256 public constant VIRTUAL_VALUE = 1e6;

    /// @notice Governance parameters of the pool's asset.
    struct Params {
        INavOracle oracle;
        IIssuerRedemption issuer;
        uint16 bidSpreadBps;
        uint16 askSpreadBps;
        uint16 maxDeviationBps;
        uint32 maxOracleAgeSeconds;
        uint256 maxInventory;
    }

    /// @notice What a clone takes as init: its roles, parameters and (already deployed) shares.
    struct Init {
        address admin;
        address operator;
        address pauser;
        Params params;
        uint256 referencePriceWad;
        LCTSToken shareToken;
        address subscribeQueue;
        address redeemQueue;
    }

    /// @dev The deployment's fixed addresses and the asset's 10^decimals: immutables, or a clone's args.
    struct Config {
        IERC20 usds;
        IERC20 asset;
        address almProxy;
        IPoolRateLimits rateLimits;
        uint256 assetScale;
    }

    IERC20 private immutable _usds;
    IERC20 private immutable _asset;
    address private immutable _almProxy;
    IPoolRateLimits private immutable _rateLimits;
    uint256 private immutable _assetScale;
    bytes32 private immutable _buyKey;
    bytes32 private immutable _sellKey;
    bytes32 private immutable _redeemKey;
    bytes32 private immutable _returnKey;
    bytes32 private immutable _subscribeKey;
    bytes32 private immutable _unsubscribeKey;

    Params private _params;
    uint256 public referencePriceWad;
    uint256 public pendingRedemption;
    bool public paused;
    mapping(uint256 requestId => uint256 amount) public pendingOf;
    uint256[] private _openRequests;
    mapping(uint256 requestId => uint256 indexPlusOne) private _openIndexPlusOne;
    /// @notice The pool's LCTS share token and its queue pair (zero until wired).
    LCTSToken public shareToken;
    address public subscribeQueue;
    address public redeemQueue;

    error ZeroAddress();
    error ZeroAmount();
    error InvalidParams();
    error PoolPaused();
    error OracleStale(uint256 updatedAt, uint256 nowSeconds);
    error OracleDeviation(uint256 priceWad, uint256 referencePriceWad);
    error InventoryLimitReached(uint256 inventory, uint256 assetIn, uint256 maxInventory);
    error InsufficientInventory(uint256 held, uint256 amount);
    error InsufficientLiquidity(uint256 held, uint256 amount);
    error SlippageExceeded(uint256 amount, uint256 bound);
    error UnknownRedemption(uint256 requestId);
    error RedemptionNotSettled(uint256 requestId);
    error TooManyOpenRedemptions(uint256 open);
    error AlreadyWired();
    error NotHoldingSystem(address token);
    error NotAQueue(address caller);
    error PoolValueZero();
    error CapitalIsShares();

    event SoldToPool(address indexed trader, address indexed to, uint256 assetIn, uint256 usdsOut, uint256 priceWad);
    event BoughtFromPool(address indexed trader, address indexed to, uint256 assetOut, uint256 usdsIn, uint256 priceWad);
    event PriceSynced(uint256 priceWad, uint256 syncedAt);
    event ParamsSet(Params params, uint256 referencePriceWad);
    event RedemptionRequested(uint256 indexed requestId, uint256 amount);
    event RedemptionClosed(uint256 indexed requestId, uint256 amount);
    event CapitalReturned(uint256 amount);
    event Paused(address indexed by);
    event Unpaused(address indexed by);
    event SharesWired(address token, address subscribeQueue, address redeemQueue);
    /// @notice A SubscribeQueue settlement: USDS in, shares minted, at the pool value before it.
    event SharesSubscribed(uint256 usdsIn, uint256 sharesOut, uint256 valueBefore, uint256 supplyBefore);
    /// @notice A RedeemQueue settlement: shares burnt, USDS out, at the pool value before it.
    event SharesRedeemed(uint256 sharesIn, uint256 usdsOut, uint256 valueBefore, uint256 supplyBefore);

    constructor(
        IERC20 usds_,
        IERC20 asset_,
        address almProxy_,
        IPoolRateLimits rateLimits_,
        address admin,
        address operator,
        address pauser,
        Params memory params_,
        uint256 referencePriceWad_
    ) {
        _disableInitializers();
        if (
            address(usds_) == address(0) && address(asset_) == address(0) && almProxy_ == address(0)
                && address(rateLimits_) == address(0) && admin == address(0) && operator == address(0) && pauser == address(0)
        ) return; // the template implementation: no roles, no use
        if (
            address(usds_) == address(0) || address(asset_) == address(0) || almProxy_ == address(0)
                || address(rateLimits_) == address(0) || admin == address(0) || operator == address(0) || pauser == address(0)
        ) revert ZeroAddress();
        _usds = usds_;
        _asset = asset_;
        _almProxy = almProxy_;
        _rateLimits = rateLimits_;
        _assetScale = 10 ** IERC20Metadata(address(asset_)).decimals();
        _buyKey = keccak256(abi.encode(LIMIT_AMM_POOL_BUY, address(asset_), address(this)));
        _sellKey = keccak256(abi.encode(LIMIT_AMM_POOL_SELL, address(asset_), address(this)));
        _redeemKey = keccak256(abi.encode(LIMIT_AMM_REDEEM, address(asset_), address(this)));
        _returnKey = keccak256(abi.encode(LIMIT_AMM_RETURN, address(asset_), address(this)));
        _subscribeKey = keccak256(abi.encode(LIMIT_AMM_SUBSCRIBE, address(asset_), address(this)));
        _unsubscribeKey = keccak256(abi.encode(LIMIT_AMM_UNSUBSCRIBE, address(asset_), address(this)));
        _setUp(admin, operator, pauser, params_, referencePriceWad_);
    }

    /// @notice A clone's roles, parameters and LCTS shares (the token's holding system and the
    ///         queues' converter are this pool), once, in the factory's transaction.
    function initialize(Init calldata init) external initializer onlyClone {
        Config memory c = _config();
        if (
            address(c.usds) == address(0) || address(c.asset) == address(0) || c.almProxy == address(0)
                || address(c.rateLimits) == address(0) || c.assetScale == 0 || init.admin == address(0)
                || init.operator == address(0) || init.pauser == address(0)
        ) revert ZeroAddress();
        _setUp(init.admin, init.operator, init.pauser, init.params, init.referencePriceWad);
        _wireShares(init.shareToken, init.subscribeQueue, init.redeemQueue);
        _warmGuard();
    }

    /// @dev A clone's guard slot starts at 0: setting it here spares the first trader the zero-to-nonzero write.
    function _warmGuard() private nonReentrant {}

    function _setUp(address admin, address operator, address pauser, Params memory params_, uint256 referencePriceWad_) private {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(OPERATOR_ROLE, operator);
        _grantRole(PAUSER_ROLE, pauser);
        _setParams(params_, referencePriceWad_);
    }

    // ---------------------------------------------------------------- fixed at deployment

    function usds() external view returns (IERC20) {
        return _config().usds;
    }

    function asset() external view returns (IERC20) {
        return _config().asset;
    }

    function almProxy() external view returns (address) {
        return _config().almProxy;
    }

    function rateLimits() external view returns (IPoolRateLimits) {
        return _config().rateLimits;
    }

    // ---------------------------------------------------------------- swaps (anyone)

    /// @notice Sell `assetIn` to the pool for at least `minUsdsOut` USDS, paid to `to`.
    function sellToPool(uint256 assetIn, uint256 minUsdsOut, address to) external nonReentrant returns (uint256 usdsOut) {
        if (assetIn == 0) revert ZeroAmount();
        if (to == address(0)) revert ZeroAddress();
        Params memory p = _params;
        Config memory c = _config();
        uint256 priceWad = _checkedPrice(p);
        uint256 inventory = c.asset.balanceOf(address(this)) + pendingRedemption;
        if (inventory + assetIn > p.maxInventory) revert InventoryLimitReached(inventory, assetIn, p.maxInventory);
        usdsOut = (assetIn * priceWad * (BPS - p.bidSpreadBps)) / (BPS * c.assetScale);
        if (usdsOut < minUsdsOut || usdsOut == 0) revert SlippageExceeded(usdsOut, minUsdsOut);
        uint256 liquidity = c.usds.balanceOf(address(this));
        if (usdsOut > liquidity) revert InsufficientLiquidity(liquidity, usdsOut);
        c.rateLimits.triggerRateLimitDecrease(_key(LIMIT_AMM_POOL_BUY, _buyKey, c), usdsOut);
        c.asset.safeTransferFrom(msg.sender, address(this), assetIn);
        c.usds.safeTransfer(to, usdsOut);
        emit SoldToPool(msg.sender, to, assetIn, usdsOut, priceWad);
    }

    /// @notice Buy exactly `assetOut` from the pool for at most `maxUsdsIn` USDS, sent to `to`.
    function buyFromPool(uint256 assetOut, uint256 maxUsdsIn, address to) external nonReentrant returns (uint256 usdsIn) {
        if (assetOut == 0) revert ZeroAmount();
        if (to == address(0)) revert ZeroAddress();
        Params memory p = _params;
        Config memory c = _config();
        uint256 priceWad = _checkedPrice(p);
        uint256 held = c.asset.balanceOf(address(this));
        if (assetOut > held) revert InsufficientInventory(held, assetOut);
        uint256 numerator = assetOut * priceWad * (BPS + p.askSpreadBps);
        usdsIn = (numerator - 1) / (BPS * c.assetScale) + 1;
        if (usdsIn > maxUsdsIn) revert SlippageExceeded(usdsIn, maxUsdsIn);
        c.rateLimits.triggerRateLimitDecrease(_key(LIMIT_AMM_POOL_SELL, _sellKey, c), assetOut);
        c.usds.safeTransferFrom(msg.sender, address(this), usdsIn);
        c.asset.safeTransfer(to, assetOut);
        emit BoughtFromPool(msg.sender, to, assetOut, usdsIn, priceWad);
    }

    // ---------------------------------------------------------------- lpha-amm

    /// @notice Records the oracle price as the reference swaps are checked against. A reading
    ///         beyond the deviation bound is refused: only governance can reset the reference.
    function syncPrice() external onlyRole(OPERATOR_ROLE) returns (uint256 priceWad) {
        priceWad = _checkedPrice(_params);
        referencePriceWad = priceWad;
        emit PriceSynced(priceWad, block.timestamp);
    }

    /// @notice Sends `amount` of the book to the issuer's redemption endpoint (set by governance).
    function requestRedemption(uint256 amount) external onlyRole(OPERATOR_ROLE) nonReentrant returns (uint256 requestId) {
        if (amount == 0) revert ZeroAmount();
        Config memory c = _config();
        uint256 held = c.asset.balanceOf(address(this));
        if (amount > held) revert InsufficientInventory(held, amount);
        if (_openRequests.length >= MAX_OPEN_REDEMPTIONS) revert TooManyOpenRedemptions(_openRequests.length);
        c.rateLimits.triggerRateLimitDecrease(_key(LIMIT_AMM_REDEEM, _redeemKey, c), amount);
        IIssuerRedemption issuer = _params.issuer;
        c.asset.forceApprove(address(issuer), amount);
        requestId = issuer.requestRedemption(amount);
        if (pendingOf[requestId] != 0) revert UnknownRedemption(requestId);
        pendingOf[requestId] = amount;
        pendingRedemption += amount;
        _openRequests.push(requestId);
        _openIndexPlusOne[requestId] = _openRequests.length;
        emit RedemptionRequested(requestId, amount);
    }

    /// @notice Once the issuer has paid a request, takes it off the pending book (anyone).
    function closeRedemption(uint256 requestId) external {
        uint256 amount = pendingOf[requestId];
        if (amount == 0) revert UnknownRedemption(requestId);
        if (!_params.issuer.isSettled(requestId)) revert RedemptionNotSettled(requestId);
        delete pendingOf[requestId];
        pendingRedemption -= amount;
        uint256 index = _openIndexPlusOne[requestId] - 1;
        uint256 last = _openRequests[_openRequests.length - 1];
        _openRequests[index] = last;
        _openIndexPlusOne[last] = index + 1;
        _openRequests.pop();
        delete _openIndexPlusOne[requestId];
        emit RedemptionClosed(requestId, amount);
    }

    /// @notice Returns USDS to the Halo Class PAU's ALMProxy, the only destination.
    function returnCapital(uint256 amount) external onlyRole(OPERATOR_ROLE) nonReentrant {
        if (amount == 0) revert ZeroAmount();
        if (address(shareToken) != address(0)) revert CapitalIsShares();
        Config memory c = _config();
        c.rateLimits.triggerRateLimitDecrease(_key(LIMIT_AMM_RETURN, _returnKey, c), amount);
        c.usds.safeTransfer(c.almProxy, amount);
        emit CapitalReturned(amount);
    }

    // ---------------------------------------------------------------- LCTS shares (the queues)

    /// @inheritdoc ILCTSConverter
    /// @dev The queue has already sent `amount` (USDS from the SubscribeQueue, shares from the
    ///      RedeemQueue); the pool values itself with that amount excluded (subscribe) or the
    ///      shares still in the supply (redeem), so a settlement never moves value between holders.
    function convert(uint256 amount) external nonReentrant returns (uint256 out) {
        LCTSToken token = shareToken;
        Config memory c = _config();
        uint256 supply = token.totalSupply();
        if (msg.sender == subscribeQueue && msg.sender != address(0)) {
            uint256 valueBefore = poolValue() - amount;
            if (supply != 0 && valueBefore == 0) revert PoolValueZero();
            // A generation worth less than one share unit mints nothing (its wei stay with the
            // holders) rather than reverting: a revert would leave the queue LOCKED for good.
            out = (amount * (supply + VIRTUAL_SHARES)) / (valueBefore + VIRTUAL_VALUE);
            c.rateLimits.triggerRateLimitDecrease(_key(LIMIT_AMM_SUBSCRIBE, _subscribeKey, c), amount);
            if (out != 0) token.mint(msg.sender, out);
            emit SharesSubscribed(amount, out, valueBefore, supply);
        } else if (msg.sender == redeemQueue && msg.sender != address(0)) {
            uint256 value = poolValue();
            out = (amount * (value + VIRTUAL_VALUE)) / (supply + VIRTUAL_SHARES);
            uint256 liquidity = c.usds.balanceOf(address(this));
            if (out > liquidity) revert InsufficientLiquidity(liquidity, out);
            c.rateLimits.triggerRateLimitDecrease(_key(LIMIT_AMM_UNSUBSCRIBE, _unsubscribeKey, c), out);
            token.burn(amount);
            c.usds.safeTransfer(msg.sender, out);
            emit SharesRedeemed(amount, out, value, supply);
        } else {
            revert NotAQueue(msg.sender);
        }
    }

    /// @inheritdoc ILCTSRateSource
    /// @notice USDS per 1e18 shares now, with the virtual offset (1e18 into an empty pool), rounded down.
    function exchangeRateWad() external view returns (uint256) {
        uint256 supply = address(shareToken) == address(0) ? 0 : shareToken.totalSupply();
        return ((poolValue() + VIRTUAL_VALUE) * WAD) / (supply + VIRTUAL_SHARES);
    }

    /// @notice The pool's value in USDS: USDS held plus the book (held and at the issuer, not yet
    ///         paid) at the oracle NAV, rounded down once. Reverts like a swap when the oracle is
    ///         stale or deviating or the pool is paused, so no settlement happens at a bad price.
    function poolValue() public view returns (uint256) {
        Params memory p = _params;
        Config memory c = _config();
        uint256 priceWad = _checkedPrice(p);
        uint256 inventory = c.asset.balanceOf(address(this));
        uint256 open = _openRequests.length;
        for (uint256 i = 0; i < open; i++) {
            uint256 requestId = _openRequests[i];
            // a paid request is already in the USDS balance until someone closes it
            if (!p.issuer.isSettled(requestId)) inventory += pendingOf[requestId];
        }
        return c.usds.balanceOf(address(this)) + (inventory * priceWad) / c.assetScale;
    }

    /// @notice The issuer redemptions not yet closed (at most MAX_OPEN_REDEMPTIONS).
    function openRedemptions() external view returns (uint256[] memory) {
        return _openRequests;
    }

    function shareKeys() external view returns (bytes32 subscribeKey, bytes32 unsubscribeKey) {
        Config memory c = _config();
        return (_key(LIMIT_AMM_SUBSCRIBE, _subscribeKey, c), _key(LIMIT_AMM_UNSUBSCRIBE, _unsubscribeKey, c));
    }

    // ---------------------------------------------------------------- governance

    /// @notice One-time wiring of the pool's LCTS share token (minted and burnt only by this
    ///         pool) and its queue pair (each with this pool as converter).
    function wireShares(LCTSToken token, address subscribeQueue_, address redeemQueue_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _wireShares(token, subscribeQueue_, redeemQueue_);
    }

    function _wireShares(LCTSToken token, address subscribeQueue_, address redeemQueue_) private {
        if (address(shareToken) != address(0)) revert AlreadyWired();
        if (address(token) == address(0) || subscribeQueue_ == address(0) || redeemQueue_ == address(0)) revert ZeroAddress();
        if (token.holdingSystem() != address(this)) revert NotHoldingSystem(address(token));
        shareToken = token;
        subscribeQueue = subscribeQueue_;
        redeemQueue = redeemQueue_;
        emit SharesWired(address(token), subscribeQueue_, redeemQueue_);
    }

    /// @notice Spreads, bounds, oracle, issuer and the reference price (the timelock).
    function setParams(Params calldata params_, uint256 referencePriceWad_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setParams(params_, referencePriceWad_);
    }

    /// @notice The freezer stops every swap at once.
    function pause() external onlyRole(PAUSER_ROLE) {
        paused = true;
        emit Paused(msg.sender);
    }

    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        paused = false;
        emit Unpaused(msg.sender);
    }

    // ---------------------------------------------------------------- views

    function params() external view returns (Params memory) {
        return _params;
    }

    /// @notice USDS `assetIn` sells for now (reverts like a swap on a stale or deviating oracle).
    function quoteSell(uint256 assetIn) external view returns (uint256) {
        Params memory p = _params;
        return (assetIn * _checkedPrice(p) * (BPS - p.bidSpreadBps)) / (BPS * _config().assetScale);
    }

    /// @notice USDS `assetOut` costs now.
    function quoteBuy(uint256 assetOut) external view returns (uint256) {
        Params memory p = _params;
        uint256 numerator = assetOut * _checkedPrice(p) * (BPS + p.askSpreadBps);
        return numerator == 0 ? 0 : (numerator - 1) / (BPS * _config().assetScale) + 1;
    }

    function rateLimitKeys() external view returns (bytes32 buyKey, bytes32 sellKey, bytes32 redeemKey, bytes32 returnKey) {
        Config memory c = _config();
        return (
            _key(LIMIT_AMM_POOL_BUY, _buyKey, c),
            _key(LIMIT_AMM_POOL_SELL, _sellKey, c),
            _key(LIMIT_AMM_REDEEM, _redeemKey, c),
            _key(LIMIT_AMM_RETURN, _returnKey, c)
        );
    }

    // ---------------------------------------------------------------- internals

    function _config() private view returns (Config memory) {
        if (!_isClone()) return Config(_usds, _asset, _almProxy, _rateLimits, _assetScale);
        return abi.decode(_cloneArgs(), (Config));
    }

    /// @dev A rate-limit key: the immutable of a direct deployment, recomputed for a clone.
    function _key(bytes32 action, bytes32 immutableKey, Config memory c) private view returns (bytes32) {
        if (!_isClone()) return immutableKey;
        return keccak256(abi.encode(action, address(c.asset), address(this)));
    }

    function _checkedPrice(Params memory p) private view returns (uint256 priceWad) {
        if (paused) revert PoolPaused();
        uint256 updatedAt;
        (priceWad, updatedAt) = p.oracle.latestPrice();
        if (priceWad == 0 || updatedAt > block.timestamp || block.timestamp - updatedAt > p.maxOracleAgeSeconds) {
            revert OracleStale(updatedAt, block.timestamp);
        }
        uint256 ref = referencePriceWad;
        uint256 diff = priceWad > ref ? priceWad - ref : ref - priceWad;
        if (diff * BPS > uint256(p.maxDeviationBps) * ref) revert OracleDeviation(priceWad, ref);
    }

    function _setParams(Params memory p, uint256 referencePriceWad_) private {
        if (address(p.oracle) == address(0) || address(p.issuer) == address(0)) revert ZeroAddress();
        if (
            p.bidSpreadBps >= BPS || p.askSpreadBps >= BPS || p.maxDeviationBps == 0 || p.maxDeviationBps > BPS
                || p.maxOracleAgeSeconds == 0 || referencePriceWad_ == 0
        ) revert InvalidParams();
        _params = p;
        referencePriceWad = referencePriceWad_;
        emit ParamsSet(p, referencePriceWad_);
    }
}
