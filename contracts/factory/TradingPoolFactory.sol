// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {HaloFactory} from "./HaloFactory.sol";
import {HaloTemplateRegistry} from "./HaloTemplateRegistry.sol";
import {Configurator} from "../configurator/Configurator.sol";
import {BEAMState} from "../configurator/BEAMState.sol";
import {TradingPool} from "../trading/TradingPool.sol";
import {INavOracle} from "../trading/interfaces/INavOracle.sol";
import {IIssuerRedemption} from "../trading/interfaces/IIssuerRedemption.sol";
import {LCTSToken} from "../lcts/LCTSToken.sol";
import {LCTSQueue} from "../lcts/LCTSQueue.sol";
import {ILCTSConverter} from "../lcts/interfaces/ILCTSConverter.sol";

/// @notice Deploys the Units of a Trading Halo Class: a TradingPool (one USDS/asset pair), its
///         LCTS share token and queue pair, as EIP-1167 clones of a Trading template's
///         implementations at CREATE2 addresses computable in advance (`predictPool`),
///         initialised in the same transaction. The class itself (its PAU) is deployed by the
///         HaloFactory (`deployClass` with a `KIND_TRADING` template); this contract is separate
///         because HaloFactory is near EIP-170's size limit, and reads the class from it.
///
///         Only the class's GovOps deploys a pool. The pool's parameters must be within the
///         template's ranges (`ParameterOutOfRange`), mapped onto the template's fields:
///         bid and ask spread in `yieldBps`, `maxDeviationBps` in `seniority`,
///         `maxOracleAgeSeconds` in `termSeconds`, `maxInventory` valued at the reference NAV in
///         `buyboxTicket`, and `capacity` (the pool's init rate limits, USDS per day) in
///         `unitCapacity`.
///
///         Roles go straight to their holders: the BEAMTimeLock administers pool and queues, the
///         class's beacon operator (lpha-amm) operates the pool and locks and settles its queues,
///         the class's freezer pauses. This contract holds no role on anything it deploys; it
///         holds PROPOSER on the timelock and schedules one batch per pool, whose predecessor is
///         the class batch: `Configurator.addRateLimitsController(pau, pool)` and the init rate
///         limits of the pool's keys (LIMIT_AMM_POOL_BUY, SUBSCRIBE, UNSUBSCRIBE at `capacity`;
///         LIMIT_AMM_POOL_SELL and LIMIT_AMM_REDEEM at `capacity` in asset units at the reference
///         NAV), one per day. RETURN gets none: a pool with shares cannot return capital.
contract TradingPoolFactory {
    struct PoolParams {
        IERC20Metadata asset;
        INavOracle oracle;
        IIssuerRedemption issuer;
        uint16 bidSpreadBps;
        uint16 askSpreadBps;
        uint16 maxDeviationBps;
        uint32 maxOracleAgeSeconds;
        /// @dev Asset base units (held + at the issuer) beyond which the pool buys no more.
        uint256 maxInventory;
        /// @dev The NAV the pool starts from (USDS per whole asset, 1e18).
        uint256 referencePriceWad;
        /// @dev The init (max per day) of the pool's USDS keys, USDS base units.
        uint256 capacity;
        string name;
        string symbol;
        /// @dev keccak256 of the Unit Artifact rendered for this deployment.
        bytes32 artifactHash;
    }

    struct PoolAddresses {
        TradingPool pool;
        LCTSToken shareToken;
        LCTSQueue subscribeQueue;
        LCTSQueue redeemQueue;
    }

    uint256 private constant WAD = 1e18;
    uint256 private constant MAX_BPS = 10_000;

    HaloFactory public immutable haloFactory;
    HaloTemplateRegistry public immutable registry;
    TimelockController public immutable timelock;
    Configurator public immutable configurator;
    BEAMState public immutable beamState;
    address public immutable usds;

    mapping(address pool => address pau) public classOfPool;
    mapping(bytes32 salt => bool) public saltUsed;

    error ZeroAddress();
    error WrongTemplateKind(bytes32 templateId, uint8 kind);
    error ParameterOutOfRange(bytes32 name, uint256 value, uint256 min, uint256 max);
    error SaltAlreadyUsed(bytes32 salt);
    error UnknownClass(address pau);
    error NotClassGovOps(address pau, address caller);

    /// @notice The canonical metadata of a Trading Halo Unit.
    event TradingPoolDeployed(
        address indexed pool,
        address indexed pau,
        bytes32 indexed templateId,
        uint64 templateVersion,
        address deployer,
        PoolParams params,
        PoolAddresses addresses,
        bytes32 salt,
        bytes32 timelockBatchId
    );

    constructor(HaloFactory haloFactory_) {
        if (address(haloFactory_) == address(0)) revert ZeroAddress();
        haloFactory = haloFactory_;
        registry = haloFactory_.registry();
        timelock = haloFactory_.timelock();
        configurator = haloFactory_.configurator();
        beamState = haloFactory_.beamState();
        usds = haloFactory_.usds();
    }

    /// @notice Adds a pool (one asset pair) to a Trading class: only the class's GovOps.
    function deployPool(address pau, PoolParams calldata params, bytes32 userSalt) external returns (PoolAddresses memory a) {
        HaloFactory.ClassRecord memory c = _class(pau);
        if (msg.sender != c.govOps) revert NotClassGovOps(pau, msg.sender);
        (HaloTemplateRegistry.Template memory t, uint64 version) = _tradingTemplate(c.templateId);
        uint256 scale = _check(t, params);
        bytes32 salt = poolSalt(msg.sender, pau, params, userSalt);
        if (saltUsed[salt]) revert SaltAlreadyUsed(salt);
        saltUsed[salt] = true;
        a = _clone(t.implementations, pau, c, params, scale, salt);
        classOfPool[address(a.pool)] = pau;
        bytes32 batchId = _schedule(pau, address(a.pool), params, scale, c.timelockBatchId, salt);
        emit TradingPoolDeployed(address(a.pool), pau, c.templateId, version, msg.sender, params, a, salt, batchId);
    }

    /// @notice The pool's, share token's and queues' addresses before deploying.
    function predictPool(address deployer, address pau, PoolParams calldata params, bytes32 userSalt)
        external
        view
        returns (PoolAddresses memory a)
    {
        HaloFactory.ClassRecord memory c = _class(pau);
        (HaloTemplateRegistry.Template memory t,) = _tradingTemplate(c.templateId);
        bytes32 salt = poolSalt(deployer, pau, params, userSalt);
        address[] memory impl = t.implementations;
        address pool = Clones.predictDeterministicAddressWithImmutableArgs(
            impl[3], _poolArgs(pau, c.rateLimits, params, _scaleOf(params)), _partSalt(salt, 0)
        );
        address token = Clones.predictDeterministicAddressWithImmutableArgs(impl[4], abi.encode(pool), _partSalt(salt, 1));
        a.pool = TradingPool(pool);
        a.shareToken = LCTSToken(token);
        a.subscribeQueue = LCTSQueue(
            Clones.predictDeterministicAddressWithImmutableArgs(impl[5], abi.encode(usds, token, uint256(0)), _partSalt(salt, 2))
        );
        a.redeemQueue = LCTSQueue(
            Clones.predictDeterministicAddressWithImmutableArgs(impl[5], abi.encode(token, usds, uint256(0)), _partSalt(salt, 3))
        );
    }

    /// @notice The effective salt: binds the caller, the class and every parameter but the artifact hash.
    function poolSalt(address deployer, address pau, PoolParams calldata params, bytes32 userSalt) public pure returns (bytes32) {
        PoolParams memory p = params;
        p.artifactHash = bytes32(0); // the artifact names the addresses, so its hash cannot choose them
        return keccak256(abi.encode("pool", deployer, pau, p, userSalt));
    }

    // ---------------------------------------------------------------- internals

    function _class(address pau) private view returns (HaloFactory.ClassRecord memory c) {
        c = haloFactory.classOf(pau);
        if (c.controller == address(0)) revert UnknownClass(pau);
    }

    /// @dev [ALMProxy, Controller, RateLimits | TradingPool, LCTSToken, LCTSQueue].
    function _tradingTemplate(bytes32 templateId) private view returns (HaloTemplateRegistry.Template memory t, uint64 version) {
        (t, version) = registry.activeTemplate(templateId);
        if (t.kind != registry.KIND_TRADING() || t.implementations.length != 6 || t.classContracts != 3) {
            revert WrongTemplateKind(templateId, t.kind);
        }
    }

    /// @dev Every parameter within the template's ranges; returns the asset's 10^decimals.
    function _check(HaloTemplateRegistry.Template memory t, PoolParams calldata p) private view returns (uint256 scale) {
        if (address(p.asset) == address(0) || address(p.oracle) == address(0) || address(p.issuer) == address(0)) {
            revert ZeroAddress();
        }
        _inRange("bidSpreadBps", p.bidSpreadBps, t.yieldBps);
        _inRange("askSpreadBps", p.askSpreadBps, t.yieldBps);
        _inRange("maxDeviationBps", p.maxDeviationBps, _bounded(t.seniority, 1, MAX_BPS));
        _inRange("maxOracleAgeSeconds", p.maxOracleAgeSeconds, _bounded(t.termSeconds, 1, type(uint32).max));
        _inRange("capacity", p.capacity, t.unitCapacity);
        _inRange("referencePriceWad", p.referencePriceWad, HaloTemplateRegistry.Range(1, type(uint128).max));
        scale = _scaleOf(p);
        _inRange("maxInventoryValue", (p.maxInventory * p.referencePriceWad) / scale, t.buyboxTicket);
    }

    function _bounded(HaloTemplateRegistry.Range memory r, uint256 lo, uint256 hi) private pure returns (HaloTemplateRegistry.Range memory) {
        return HaloTemplateRegistry.Range(r.min < lo ? lo : r.min, r.max > hi ? hi : r.max);
    }

    function _scaleOf(PoolParams calldata p) private view returns (uint256) {
        return 10 ** p.asset.decimals();
    }

    function _inRange(bytes32 name, uint256 value, HaloTemplateRegistry.Range memory range) private pure {
        if (value < range.min || value > range.max) revert ParameterOutOfRange(name, value, range.min, range.max);
    }

    function _partSalt(bytes32 salt, uint256 part) private pure returns (bytes32) {
        return keccak256(abi.encode(salt, part));
    }

    function _poolArgs(address pau, address rateLimits, PoolParams calldata p, uint256 scale) private view returns (bytes memory) {
        return abi.encode(usds, p.asset, pau, rateLimits, scale);
    }

    function _clone(
        address[] memory impl,
        address pau,
        HaloFactory.ClassRecord memory c,
        PoolParams calldata p,
        uint256 scale,
        bytes32 salt
    ) private returns (PoolAddresses memory a) {
        address pool = Clones.cloneDeterministicWithImmutableArgs(impl[3], _poolArgs(pau, c.rateLimits, p, scale), _partSalt(salt, 0));
        a.pool = TradingPool(pool);
        a.shareToken = LCTSToken(Clones.cloneDeterministicWithImmutableArgs(impl[4], abi.encode(pool), _partSalt(salt, 1)));
        a.shareToken.initialize(p.name, p.symbol);
        // dust thresholds 0: a settlement never converts more than lpha-amm's capacity
        a.subscribeQueue = LCTSQueue(
            Clones.cloneDeterministicWithImmutableArgs(impl[5], abi.encode(usds, a.shareToken, uint256(0)), _partSalt(salt, 2))
        );
        a.redeemQueue = LCTSQueue(
            Clones.cloneDeterministicWithImmutableArgs(impl[5], abi.encode(a.shareToken, usds, uint256(0)), _partSalt(salt, 3))
        );
        a.subscribeQueue.initialize(address(timelock), c.beaconOperator, ILCTSConverter(pool));
        a.redeemQueue.initialize(address(timelock), c.beaconOperator, ILCTSConverter(pool));
        a.pool.initialize(
            TradingPool.Init({
                admin: address(timelock),
                operator: c.beaconOperator,
                pauser: c.freezer,
                params: TradingPool.Params({
                    oracle: p.oracle,
                    issuer: p.issuer,
                    bidSpreadBps: p.bidSpreadBps,
                    askSpreadBps: p.askSpreadBps,
                    maxDeviationBps: p.maxDeviationBps,
                    maxOracleAgeSeconds: p.maxOracleAgeSeconds,
                    maxInventory: p.maxInventory
                }),
                referencePriceWad: p.referencePriceWad,
                shareToken: a.shareToken,
                subscribeQueue: address(a.subscribeQueue),
                redeemQueue: address(a.redeemQueue)
            })
        );
    }

    function _schedule(address pau, address pool, PoolParams calldata p, uint256 scale, bytes32 predecessor, bytes32 salt)
        private
        returns (bytes32 batchId)
    {
        address asset = address(p.asset);
        uint256 usdsInit = p.capacity;
        uint256 assetInit = (p.capacity * scale) / p.referencePriceWad;
        address[] memory targets = new address[](6);
        bytes[] memory payloads = new bytes[](6);
        targets[0] = address(configurator);
        payloads[0] = abi.encodeCall(Configurator.addRateLimitsController, (pau, pool));
        for (uint256 i = 1; i < 6; ++i) {
            targets[i] = address(beamState);
        }
        payloads[1] = _init(keccak256("LIMIT_AMM_POOL_BUY"), asset, pool, pau, usdsInit);
        payloads[2] = _init(keccak256("LIMIT_AMM_POOL_SELL"), asset, pool, pau, assetInit);
        payloads[3] = _init(keccak256("LIMIT_AMM_REDEEM"), asset, pool, pau, assetInit);
        payloads[4] = _init(keccak256("LIMIT_AMM_SUBSCRIBE"), asset, pool, pau, usdsInit);
        payloads[5] = _init(keccak256("LIMIT_AMM_UNSUBSCRIBE"), asset, pool, pau, usdsInit);
        uint256[] memory values = new uint256[](6);
        uint256 delay = timelock.getMinDelay();
        timelock.scheduleBatch(targets, values, payloads, predecessor, salt, delay);
        batchId = timelock.hashOperationBatch(targets, values, payloads, predecessor, salt);
    }

    /// @dev An init (max per day, refilled over a day) of the pool key (action, asset, pool).
    function _init(bytes32 action, address asset, address pool, address pau, uint256 maxAmount) private pure returns (bytes memory) {
        bytes32 key = keccak256(abi.encode(action, asset, pool));
        return abi.encodeCall(BEAMState.addInitRateLimits, (key, pau, maxAmount, maxAmount / 1 days));
    }
}
