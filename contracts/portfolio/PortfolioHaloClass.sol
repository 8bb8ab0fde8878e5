// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ILCTSConverter} from "../lcts/interfaces/ILCTSConverter.sol";
import {LCTSQueue} from "../lcts/LCTSQueue.sol";
import {PortfolioUnitToken} from "./PortfolioUnitToken.sol";
import {Cloneable} from "../factory/Cloneable.sol";

/// @title PortfolioHaloClass
/// @notice A Portfolio (Passthrough) Halo Class (seed 000, halo-class-book-unit.md): units that
///         share one PAU and one lpha-lcts, grouped into Halo Books. Each unit is an LCTS queue
///         pair (contracts/lcts/LCTSQueue: USDS → unit shares, unit shares → USDS) plus a
///         PortfolioUnitToken; this contract is the converter of every unit's two queues and
///         the only minter/burner of every unit token, and it keeps each book's ledger:
///         assets = Σ units' NAV, shares per unit, NAV per share.
///
///         Capital: a subscription settlement pays USDS here; redemptions of the same
///         settlement are paid from it (net flow) and whatever is left goes to the class
///         ALMProxy in the same transaction. From the ALMProxy only the PAU's Controller
///         moves it (rate limited) to the manager's endpoint (directly or USDC through the
///         PSM); the manager returns USDS to the ALMProxy, and the relayer funds this contract
///         for redemptions through Controller.transferAsset (key LIMIT_ASSET_TRANSFER(usds,
///         this)) right before the settlement. Every settlement ends by sending this contract's
///         whole USDS balance to the ALMProxy, so it holds none between settlements, and it has
///         no function that sends USDS anywhere but to a redeem queue during its settlement or
///         to the ALMProxy.
///
///         NAV: the settler (lpha-lcts's key) reports each book's assets (the manager's NAV
///         plus the book's cash in the PAU); the contract applies the tranche rule of
///         src/domain/portfolio/book.ts `applyNavReport` itself, to the base unit:
///           loss: most junior rank first, pari passu by NAV inside a rank;
///           gain: each senior rank its target yield for the period (floored), in seniority
///                 order; the residual (most junior) rank takes the rest;
///           split inside a rank: allocateProRata (floors, leftover units to the largest
///                 fractional remainders, earliest unit first on ties);
///           a gain accrues into the price linearly over `accrualSeconds`, a loss eats the
///           unaccrued gain first and hits the price at once.
///         Subscriptions mint floor(amount × 1e18 ÷ price) shares, redemptions pay
///         floor(shares × price ÷ 1e18): rounding stays with the unit's remaining holders.
/// @dev Every loop is bounded by MAX_UNITS_PER_BOOK. Deployed directly (constructor) or as a
///      HaloFactory clone initialised once by `initialize` in the factory's transaction; a
///      constructor given only zero addresses deploys the locked template implementation.
contract PortfolioHaloClass is AccessControl, ReentrancyGuardTransient, ILCTSConverter, Cloneable {
    using SafeERC20 for IERC20;

    /// @notice lpha-lcts's key: locks and settles units, reports NAV.
    bytes32 public constant SETTLER = keccak256("PORTFOLIO_SETTLER");
    uint256 public constant WAD = 1e18;
    uint256 public constant BPS = 10_000;
    uint256 public constant SECONDS_PER_YEAR = 365 days;
    uint256 public constant MAX_UNITS_PER_BOOK = 8;
    uint256 public constant MAX_RATE_BPS = 100_000;

    struct UnitConfig {
        /// 0 = most senior.
        uint8 rank;
        /// The most junior rank, and only it, takes the residual yield.
        bool residual;
        /// Target yield (annual bps) of a senior rank; 0 for the residual rank.
        uint256 rateBps;
        PortfolioUnitToken token;
        LCTSQueue subscribeQueue;
        LCTSQueue redeemQueue;
    }

    struct Unit {
        uint256 bookId;
        uint8 rank;
        bool residual;
        uint256 rateBps;
        PortfolioUnitToken token;
        LCTSQueue subscribeQueue;
        LCTSQueue redeemQueue;
        /// Shares outstanding (= token.totalSupply()).
        uint256 shares;
        /// Claim on the book's assets as last reported, including gain not yet accrued.
        uint256 nav;
        /// Part of `nav` from gains not accrued into the price yet, as of `accrualStart`.
        uint256 unaccruedGain;
        uint64 accrualStart;
    }

    struct Book {
        uint256 assets;
        uint64 lastReportAt;
        uint64 accrualSeconds;
        uint256[] unitIds;
    }

    /// @dev A book's units as one report sees them before it applies (in book order).
    struct BookView {
        uint256[] ids;
        uint256[] navs;
        uint8[] ranks;
        uint8[] distinct;
    }

    IERC20 public usds;
    /// @notice The class PAU's ALMProxy: where subscribed USDS goes.
    address public almProxy;

    Book[] private _books;
    Unit[] private _units;
    mapping(address queue => uint256) private _unitOfQueuePlusOne;
    /// @dev unitId + 1 while settleUnit runs; convert() is refused otherwise.
    uint256 private transient _settlingPlusOne;

    error ZeroAddress();
    error NoUnits();
    error InvalidAccrual(uint256 accrualSeconds);
    error TooManyUnits(uint256 count);
    error InvalidRank(uint256 unitIndex);
    error InvalidRate(uint256 unitIndex, uint256 rateBps);
    error ResidualRankMismatch(uint256 unitIndex);
    error QueueMismatch(address queue);
    error TokenMismatch(address token);
    error QueueAlreadyUsed(address queue);
    error UnknownBook(uint256 bookId);
    error UnknownUnit(uint256 unitId);
    error StaleReport(uint256 bookId, uint256 reportedAt, uint256 lastReportAt);
    error FutureReport(uint256 reportedAt, uint256 nowSeconds);
    error NoHolders(uint256 bookId);
    error NotSettling(address caller);
    error NotAQueue(address caller);
    error UnitWiped(uint256 unitId);
    error InsufficientLiquidity(uint256 needed, uint256 held);

    event BookAdded(uint256 indexed bookId, uint256 accrualSeconds, uint256 firstUnitId, uint256 unitCount);
    event UnitAdded(
        uint256 indexed unitId, uint256 indexed bookId, uint8 rank, bool residual, uint256 rateBps, address token, address subscribeQueue, address redeemQueue
    );
    event NavReported(uint256 indexed bookId, uint256 previousAssets, uint256 reportedAssets, uint256 reportedAt);
    event UnitNavChanged(uint256 indexed unitId, uint256 navBefore, uint256 navAfter, uint256 unaccruedGain);
    event UnitLocked(uint256 indexed unitId);
    event Subscribed(uint256 indexed unitId, uint256 amount, uint256 sharesMinted, uint256 navPerShareWad);
    event Redeemed(uint256 indexed unitId, uint256 shares, uint256 amountPaid, uint256 navPerShareWad);
    event UnitSettled(uint256 indexed unitId, uint256 subscribed, uint256 sharesMinted, uint256 redeemedShares, uint256 amountPaid, uint256 toProxy);

    constructor(address admin, address settler, IERC20 usds_, address almProxy_) {
        _disableInitializers();
        if (admin == address(0) && settler == address(0) && address(usds_) == address(0) && almProxy_ == address(0)) return; // the template
        _setUp(admin, settler, usds_, almProxy_);
    }

    function initialize(address admin, address settler, IERC20 usds_, address almProxy_) external initializer onlyClone {
        _setUp(admin, settler, usds_, almProxy_);
    }

    function _setUp(address admin, address settler, IERC20 usds_, address almProxy_) private {
        if (admin == address(0) || settler == address(0) || address(usds_) == address(0) || almProxy_ == address(0)) revert ZeroAddress();
        usds = usds_;
        almProxy = almProxy_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(SETTLER, settler);
    }

    // ------------------------------------------------------------------ admin

    /// @notice Opens a book (empty, balanced) with its units' tranche terms and queue pairs.
    ///         Each queue must have this contract as LCTS pBEAM and converter, and each token
    ///         this contract as its class; a queue serves exactly one unit.
    function addBook(uint256 accrualSeconds, UnitConfig[] calldata units) external onlyRole(DEFAULT_ADMIN_ROLE) returns (uint256 bookId) {
        uint256 n = units.length;
        if (n == 0) revert NoUnits();
        if (n > MAX_UNITS_PER_BOOK) revert TooManyUnits(n);
        if (accrualSeconds > 366 days) revert InvalidAccrual(accrualSeconds);
        uint8 juniorRank;
        for (uint256 i; i < n; i++) {
            if (units[i].rank > juniorRank) juniorRank = units[i].rank;
        }
        bookId = _books.length;
        Book storage book = _books.push();
        book.lastReportAt = uint64(block.timestamp);
        book.accrualSeconds = uint64(accrualSeconds);
        uint256 firstUnitId = _units.length;
        for (uint256 i; i < n; i++) {
            UnitConfig calldata c = units[i];
            if (c.residual != (c.rank == juniorRank)) revert ResidualRankMismatch(i);
            if (c.rateBps > MAX_RATE_BPS || (c.residual && c.rateBps != 0)) revert InvalidRate(i, c.rateBps);
            _checkWiring(c);
            uint256 unitId = _units.length;
            _units.push(
                Unit({
                    bookId: bookId,
                    rank: c.rank,
                    residual: c.residual,
                    rateBps: c.rateBps,
                    token: c.token,
                    subscribeQueue: c.subscribeQueue,
                    redeemQueue: c.redeemQueue,
                    shares: 0,
                    nav: 0,
                    unaccruedGain: 0,
                    accrualStart: uint64(block.timestamp)
                })
            );
            _unitOfQueuePlusOne[address(c.subscribeQueue)] = unitId + 1;
            _unitOfQueuePlusOne[address(c.redeemQueue)] = unitId + 1;
            book.unitIds.push(unitId);
            emit UnitAdded(unitId, bookId, c.rank, c.residual, c.rateBps, address(c.token), address(c.subscribeQueue), address(c.redeemQueue));
        }
        emit BookAdded(bookId, accrualSeconds, firstUnitId, n);
    }

    function _checkWiring(UnitConfig calldata c) private view {
        address s = address(c.subscribeQueue);
        address r = address(c.redeemQueue);
        if (_unitOfQueuePlusOne[s] != 0 || s == r) revert QueueAlreadyUsed(s);
        if (_unitOfQueuePlusOne[r] != 0) revert QueueAlreadyUsed(r);
        if (c.token.haloClass() != address(this) || c.token.totalSupply() != 0) revert TokenMismatch(address(c.token));
        bytes32 pbeam = c.subscribeQueue.LCTS_PBEAM();
        if (
            address(c.subscribeQueue.underlying()) != address(usds) || address(c.subscribeQueue.reward()) != address(c.token)
                || address(c.subscribeQueue.converter()) != address(this) || !c.subscribeQueue.hasRole(pbeam, address(this))
        ) revert QueueMismatch(s);
        if (
            address(c.redeemQueue.underlying()) != address(c.token) || address(c.redeemQueue.reward()) != address(usds)
                || address(c.redeemQueue.converter()) != address(this) || !c.redeemQueue.hasRole(pbeam, address(this))
        ) revert QueueMismatch(r);
    }

    // ------------------------------------------------------------------ settler

    /// @notice Locks the unit's ACTIVE queues (a DORMANT or LOCKED queue is left as it is).
    function lockUnit(uint256 unitId) external onlyRole(SETTLER) {
        Unit storage u = _unit(unitId);
        u.subscribeQueue.lock();
        u.redeemQueue.lock();
        emit UnitLocked(unitId);
    }

    /// @notice Applies the manager's report of a book's assets with the tranche rule.
    ///         `reportedAt` must be newer than the book's last report and not in the future.
    function reportNav(uint256 bookId, uint256 reportedAssets, uint256 reportedAt) external onlyRole(SETTLER) {
        Book storage book = _book(bookId);
        if (reportedAt <= book.lastReportAt) revert StaleReport(bookId, reportedAt, book.lastReportAt);
        if (reportedAt > block.timestamp) revert FutureReport(reportedAt, block.timestamp);
        uint256 previous = book.assets;
        _applyReport(bookId, book, reportedAssets, reportedAt);
        emit NavReported(bookId, previous, reportedAssets, reportedAt);
    }

    /// @notice Settles the unit's LOCKED queues: subscriptions up to `subscribeCapacity` USDS
    ///         first, then redemptions up to `redeemCapacity` shares, both at the unit's NAV per
    ///         share now; all USDS left here goes to the ALMProxy.
    function settleUnit(uint256 unitId, uint256 subscribeCapacity, uint256 redeemCapacity)
        external
        onlyRole(SETTLER)
        nonReentrant
        returns (uint256 subscribed, uint256 sharesMinted, uint256 redeemedShares, uint256 amountPaid)
    {
        Unit storage u = _unit(unitId);
        _settlingPlusOne = unitId + 1;
        if (u.subscribeQueue.status() == LCTSQueue.Status.LOCKED) (subscribed, sharesMinted) = u.subscribeQueue.settle(subscribeCapacity);
        if (u.redeemQueue.status() == LCTSQueue.Status.LOCKED) (redeemedShares, amountPaid) = u.redeemQueue.settle(redeemCapacity);
        _settlingPlusOne = 0;
        // subscriptions net against redemptions; the rest, and any funding the redemptions did
        // not need, goes back to the PAU: the class holds no USDS between settlements
        uint256 toProxy = usds.balanceOf(address(this));
        if (toProxy != 0) usds.safeTransfer(almProxy, toProxy);
        emit UnitSettled(unitId, subscribed, sharesMinted, redeemedShares, amountPaid, toProxy);
    }

    /// @inheritdoc ILCTSConverter
    /// @dev Only a queue of the unit being settled, only inside settleUnit.
    function convert(uint256 amount) external returns (uint256 out) {
        uint256 plusOne = _settlingPlusOne;
        if (plusOne == 0) revert NotSettling(msg.sender);
        uint256 unitId = plusOne - 1;
        Unit storage u = _units[unitId];
        Book storage book = _books[u.bookId];
        uint256 price = _navPerShareWad(book, u, block.timestamp);
        if (msg.sender == address(u.subscribeQueue)) {
            if (price == 0) revert UnitWiped(unitId);
            out = Math.mulDiv(amount, WAD, price);
            u.shares += out;
            u.nav += amount;
            book.assets += amount;
            emit Subscribed(unitId, amount, out, price);
            if (out != 0) u.token.mint(msg.sender, out);
        } else if (msg.sender == address(u.redeemQueue)) {
            out = Math.mulDiv(amount, price, WAD);
            u.shares -= amount;
            u.nav -= out;
            book.assets -= out;
            emit Redeemed(unitId, amount, out, price);
            u.token.burn(amount);
            uint256 held = usds.balanceOf(address(this));
            if (held < out) revert InsufficientLiquidity(out, held);
            if (out != 0) usds.safeTransfer(msg.sender, out);
        } else {
            revert NotAQueue(msg.sender);
        }
    }

    // ------------------------------------------------------------------ views

    function bookCount() external view returns (uint256) {
        return _books.length;
    }

    function unitCount() external view returns (uint256) {
        return _units.length;
    }

    function bookOf(uint256 bookId) external view returns (Book memory) {
        return _book(bookId);
    }

    function unitOf(uint256 unitId) external view returns (Unit memory) {
        return _unit(unitId);
    }

    /// @notice The unit a queue belongs to (reverts for a queue of no unit).
    function unitOfQueue(address queue) external view returns (uint256 unitId, bool isSubscribeQueue) {
        uint256 plusOne = _unitOfQueuePlusOne[queue];
        if (plusOne == 0) revert NotAQueue(queue);
        unitId = plusOne - 1;
        isSubscribeQueue = address(_units[unitId].subscribeQueue) == queue;
    }

    /// @notice NAV per share (USDS per 1e18 shares) now, floored; 1e18 while the unit has no shares.
    function navPerShareWad(uint256 unitId) external view returns (uint256) {
        Unit storage u = _unit(unitId);
        return _navPerShareWad(_books[u.bookId], u, block.timestamp);
    }

    /// @notice The NAV the unit's holders own now (reported NAV less gain not yet accrued).
    function recognisedNav(uint256 unitId) external view returns (uint256) {
        Unit storage u = _unit(unitId);
        return u.nav - _unaccruedAt(_books[u.bookId], u, block.timestamp);
    }

    // ------------------------------------------------------------------ internals

    function _book(uint256 bookId) private view returns (Book storage) {
        if (bookId >= _books.length) revert UnknownBook(bookId);
        return _books[bookId];
    }

    function _unit(uint256 unitId) private view returns (Unit storage) {
        if (unitId >= _units.length) revert UnknownUnit(unitId);
        return _units[unitId];
    }

    /// @dev book.ts unaccruedAt: rounded up, so the recognised NAV rounds down.
    function _unaccruedAt(Book storage book, Unit storage u, uint256 nowSeconds) private view returns (uint256) {
        uint256 gain = u.unaccruedGain;
        uint256 window = book.accrualSeconds;
        if (gain == 0 || window == 0) return 0;
        uint256 elapsed = nowSeconds > u.accrualStart ? nowSeconds - u.accrualStart : 0;
        if (elapsed >= window) return 0;
        return Math.mulDiv(gain, window - elapsed, window, Math.Rounding.Ceil);
    }

    function _navPerShareWad(Book storage book, Unit storage u, uint256 nowSeconds) private view returns (uint256) {
        if (u.shares == 0) return WAD;
        return Math.mulDiv(u.nav - _unaccruedAt(book, u, nowSeconds), WAD, u.shares);
    }

    /// @dev book.ts applyNavReport, step for step (the tests compare the two on random books).
    function _applyReport(uint256 bookId, Book storage book, uint256 reported, uint256 reportedAt) private {
        BookView memory v;
        v.ids = book.unitIds;
        uint256 n = v.ids.length;
        v.navs = new uint256[](n);
        v.ranks = new uint8[](n);
        for (uint256 i; i < n; i++) {
            v.navs[i] = _units[v.ids[i]].nav;
            v.ranks[i] = _units[v.ids[i]].rank;
        }
        v.distinct = _distinctRanks(v.ranks);
        uint256[] memory gains = new uint256[](n);
        uint256[] memory losses = new uint256[](n);
        if (reported < book.assets) {
            losses = _lossSplit(v, book.assets - reported);
        } else if (reported > book.assets) {
            gains = _gainSplit(bookId, v, reported - book.assets, reportedAt - book.lastReportAt);
        }
        uint256[] memory ids = v.ids;

        for (uint256 i; i < n; i++) {
            Unit storage u = _units[ids[i]];
            uint256 left = _unaccruedAt(book, u, reportedAt);
            uint256 navBefore = u.nav;
            if (gains[i] != 0) {
                u.unaccruedGain = book.accrualSeconds == 0 ? 0 : left + gains[i];
                u.nav = navBefore + gains[i];
            } else {
                // a loss eats the gain not yet accrued first; the rest hits the price at once
                u.unaccruedGain = left > losses[i] ? left - losses[i] : 0;
                u.nav = navBefore - losses[i];
            }
            u.accrualStart = uint64(reportedAt);
            emit UnitNavChanged(ids[i], navBefore, u.nav, u.unaccruedGain);
        }
        book.assets = reported;
        book.lastReportAt = uint64(reportedAt);
    }

    /// @dev A loss runs down the ranks from the most junior, pari passu by NAV inside a rank.
    function _lossSplit(BookView memory v, uint256 remaining) private pure returns (uint256[] memory losses) {
        uint256[] memory navs = v.navs;
        losses = new uint256[](navs.length);
        for (uint256 r = v.distinct.length; r > 0 && remaining != 0; r--) {
            (uint256[] memory members, uint256 count) = _members(v.ranks, v.distinct[r - 1]);
            uint256[] memory weights = new uint256[](count);
            uint256 capacity;
            for (uint256 j; j < count; j++) {
                weights[j] = navs[members[j]];
                capacity += weights[j];
            }
            uint256 absorbed = remaining < capacity ? remaining : capacity;
            uint256[] memory split = _allocateProRata(absorbed, weights);
            for (uint256 j; j < count; j++) {
                losses[members[j]] = split[j];
            }
            remaining -= absorbed;
        }
    }

    /// @dev A gain pays each senior rank its target for `period` seconds, in seniority order,
    ///      then the residual rank; what nobody can take goes to the units with NAV, pro rata.
    function _gainSplit(uint256 bookId, BookView memory v, uint256 remaining, uint256 period) private view returns (uint256[] memory gains) {
        uint256[] memory navs = v.navs;
        uint256[] memory ids = v.ids;
        gains = new uint256[](navs.length);
        for (uint256 r; r < v.distinct.length; r++) {
            (uint256[] memory members, uint256 count) = _members(v.ranks, v.distinct[r]);
            bool residual = _units[ids[members[0]]].residual;
            (uint256[] memory weights, uint256 due) = _rankWeights(v, members, count, residual, period);
            if (residual) due = remaining;
            uint256 paid = due < remaining ? due : remaining;
            if (residual && _allZero(weights)) {
                for (uint256 j; j < count; j++) {
                    weights[j] = _units[ids[members[j]]].shares;
                }
                if (_allZero(weights)) break; // wiped, no holders: falls through below
            }
            uint256[] memory split = _allocateProRata(paid, weights);
            for (uint256 j; j < count; j++) {
                gains[members[j]] += split[j];
            }
            remaining -= paid;
        }
        if (remaining != 0) {
            if (_allZero(navs)) revert NoHolders(bookId);
            uint256[] memory split = _allocateProRata(remaining, navs);
            for (uint256 i; i < navs.length; i++) {
                gains[i] += split[i];
            }
        }
    }

    /// @dev Per member: its NAV (residual rank) or its target yield for the period (floored).
    function _rankWeights(BookView memory v, uint256[] memory members, uint256 count, bool residual, uint256 period)
        private
        view
        returns (uint256[] memory weights, uint256 total)
    {
        weights = new uint256[](count);
        for (uint256 j; j < count; j++) {
            uint256 nav = v.navs[members[j]];
            weights[j] = residual ? nav : Math.mulDiv(nav, _units[v.ids[members[j]]].rateBps * period, BPS * SECONDS_PER_YEAR);
            total += weights[j];
        }
    }

    function _allZero(uint256[] memory values) private pure returns (bool) {
        for (uint256 i; i < values.length; i++) {
            if (values[i] != 0) return false;
        }
        return true;
    }

    /// @dev Distinct ranks, most senior (lowest) first.
    function _distinctRanks(uint8[] memory ranks) private pure returns (uint8[] memory out) {
        uint256 n = ranks.length;
        uint8[] memory buffer = new uint8[](n);
        uint256 count;
        for (uint256 i; i < n; i++) {
            bool seen;
            for (uint256 j; j < count; j++) {
                if (buffer[j] == ranks[i]) seen = true;
            }
            if (seen) continue;
            uint256 k = count++;
            while (k > 0 && buffer[k - 1] > ranks[i]) {
                buffer[k] = buffer[k - 1];
                k--;
            }
            buffer[k] = ranks[i];
        }
        out = new uint8[](count);
        for (uint256 i; i < count; i++) {
            out[i] = buffer[i];
        }
    }

    /// @dev Indexes (in book order) of the units with `rank`.
    function _members(uint8[] memory ranks, uint8 rank) private pure returns (uint256[] memory members, uint256 count) {
        members = new uint256[](ranks.length);
        for (uint256 i; i < ranks.length; i++) {
            if (ranks[i] == rank) members[count++] = i;
        }
    }

    /// @dev src/domain/proRata.ts allocateProRata: floored shares, then one base unit each to
    ///      the largest fractional remainders (earliest first on ties). Adds up to `amount`.
    function _allocateProRata(uint256 amount, uint256[] memory weights) private pure returns (uint256[] memory shares) {
        uint256 n = weights.length;
        shares = new uint256[](n);
        uint256 total;
        for (uint256 i; i < n; i++) {
            total += weights[i];
        }
        if (total == 0 || amount == 0) return shares;
        uint256 remainder = amount;
        uint256[] memory fractions = new uint256[](n);
        for (uint256 i; i < n; i++) {
            shares[i] = Math.mulDiv(amount, weights[i], total);
            fractions[i] = mulmod(amount, weights[i], total);
            remainder -= shares[i];
        }
        bool[] memory taken = new bool[](n);
        // remainder < n: bounded by the number of weights
        for (; remainder > 0; remainder--) {
            uint256 best = type(uint256).max;
            for (uint256 i; i < n; i++) {
                if (taken[i]) continue;
                if (best == type(uint256).max || fractions[i] > fractions[best]) best = i;
            }
            taken[best] = true;
            shares[best] += 1;
        }
    }
}
