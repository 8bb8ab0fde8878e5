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

/// @notice Deploys Term Halo Classes (a PAU: ALMProxy, Controller, RateLimits) and their Units
///         (one NFAT Facility each) from an approved template, as EIP-1167 clones at CREATE2
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
        /// @dev Init (max per day) of each PSM swap key (USDS → USDC and back).
        uint256 swapRateLimit;
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

    struct ClassRecord {
        bytes32 templateId;
        uint64 templateVersion;
        address controller;
        address rateLimits;
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

    /// @notice The canonical class metadata: every address, the parameters (beacon operators
    ///         and artifact hash included) and the timelock batch that registers the PAU.
    event HaloClassDeployed(
        address indexed pau,
        bytes32 indexed templateId,
        address indexed deployer,
        uint64 templateVersion,
        address controller,
        address rateLimits,
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
        (HaloTemplateRegistry.Template memory t, uint64 version) = _termTemplate(templateId);
        _checkClass(t, params);
        bytes32 salt = classSalt(msg.sender, templateId, params, userSalt);
        _useSalt(salt);
        (pau, controller, rateLimits) = _cloneClass(t.implementations, salt);
        ClassRecord storage c = _classes[pau];
        (c.templateId, c.templateVersion, c.controller, c.rateLimits) = (templateId, version, controller, rateLimits);
        (c.govOps, c.beaconOperator, c.freezer) = (params.govOps, params.beaconOperator, params.freezer);
        (address[] memory targets, bytes[] memory payloads) = _classBatch(pau, controller, rateLimits, params);
        c.timelockBatchId = _schedule(targets, payloads, bytes32(0), salt);
        _emitClass(pau, c, params, salt);
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
            params,
            salt,
            c.timelockBatchId,
            timelock.getMinDelay()
        );
    }

    function predictClass(address deployer, bytes32 templateId, ClassParams calldata params, bytes32 userSalt)
        external
        view
        returns (address pau, address controller, address rateLimits)
    {
        (HaloTemplateRegistry.Template memory t,) = _termTemplate(templateId);
        bytes32 salt = classSalt(deployer, templateId, params, userSalt);
        pau = Clones.predictDeterministicAddress(t.implementations[0], _partSalt(salt, 0));
        rateLimits = Clones.predictDeterministicAddress(t.implementations[2], _partSalt(salt, 2));
        controller = Clones.predictDeterministicAddressWithImmutableArgs(
            t.implementations[1], _controllerArgs(pau, rateLimits), _partSalt(salt, 1)
        );
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
        (HaloTemplateRegistry.Template memory t, uint64 version) = _termTemplate(c.templateId);
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
        (HaloTemplateRegistry.Template memory t,) = _termTemplate(c.templateId);
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

    // ---------------------------------------------------------------- internals

    function _termTemplate(bytes32 templateId) private view returns (HaloTemplateRegistry.Template memory t, uint64 version) {
        (t, version) = registry.activeTemplate(templateId);
        if (t.kind != registry.KIND_TERM() || t.implementations.length != 4 || t.classContracts != 3) {
            revert WrongTemplateKind(templateId, t.kind);
        }
    }

    function _checkClass(HaloTemplateRegistry.Template memory t, ClassParams calldata p) private pure {
        if (p.govOps == address(0) || p.beaconOperator == address(0) || p.freezer == address(0)) revert ZeroAddress();
        _inRange("swapRateLimit", p.swapRateLimit, t.initRateLimit);
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

    function _classBatch(address pau, address controller, address rateLimits, ClassParams calldata p)
        private
        view
        returns (address[] memory targets, bytes[] memory payloads)
    {
        targets = new address[](5);
        payloads = new bytes[](5);
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
