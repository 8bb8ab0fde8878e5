// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {HaloTemplateRegistry} from "./HaloTemplateRegistry.sol";
import {ALMProxy} from "../pau/ALMProxy.sol";
import {Controller} from "../pau/Controller.sol";
import {RateLimits} from "../pau/RateLimits.sol";
import {RateLimitKeys} from "../pau/RateLimitKeys.sol";
import {NFATFacility} from "../nfat/NFATFacility.sol";
import {Configurator} from "../configurator/Configurator.sol";
import {BEAMState} from "../configurator/BEAMState.sol";
import {PortfolioHaloClass} from "../portfolio/PortfolioHaloClass.sol";
import {PortfolioUnitToken} from "../portfolio/PortfolioUnitToken.sol";
import {LCTSQueue} from "../lcts/LCTSQueue.sol";
import {ILCTSConverter} from "../lcts/interfaces/ILCTSConverter.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Deploys Halo Classes from an approved template: a Term class (a PAU: ALMProxy,
///         Controller, RateLimits) with its Units (one NFAT Facility each), or a Portfolio class
///         (the same PAU plus a PortfolioHaloClass) with its Books of Units (each unit a
///         PortfolioUnitToken and an LCTS queue pair), all as EIP-1167 clones at CREATE2
///         addresses anyone can compute in advance (`predictClass`, `predictUnit`), initialised
///         in the same transaction. The salt binds the caller, the template and every
///         parameter but the artifact hash (the artifact names the predicted addresses, so it
///         is rendered first and hashed after), so nobody can take (squat) or front-run
///         someone else's addresses.
///         Parameters outside the template's ranges revert.
///
///         Roles are set by the clones' `initialize` calls straight to their holders: the
///         Configurator administers Controller and RateLimits, the BEAMTimeLock the ALMProxy and
///         every NFAT Facility, the class's beacon operator (lpha-nfat's pBEAM) claims, its
///         freezer pauses, its GovOps writes down. The factory is never granted a role on what it
///         deploys. What needs governance it schedules in the BEAMTimeLock as one batch per
///         deployment (it holds PROPOSER there and nothing else it uses; an aBEAM executes the
///         batch after the delay, or cancels it):
///         - class: register the PAU in the Configurator, make the Halo's GovOps accordant
///           (cBEAM), set the freezer, and the standard init rate limits (PSM swap keys);
///         - unit: let the facility consume the PAU's RateLimits and add its claim and funding
///           inits (its capacity); this batch waits for the class batch (its predecessor).
///         - Portfolio class: as a Term class, plus the inits of lpha-lcts's two transfers out of
///           the ALMProxy (USDS to the manager's endpoint, USDS to the class for redemptions).
///         - Portfolio book: `PortfolioHaloClass.addBook` with the units' tranche terms and
///           queues (the class admin is the timelock); it waits for the class batch.
///         Each deployment emits one canonical metadata event for Synome ingestion.
contract HaloFactory {
    struct ClassParams {
        /// @dev The Halo's GovOps: cBEAM of the PAU, WRITE_DOWN_ROLE on its facilities, and the
        ///      only account that may add units to the class.
        address govOps;
        /// @dev The beacon operator: lpha-nfat's pBEAM (CLAIMER_ROLE; GovOps makes it relayer).
        address beaconOperator;
        /// @dev The freezer (Controller FREEZER, facility PAUSER_ROLE).
        address freezer;
        /// @dev Init (max per day) of each PSM swap key (USDS → USDC and back); for a Portfolio
        ///      class also of its two transfer keys (to the manager's endpoint, to the class).
        uint256 swapRateLimit;
        /// @dev Portfolio: where the asset manager takes USDS. Term: must be zero.
        address managerEndpoint;
        /// @dev keccak256 of the Halo Artifact rendered for this deployment.
        bytes32 artifactHash;
    }

    struct UnitParams {
        /// @dev The claim init (max per day) of the unit's facility, in USDS base units.
        uint256 capacity;
        uint256 seniority;
        uint256 yieldBps;
        uint256 termSeconds;
        uint256 buyboxMinTicket;
        uint256 buyboxMaxTicket;
        uint64 firstTokenId;
        string name;
        string symbol;
        /// @dev keccak256 of the Unit Artifact rendered for this deployment.
        bytes32 artifactHash;
    }

    /// @notice One unit of a Portfolio book: a fungible share class with its tranche terms.
    struct PortfolioUnitParams {
        /// @dev The unit's maximum NAV (lpha-lcts's subscription capacity), USDS base units.
        uint256 capacity;
        /// @dev 0 = most senior; the book's most junior rank is residual.
        uint8 rank;
        /// @dev Target yield of a senior rank (annual bps); 0 for the residual rank.
        uint256 yieldBps;
        /// @dev The queues' dust threshold (the template's buybox ticket range).
        uint256 dustThreshold;
        string name;
        string symbol;
        /// @dev keccak256 of the Unit Artifact rendered for this deployment.
        bytes32 artifactHash;
    }

    struct PortfolioUnitAddresses {
        PortfolioUnitToken token;
        LCTSQueue subscribeQueue;
        LCTSQueue redeemQueue;
    }

    struct ClassRecord {
        bytes32 templateId;
        uint64 templateVersion;
        address controller;
        address rateLimits;
        /// @dev The PortfolioHaloClass of a Portfolio class (zero for Term).
        address haloClass;
        address govOps;
        address beaconOperator;
        address freezer;
        bytes32 timelockBatchId;
    }

    HaloTemplateRegistry public immutable registry;
    TimelockController public immutable timelock;
    Configurator public immutable configurator;
    BEAMState public immutable beamState;
    address public immutable usds;
    address public immutable usdc;
    address public immutable psm;

    mapping(address pau => ClassRecord) private _classes;
    mapping(address unit => address pau) public classOfUnit;
    mapping(bytes32 salt => bool) public saltUsed;

    error ZeroAddress();
    error WrongTemplateKind(bytes32 templateId, uint8 kind);
    error ParameterOutOfRange(bytes32 name, uint256 value, uint256 min, uint256 max);
    error SaltAlreadyUsed(bytes32 salt);
    error UnknownClass(address pau);
    error NotClassGovOps(address pau, address caller);

    uint256 private constant PORTFOLIO_MAX_UNITS = 8; // PortfolioHaloClass.MAX_UNITS_PER_BOOK
    uint256 private constant PORTFOLIO_MAX_ACCRUAL_SECONDS = 366 days;

    /// @notice The canonical class metadata: every address, the parameters (beacon operators
    ///         and artifact hash included) and the timelock batch that registers the PAU.
    event HaloClassDeployed(
        address indexed pau,
        bytes32 indexed templateId,
        address indexed deployer,
        uint64 templateVersion,
        address controller,
        address rateLimits,
        address haloClass,
        ClassParams params,
        bytes32 salt,
        bytes32 timelockBatchId,
        uint256 timelockDelaySeconds
    );
    /// @notice The canonical unit metadata.
    event HaloUnitDeployed(
        address indexed unit,
        address indexed pau,
        bytes32 indexed templateId,
        uint64 templateVersion,
        address deployer,
        UnitParams params,
        bytes32 salt,
        bytes32 timelockBatchId
    );
    /// @notice The canonical metadata of a Portfolio book: its units' parameters and addresses
    ///         (unit i = units[i]); unit and book ids are the class's, assigned when the
    ///         timelock batch runs `addBook`.
    event PortfolioBookDeployed(
        address indexed pau,
        address indexed haloClass,
        bytes32 indexed templateId,
        uint64 templateVersion,
        address deployer,
        uint256 accrualSeconds,
        PortfolioUnitParams[] params,
        PortfolioUnitAddresses[] units,
        bytes32 salt,
        bytes32 timelockBatchId
    );

    constructor(
        HaloTemplateRegistry registry_,
        TimelockController timelock_,
        Configurator configurator_,
        BEAMState beamState_,
        address usds_,
        address usdc_,
        address psm_
    ) {
        if (
            address(registry_) == address(0) || address(timelock_) == address(0) || address(configurator_) == address(0)
                || address(beamState_) == address(0) || usds_ == address(0) || usdc_ == address(0) || psm_ == address(0)
        ) revert ZeroAddress();
        registry = registry_;
        timelock = timelock_;
        configurator = configurator_;
        beamState = beamState_;
        usds = usds_;
        usdc = usdc_;
        psm = psm_;
    }

    // ---------------------------------------------------------------- class

    function deployClass(bytes32 templateId, ClassParams calldata params, bytes32 userSalt)
        external
        returns (address pau, address controller, address rateLimits)
    {
        (HaloTemplateRegistry.Template memory t, uint64 version) = _classTemplate(templateId);
        _checkClass(t, params);
        bytes32 salt = classSalt(msg.sender, templateId, params, userSalt);
        _useSalt(salt);
        (pau, controller, rateLimits) = _cloneClass(t.implementations, salt);
        ClassRecord storage c = _classes[pau];
        (c.templateId, c.templateVersion, c.controller, c.rateLimits) = (templateId, version, controller, rateLimits);
        (c.govOps, c.beaconOperator, c.freezer) = (params.govOps, params.beaconOperator, params.freezer);
        if (t.kind == registry.KIND_PORTFOLIO()) c.haloClass = _clonePortfolioClass(t.implementations[3], pau, params, salt);
        (address[] memory targets, bytes[] memory payloads) = _classBatch(pau, controller, rateLimits, c.haloClass, params);
        c.timelockBatchId = _schedule(targets, payloads, bytes32(0), salt);
        _emitClass(pau, c, params, salt);
    }

    /// @dev The class contract: admin = the timelock (adds books), settler = lpha-lcts.
    function _clonePortfolioClass(address implementation, address pau, ClassParams calldata params, bytes32 salt)
        private
        returns (address haloClass)
    {
        haloClass = Clones.cloneDeterministic(implementation, _partSalt(salt, 3));
        PortfolioHaloClass(haloClass).initialize(address(timelock), params.beaconOperator, IERC20(usds), pau);
    }

    function _cloneClass(address[] memory impl, bytes32 salt)
        private
        returns (address pau, address controller, address rateLimits)
    {
        pau = Clones.cloneDeterministic(impl[0], _partSalt(salt, 0));
        rateLimits = Clones.cloneDeterministic(impl[2], _partSalt(salt, 2));
        controller = Clones.cloneDeterministicWithImmutableArgs(impl[1], _controllerArgs(pau, rateLimits), _partSalt(salt, 1));
        ALMProxy(pau).initialize(address(timelock), controller);
        RateLimits(rateLimits).initialize(address(configurator), controller);
        Controller(controller).initialize(address(configurator));
    }

    function _emitClass(address pau, ClassRecord storage c, ClassParams calldata params, bytes32 salt) private {
        emit HaloClassDeployed(
            pau,
            c.templateId,
            msg.sender,
            c.templateVersion,
            c.controller,
            c.rateLimits,
            c.haloClass,
            params,
            salt,
            c.timelockBatchId,
            timelock.getMinDelay()
        );
    }

    /// @notice The class addresses before deploying; `haloClass` is the PortfolioHaloClass (zero for a Term template).
    function predictClass(address deployer, bytes32 templateId, ClassParams calldata params, bytes32 userSalt)
        external
        view
        returns (address pau, address controller, address rateLimits, address haloClass)
    {
        (HaloTemplateRegistry.Template memory t,) = _classTemplate(templateId);
        bytes32 salt = classSalt(deployer, templateId, params, userSalt);
        pau = Clones.predictDeterministicAddress(t.implementations[0], _partSalt(salt, 0));
        rateLimits = Clones.predictDeterministicAddress(t.implementations[2], _partSalt(salt, 2));
        controller = Clones.predictDeterministicAddressWithImmutableArgs(
            t.implementations[1], _controllerArgs(pau, rateLimits), _partSalt(salt, 1)
        );
        if (t.kind == registry.KIND_PORTFOLIO()) {
            haloClass = Clones.predictDeterministicAddress(t.implementations[3], _partSalt(salt, 3));
        }
    }

    function classSalt(address deployer, bytes32 templateId, ClassParams calldata params, bytes32 userSalt)
        public
        pure
        returns (bytes32)
    {
        ClassParams memory p = params;
        p.artifactHash = bytes32(0); // the artifact names the addresses, so its hash cannot choose them
        return keccak256(abi.encode("class", deployer, templateId, p, userSalt));
    }

    function classOf(address pau) external view returns (ClassRecord memory) {
        return _classes[pau];
    }

    // ---------------------------------------------------------------- unit

    /// @notice Adds a unit (an NFAT Facility) to a class: only the class's GovOps.
    function deployUnit(address pau, UnitParams calldata params, bytes32 userSalt) external returns (address unit) {
        ClassRecord memory c = _classes[pau];
        if (c.controller == address(0)) revert UnknownClass(pau);
        if (msg.sender != c.govOps) revert NotClassGovOps(pau, msg.sender);
        (HaloTemplateRegistry.Template memory t, uint64 version) = _kindTemplate(c.templateId, registry.KIND_TERM());
        _checkUnit(t, params);
        bytes32 salt = unitSalt(msg.sender, pau, params, userSalt);
        _useSalt(salt);
        unit = _cloneUnit(t.implementations[3], pau, c, params, salt);
        classOfUnit[unit] = pau;
        bytes32 batchId = _schedule(_unitTargets(), _unitBatch(pau, unit, params.capacity), c.timelockBatchId, salt);
        emit HaloUnitDeployed(unit, pau, c.templateId, version, msg.sender, params, salt, batchId);
    }

    function _cloneUnit(address implementation, address pau, ClassRecord memory c, UnitParams calldata params, bytes32 salt)
        private
        returns (address unit)
    {
        unit = Clones.cloneDeterministicWithImmutableArgs(
            implementation, _unitArgs(pau, c.rateLimits, params.firstTokenId), _partSalt(salt, 3)
        );
        NFATFacility(unit).initialize(
            NFATFacility.Roles({
                admin: address(timelock),
                claimer: c.beaconOperator,
                funder: pau,
                pauser: c.freezer,
                writeDowner: c.govOps,
                name: params.name,
                symbol: params.symbol
            })
        );
    }

    function predictUnit(address deployer, address pau, UnitParams calldata params, bytes32 userSalt)
        external
        view
        returns (address unit)
    {
        ClassRecord memory c = _classes[pau];
        if (c.controller == address(0)) revert UnknownClass(pau);
        (HaloTemplateRegistry.Template memory t,) = _kindTemplate(c.templateId, registry.KIND_TERM());
        return Clones.predictDeterministicAddressWithImmutableArgs(
            t.implementations[3], _unitArgs(pau, c.rateLimits, params.firstTokenId), _partSalt(unitSalt(deployer, pau, params, userSalt), 3)
        );
    }

    function unitSalt(address deployer, address pau, UnitParams calldata params, bytes32 userSalt)
        public
        pure
        returns (bytes32)
    {
        UnitParams memory p = params;
        p.artifactHash = bytes32(0); // the artifact names the address, so its hash cannot choose it
        return keccak256(abi.encode("unit", deployer, pau, p, userSalt));
    }

    // ---------------------------------------------------------------- portfolio book

    /// @notice Adds a book of units (1–8 tranches) to a Portfolio class: only the class's
    ///         GovOps. Clones each unit's token and LCTS queue pair (the class is their pBEAM,
    ///         converter and minter; the timelock their admin) and schedules `addBook`.
    function deployBook(address pau, uint256 accrualSeconds, PortfolioUnitParams[] calldata params, bytes32 userSalt)
        external
        returns (PortfolioUnitAddresses[] memory units)
    {
        ClassRecord memory c = _classes[pau];
        if (c.controller == address(0)) revert UnknownClass(pau);
        if (msg.sender != c.govOps) revert NotClassGovOps(pau, msg.sender);
        (HaloTemplateRegistry.Template memory t, uint64 version) = _kindTemplate(c.templateId, registry.KIND_PORTFOLIO());
        _checkBook(t, accrualSeconds, params);
        bytes32 salt = bookSalt(msg.sender, pau, accrualSeconds, params, userSalt);
        _useSalt(salt);
        PortfolioHaloClass.UnitConfig[] memory configs;
        (units, configs) = _cloneBook(t.implementations, pau, c.haloClass, params, salt);
        bytes32 batchId = _scheduleBook(c, accrualSeconds, configs, salt);
        _emitBook(pau, c, version, accrualSeconds, params, units, salt, batchId);
    }

    function _cloneBook(address[] memory impl, address pau, address haloClass, PortfolioUnitParams[] calldata params, bytes32 salt)
        private
        returns (PortfolioUnitAddresses[] memory units, PortfolioHaloClass.UnitConfig[] memory configs)
    {
        units = new PortfolioUnitAddresses[](params.length);
        configs = new PortfolioHaloClass.UnitConfig[](params.length);
        uint8 junior = _juniorRank(params);
        for (uint256 i; i < params.length; ++i) {
            units[i] = _cloneBookUnit(impl, haloClass, params[i], salt, i);
            classOfUnit[address(units[i].token)] = pau;
            configs[i] = PortfolioHaloClass.UnitConfig({
                rank: params[i].rank,
                residual: params[i].rank == junior,
                rateBps: params[i].yieldBps,
                token: units[i].token,
                subscribeQueue: units[i].subscribeQueue,
                redeemQueue: units[i].redeemQueue
            });
        }
    }

    function _emitBook(
        address pau,
        ClassRecord memory c,
        uint64 version,
        uint256 accrualSeconds,
        PortfolioUnitParams[] calldata params,
        PortfolioUnitAddresses[] memory units,
        bytes32 salt,
        bytes32 batchId
    ) private {
        emit PortfolioBookDeployed(pau, c.haloClass, c.templateId, version, msg.sender, accrualSeconds, params, units, salt, batchId);
    }

    function _scheduleBook(ClassRecord memory c, uint256 accrualSeconds, PortfolioHaloClass.UnitConfig[] memory configs, bytes32 salt)
        private
        returns (bytes32)
    {
        address[] memory targets = new address[](1);
        bytes[] memory payloads = new bytes[](1);
        targets[0] = c.haloClass;
        payloads[0] = abi.encodeCall(PortfolioHaloClass.addBook, (accrualSeconds, configs));
        return _schedule(targets, payloads, c.timelockBatchId, salt);
    }

    function _cloneBookUnit(address[] memory impl, address haloClass, PortfolioUnitParams calldata p, bytes32 salt, uint256 i)
        private
        returns (PortfolioUnitAddresses memory u)
    {
        u.token = PortfolioUnitToken(Clones.cloneDeterministic(impl[4], _partSalt(salt, 10 + 3 * i)));
        u.token.initialize(p.name, p.symbol, haloClass);
        u.subscribeQueue = LCTSQueue(
            Clones.cloneDeterministicWithImmutableArgs(impl[5], abi.encode(usds, u.token, p.dustThreshold), _partSalt(salt, 11 + 3 * i))
        );
        u.redeemQueue = LCTSQueue(
            Clones.cloneDeterministicWithImmutableArgs(impl[5], abi.encode(u.token, usds, p.dustThreshold), _partSalt(salt, 12 + 3 * i))
        );
        u.subscribeQueue.initialize(address(timelock), haloClass, ILCTSConverter(haloClass));
        u.redeemQueue.initialize(address(timelock), haloClass, ILCTSConverter(haloClass));
    }

    function predictBook(
        address deployer,
        address pau,
        uint256 accrualSeconds,
        PortfolioUnitParams[] calldata params,
        bytes32 userSalt
    ) external view returns (PortfolioUnitAddresses[] memory units) {
        ClassRecord memory c = _classes[pau];
        if (c.controller == address(0)) revert UnknownClass(pau);
        (HaloTemplateRegistry.Template memory t,) = _kindTemplate(c.templateId, registry.KIND_PORTFOLIO());
        bytes32 salt = bookSalt(deployer, pau, accrualSeconds, params, userSalt);
        units = new PortfolioUnitAddresses[](params.length);
        for (uint256 i; i < params.length && i < PORTFOLIO_MAX_UNITS; ++i) {
            address token = Clones.predictDeterministicAddress(t.implementations[4], _partSalt(salt, 10 + 3 * i));
            units[i].token = PortfolioUnitToken(token);
            units[i].subscribeQueue = LCTSQueue(
                Clones.predictDeterministicAddressWithImmutableArgs(
                    t.implementations[5], abi.encode(usds, token, params[i].dustThreshold), _partSalt(salt, 11 + 3 * i)
                )
            );
            units[i].redeemQueue = LCTSQueue(
                Clones.predictDeterministicAddressWithImmutableArgs(
                    t.implementations[5], abi.encode(token, usds, params[i].dustThreshold), _partSalt(salt, 12 + 3 * i)
                )
            );
        }
    }

    function bookSalt(address deployer, address pau, uint256 accrualSeconds, PortfolioUnitParams[] calldata params, bytes32 userSalt)
        public
        pure
        returns (bytes32)
    {
        PortfolioUnitParams[] memory p = params;
        for (uint256 i; i < p.length && i < PORTFOLIO_MAX_UNITS; ++i) {
            p[i].artifactHash = bytes32(0); // the artifacts name the addresses, so their hashes cannot choose them
        }
        return keccak256(abi.encode("book", deployer, pau, accrualSeconds, p, userSalt));
    }

    function _checkBook(HaloTemplateRegistry.Template memory t, uint256 accrualSeconds, PortfolioUnitParams[] calldata params)
        private
        pure
    {
        _inRange("units", params.length, HaloTemplateRegistry.Range(1, PORTFOLIO_MAX_UNITS));
        uint256 maxAccrual = t.termSeconds.max < PORTFOLIO_MAX_ACCRUAL_SECONDS ? t.termSeconds.max : PORTFOLIO_MAX_ACCRUAL_SECONDS;
        _inRange("accrualSeconds", accrualSeconds, HaloTemplateRegistry.Range(t.termSeconds.min, maxAccrual));
        uint8 junior = _juniorRank(params);
        for (uint256 i; i < params.length; ++i) {
            PortfolioUnitParams calldata p = params[i];
            _inRange("capacity", p.capacity, t.unitCapacity);
            _inRange("seniority", p.rank, t.seniority);
            // the most junior rank takes the residual: it names no target yield
            _inRange("yieldBps", p.yieldBps, p.rank == junior ? HaloTemplateRegistry.Range(0, 0) : t.yieldBps);
            _inRange("dustThreshold", p.dustThreshold, t.buyboxTicket);
        }
    }

    function _juniorRank(PortfolioUnitParams[] calldata params) private pure returns (uint8 junior) {
        for (uint256 i; i < params.length && i < PORTFOLIO_MAX_UNITS; ++i) {
            if (params[i].rank > junior) junior = params[i].rank;
        }
    }

    // ---------------------------------------------------------------- internals

    /// @dev A class template: Term [ALMProxy, Controller, RateLimits | NFATFacility],
    ///      Portfolio [ALMProxy, Controller, RateLimits, PortfolioHaloClass | PortfolioUnitToken, LCTSQueue]
    ///      or Trading [ALMProxy, Controller, RateLimits | TradingPool, LCTSToken, LCTSQueue] (a Term batch).
    function _classTemplate(bytes32 templateId) private view returns (HaloTemplateRegistry.Template memory t, uint64 version) {
        (t, version) = registry.activeTemplate(templateId);
        bool term = t.kind == registry.KIND_TERM() && t.implementations.length == 4 && t.classContracts == 3;
        bool portfolio = t.kind == registry.KIND_PORTFOLIO() && t.implementations.length == 6 && t.classContracts == 4;
        // Trading: the PAU as for Term; its pools come from the TradingPoolFactory
        bool trading = t.kind == registry.KIND_TRADING() && t.implementations.length == 6 && t.classContracts == 3;
        if (!term && !portfolio && !trading) revert WrongTemplateKind(templateId, t.kind);
    }

    function _kindTemplate(bytes32 templateId, uint8 kind) private view returns (HaloTemplateRegistry.Template memory t, uint64 version) {
        (t, version) = _classTemplate(templateId);
        if (t.kind != kind) revert WrongTemplateKind(templateId, t.kind);
    }

    function _checkClass(HaloTemplateRegistry.Template memory t, ClassParams calldata p) private view {
        if (p.govOps == address(0) || p.beaconOperator == address(0) || p.freezer == address(0)) revert ZeroAddress();
        _inRange("swapRateLimit", p.swapRateLimit, t.initRateLimit);
        if (t.kind == registry.KIND_PORTFOLIO()) {
            if (p.managerEndpoint == address(0)) revert ZeroAddress();
        } else if (p.managerEndpoint != address(0)) {
            revert ParameterOutOfRange("managerEndpoint", uint160(p.managerEndpoint), 0, 0);
        }
    }

    function _checkUnit(HaloTemplateRegistry.Template memory t, UnitParams calldata p) private pure {
        _inRange("capacity", p.capacity, t.unitCapacity);
        _inRange("seniority", p.seniority, t.seniority);
        _inRange("yieldBps", p.yieldBps, t.yieldBps);
        _inRange("termSeconds", p.termSeconds, t.termSeconds);
        _inRange("buyboxMinTicket", p.buyboxMinTicket, t.buyboxTicket);
        _inRange("buyboxMaxTicket", p.buyboxMaxTicket, HaloTemplateRegistry.Range(p.buyboxMinTicket, t.buyboxTicket.max));
    }

    function _inRange(bytes32 name, uint256 value, HaloTemplateRegistry.Range memory range) private pure {
        if (value < range.min || value > range.max) revert ParameterOutOfRange(name, value, range.min, range.max);
    }

    function _useSalt(bytes32 salt) private {
        if (saltUsed[salt]) revert SaltAlreadyUsed(salt);
        saltUsed[salt] = true;
    }

    function _partSalt(bytes32 salt, uint256 part) private pure returns (bytes32) {
        return keccak256(abi.encode(salt, part));
    }

    function _controllerArgs(address pau, address rateLimits) private view returns (bytes memory) {
        return abi.encode(pau, rateLimits, usds, usdc, psm, address(timelock));
    }

    function _unitArgs(address pau, address rateLimits, uint64 firstTokenId) private view returns (bytes memory) {
        return abi.encode(usds, pau, rateLimits, uint256(firstTokenId));
    }

    function _classBatch(address pau, address controller, address rateLimits, address haloClass, ClassParams calldata p)
        private
        view
        returns (address[] memory targets, bytes[] memory payloads)
    {
        uint256 n = haloClass == address(0) ? 5 : 7;
        targets = new address[](n);
        payloads = new bytes[](n);
        targets[0] = address(configurator);
        payloads[0] = abi.encodeCall(Configurator.setPauContracts, (pau, Controller(controller), RateLimits(rateLimits)));
        targets[1] = address(beamState);
        payloads[1] = abi.encodeCall(BEAMState.addGovOps, (pau, p.govOps));
        targets[2] = address(configurator);
        payloads[2] = abi.encodeCall(Configurator.setFreezer, (pau, p.freezer));
        uint256 slope = p.swapRateLimit / 1 days;
        targets[3] = address(beamState);
        payloads[3] = abi.encodeCall(BEAMState.addInitRateLimits, (RateLimitKeys.LIMIT_USDS_TO_USDC, pau, p.swapRateLimit, slope));
        targets[4] = address(beamState);
        payloads[4] = abi.encodeCall(BEAMState.addInitRateLimits, (RateLimitKeys.LIMIT_USDC_TO_USDS, pau, p.swapRateLimit, slope));
        if (haloClass == address(0)) return (targets, payloads);
        // lpha-lcts: capital to the manager, and back to the class for redemptions
        targets[5] = address(beamState);
        payloads[5] = abi.encodeCall(
            BEAMState.addInitRateLimits,
            (RateLimitKeys.makeKey(RateLimitKeys.LIMIT_ASSET_TRANSFER, usds, p.managerEndpoint), pau, p.swapRateLimit, slope)
        );
        targets[6] = address(beamState);
        payloads[6] = abi.encodeCall(
            BEAMState.addInitRateLimits,
            (RateLimitKeys.makeKey(RateLimitKeys.LIMIT_ASSET_TRANSFER, usds, haloClass), pau, p.swapRateLimit, slope)
        );
    }

    function _unitTargets() private view returns (address[] memory targets) {
        targets = new address[](4);
        targets[0] = address(configurator);
        targets[1] = address(beamState);
        targets[2] = address(beamState);
        targets[3] = address(beamState);
    }

    function _unitBatch(address pau, address unit, uint256 capacity) private pure returns (bytes[] memory payloads) {
        uint256 slope = capacity / 1 days;
        payloads = new bytes[](4);
        payloads[0] = abi.encodeCall(Configurator.addRateLimitsController, (pau, unit));
        payloads[1] = abi.encodeCall(
            BEAMState.addInitRateLimits, (RateLimitKeys.makeKey(RateLimitKeys.LIMIT_NFAT_CLAIM, unit), pau, capacity, slope)
        );
        payloads[2] = abi.encodeCall(
            BEAMState.addInitRateLimits, (RateLimitKeys.makeKey(RateLimitKeys.LIMIT_REDEEM_FUND_PRINCIPAL, unit), pau, capacity, slope)
        );
        payloads[3] = abi.encodeCall(
            BEAMState.addInitRateLimits, (RateLimitKeys.makeKey(RateLimitKeys.LIMIT_REDEEM_FUND_INTEREST, unit), pau, capacity, slope)
        );
    }

    function _schedule(address[] memory targets, bytes[] memory payloads, bytes32 predecessor, bytes32 salt)
        private
        returns (bytes32 batchId)
    {
        uint256[] memory values = new uint256[](targets.length);
        uint256 delay = timelock.getMinDelay();
        timelock.scheduleBatch(targets, values, payloads, predecessor, salt, delay);
        batchId = timelock.hashOperationBatch(targets, values, payloads, predecessor, salt);
    }
}
