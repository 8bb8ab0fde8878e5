// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {BEAMAuthority} from "../configurator/BEAMAuthority.sol";

/// @notice Which Halo Class templates the HaloFactory may deploy, and the pre-factory Halo
///         inventory. A template names the implementation contracts of one Halo Class kind
///         (class-level first, then unit-level) and the ranges every instance parameter must
///         stay within ("instance approval" = being within them).
///         - Adding or changing a template ("template approval", rare and heavy) is an
///           addition: only through the BEAMTimeLock, so it waits the timelock's delay. Each
///           change bumps the template's version.
///         - Removing a template is instant from an aBEAM (or the timelock).
///         - The inventory records hand-deployed classes and units (addresses, beacon operator,
///           artifact link) with a conformance flag the registry computes itself: each
///           contract's runtime code, its immutables masked, hashed and compared with the
///           template implementation's, masked the same way (same code, other constructor
///           arguments). An entry is a record, not a permission: an aBEAM registers it.
contract HaloTemplateRegistry is BEAMAuthority {
    /// @notice Template kinds: an NFAT-based Term class (lpha-nfat), an LCTS-based Portfolio class (lpha-lcts).
    uint8 public constant KIND_TERM = 1;
    uint8 public constant KIND_PORTFOLIO = 2;
    /// @notice An AMM-based Trading class (lpha-amm): its units are deployed by the TradingPoolFactory.
    uint8 public constant KIND_TRADING = 3;
    /// @notice Bounds on template shape (implementations and immutables per implementation).
    uint256 public constant MAX_IMPLEMENTATIONS = 8;
    uint256 public constant MAX_IMMUTABLES = 32;

    struct Range {
        uint256 min;
        uint256 max;
    }

    struct Template {
        uint8 kind;
        /// @dev How many of `implementations` make up the class (the rest are per unit).
        ///      Term: [ALMProxy, Controller, RateLimits | NFATFacility], classContracts = 3.
        uint8 classContracts;
        address[] implementations;
        /// @dev Per implementation, each immutable as (start << 128 | length) in its runtime code.
        uint256[][] immutableRanges;
        /// @dev A unit's capacity: its claim init rate limit, in USDS base units.
        Range unitCapacity;
        /// @dev Seniority rank (0 = most senior).
        Range seniority;
        /// @dev Yield terms: the unit's target yield in basis points per year, and its term.
        Range yieldBps;
        Range termSeconds;
        /// @dev Buybox: the smallest and largest ticket a unit may name, in USDS base units.
        Range buyboxTicket;
        /// @dev Standard class-level init rate limits (the PAU's PSM swap keys), max per day.
        Range initRateLimit;
    }

    struct Stored {
        Template template;
        uint64 version;
        bool active;
        /// @dev Masked runtime code hash of each implementation, taken at approval.
        bytes32[] codeHashes;
    }

    struct InventoryEntry {
        bytes32 templateId;
        uint64 templateVersion;
        bool isUnit;
        bool conforming;
        address beaconOperator;
        uint64 registeredAt;
        address[] contracts;
        bytes32[] codeHashes;
        string artifactUri;
        bytes32 artifactHash;
    }

    mapping(bytes32 templateId => Stored) private _templates;
    mapping(bytes32 entryId => InventoryEntry) private _inventory;

    error UnknownTemplateKind(uint8 kind);
    error InvalidTemplateShape(uint256 implementations, uint256 classContracts, uint256 immutableRanges);
    error InvalidRange(bytes32 name, uint256 min, uint256 max);
    error NoCode(address account);
    error TemplateNotApproved(bytes32 templateId);
    error InventoryEntryExists(bytes32 entryId);
    error InventoryShapeMismatch(uint256 contracts, uint256 expected);

    event TemplateSet(bytes32 indexed templateId, uint64 version, uint8 kind, address[] implementations, bytes32[] codeHashes);
    event TemplateRemoved(bytes32 indexed templateId, uint64 version);
    event InventoryRegistered(
        bytes32 indexed entryId,
        bytes32 indexed templateId,
        bool indexed isUnit,
        uint64 templateVersion,
        address[] contracts,
        address beaconOperator,
        string artifactUri,
        bytes32 artifactHash,
        bool conforming,
        bytes32[] codeHashes
    );

    constructor(address councilBeacon, address timelock_) BEAMAuthority(councilBeacon, timelock_) {}

    // ---------------------------------------------------------------- templates

    /// @notice Template approval: adds or changes `templateId` (new version, active).
    function setTemplate(bytes32 templateId, Template calldata t) external onlyTimelock {
        if (t.kind != KIND_TERM && t.kind != KIND_PORTFOLIO && t.kind != KIND_TRADING) revert UnknownTemplateKind(t.kind);
        uint256 count = t.implementations.length;
        if (
            count == 0 || count > MAX_IMPLEMENTATIONS || t.classContracts == 0 || t.classContracts >= count
                || t.immutableRanges.length != count
        ) revert InvalidTemplateShape(count, t.classContracts, t.immutableRanges.length);
        _checkRange("unitCapacity", t.unitCapacity);
        _checkRange("seniority", t.seniority);
        _checkRange("yieldBps", t.yieldBps);
        _checkRange("termSeconds", t.termSeconds);
        _checkRange("buyboxTicket", t.buyboxTicket);
        _checkRange("initRateLimit", t.initRateLimit);
        Stored storage stored = _templates[templateId];
        Template storage target = stored.template;
        target.kind = t.kind;
        target.classContracts = t.classContracts;
        delete target.implementations;
        delete target.immutableRanges;
        delete stored.codeHashes;
        for (uint256 i; i < count; ++i) {
            address implementation = t.implementations[i];
            if (implementation.code.length == 0) revert NoCode(implementation);
            if (t.immutableRanges[i].length > MAX_IMMUTABLES) {
                revert InvalidTemplateShape(count, t.classContracts, t.immutableRanges[i].length);
            }
            target.implementations.push(implementation);
            target.immutableRanges.push(t.immutableRanges[i]);
            stored.codeHashes.push(maskedCodeHash(implementation, t.immutableRanges[i]));
        }
        target.unitCapacity = t.unitCapacity;
        target.seniority = t.seniority;
        target.yieldBps = t.yieldBps;
        target.termSeconds = t.termSeconds;
        target.buyboxTicket = t.buyboxTicket;
        target.initRateLimit = t.initRateLimit;
        stored.version += 1;
        stored.active = true;
        emit TemplateSet(templateId, stored.version, t.kind, t.implementations, stored.codeHashes);
    }

    /// @notice Instant removal; the factory refuses the template from the next block on.
    function removeTemplate(bytes32 templateId) external onlyABEAMOrTimelock {
        Stored storage stored = _templates[templateId];
        if (!stored.active) revert TemplateNotApproved(templateId);
        stored.active = false;
        emit TemplateRemoved(templateId, stored.version);
    }

    /// @notice The active template (reverts TemplateNotApproved otherwise) and its version.
    function activeTemplate(bytes32 templateId) external view returns (Template memory, uint64 version) {
        Stored storage stored = _templates[templateId];
        if (!stored.active) revert TemplateNotApproved(templateId);
        return (stored.template, stored.version);
    }

    /// @notice Any template, active or not (version 0: never approved).
    function templateOf(bytes32 templateId)
        external
        view
        returns (Template memory, uint64 version, bool active, bytes32[] memory codeHashes)
    {
        Stored storage stored = _templates[templateId];
        return (stored.template, stored.version, stored.active, stored.codeHashes);
    }

    // ---------------------------------------------------------------- pre-factory inventory

    /// @notice Records a hand-deployed class (`isUnit` false: the template's class contracts,
    ///         in its order) or unit (its unit contracts), with the registry's own conformance
    ///         verdict. An entry id is used once.
    function registerInventory(
        bytes32 entryId,
        bytes32 templateId,
        bool isUnit,
        address[] calldata contracts,
        address beaconOperator,
        string calldata artifactUri,
        bytes32 artifactHash
    ) external onlyABEAMOrTimelock returns (bool conforming) {
        if (_inventory[entryId].registeredAt != 0) revert InventoryEntryExists(entryId);
        if (beaconOperator == address(0)) revert ZeroAddress();
        Stored storage stored = _templates[templateId];
        if (!stored.active) revert TemplateNotApproved(templateId);
        bytes32[] memory hashes;
        (hashes, conforming) = _conformance(stored, isUnit, contracts);
        InventoryEntry storage entry = _inventory[entryId];
        entry.templateId = templateId;
        entry.templateVersion = stored.version;
        entry.isUnit = isUnit;
        entry.conforming = conforming;
        entry.beaconOperator = beaconOperator;
        entry.registeredAt = uint64(block.timestamp);
        entry.contracts = contracts;
        entry.codeHashes = hashes;
        entry.artifactUri = artifactUri;
        entry.artifactHash = artifactHash;
        emit InventoryRegistered(
            entryId, templateId, isUnit, stored.version, contracts, beaconOperator, artifactUri, artifactHash, conforming, hashes
        );
    }

    function _conformance(Stored storage stored, bool isUnit, address[] calldata contracts)
        private
        view
        returns (bytes32[] memory hashes, bool conforming)
    {
        Template storage t = stored.template;
        uint256 first = isUnit ? t.classContracts : 0;
        uint256 expected = isUnit ? t.implementations.length - t.classContracts : t.classContracts;
        if (contracts.length != expected) revert InventoryShapeMismatch(contracts.length, expected);
        hashes = new bytes32[](expected);
        conforming = true;
        for (uint256 i; i < expected; ++i) {
            if (contracts[i].code.length == 0) revert NoCode(contracts[i]);
            hashes[i] = maskedCodeHash(contracts[i], t.immutableRanges[first + i]);
            if (hashes[i] != stored.codeHashes[first + i]) conforming = false;
        }
    }

    function inventoryOf(bytes32 entryId) external view returns (InventoryEntry memory) {
        return _inventory[entryId];
    }

    /// @notice keccak256 of `account`'s runtime code with each (start << 128 | length) range zeroed.
    ///         A range past the end of the code is skipped (that code differs in length anyway).
    function maskedCodeHash(address account, uint256[] memory ranges) public view returns (bytes32) {
        bytes memory code = account.code;
        uint256 size = code.length;
        for (uint256 i; i < ranges.length; ++i) {
            uint256 start = ranges[i] >> 128;
            uint256 end = start + uint128(ranges[i]);
            if (end > size) continue;
            for (uint256 j = start; j < end; ++j) {
                code[j] = 0;
            }
        }
        return keccak256(code);
    }

    function _checkRange(bytes32 name, Range calldata range) private pure {
        if (range.min > range.max) revert InvalidRange(name, range.min, range.max);
    }
}
