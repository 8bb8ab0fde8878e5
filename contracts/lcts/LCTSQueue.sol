// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ILCTSConverter} from "./interfaces/ILCTSConverter.sol";
import {Cloneable} from "../factory/Cloneable.sol";

/// @title LCTSQueue
/// @notice One Liquidity Constrained Token Standard queue (reference/smart-contracts/lcts.md).
///         The same contract is a SubscribeQueue (underlying sUSDS, reward srUSDS) or a
///         RedeemQueue (underlying srUSDS, reward sUSDS); it knows nothing of Halos or srUSDS,
///         only an underlying, a reward and the converter it settles against.
/// @dev At most one current generation (ACTIVE or LOCKED), created lazily from DORMANT.
///      Every operation is O(1) in users and generations. Rounding is against the user and in
///      favour of those who stay (see src/domain/lcts/queue.ts, which this mirrors exactly):
///        shares   = floor(amount × totalShares ÷ totalUnderlying), 1:1 when totalShares = 0
///        exit     = floor(shares × totalUnderlying ÷ totalShares)
///        rpt     += floor(reward × RAY ÷ totalShares)
///        paid     = floor(shares × (rpt − rewardDebt) ÷ RAY)
///      rewardPerToken is kept at RAY (1e27): one settlement's truncation then costs the whole
///      generation at most totalShares ÷ 1e27 reward units (≤ 1 for any real supply).
///      Positions are internal accounting, not tokens: they cannot be transferred.
///      Deployed directly (constructor, immutables) or as a HaloFactory clone (a Portfolio Halo
///      Unit's queue) whose (underlying, reward, dustThreshold) are its immutable args and whose
///      roles and converter are set once by `initialize`; a constructor given a zero admin
///      deploys the locked template implementation.
contract LCTSQueue is AccessControl, ReentrancyGuardTransient, Cloneable {
    using SafeERC20 for IERC20;

    bytes32 public constant LCTS_PBEAM = keccak256("LCTS_PBEAM");
    uint256 public constant RAY = 1e27;

    enum Status {
        DORMANT,
        ACTIVE,
        LOCKED
    }

    struct Position {
        uint64 generationId;
        uint192 shares;
        uint256 rewardDebtRay;
    }

    IERC20 private immutable _underlying;
    IERC20 private immutable _reward;
    uint256 private immutable _dustThreshold;

    ILCTSConverter public converter;

    // current generation (id 0 = DORMANT); id and status share a slot
    uint64 public currentGenerationId;
    Status private _status;
    uint64 public nextGenerationId = 1;
    uint256 public totalShares;
    uint256 public totalUnderlying;
    uint256 public rewardPerTokenRay;

    /// @notice finalRewardPerToken + 1 of every FINALIZED generation (0 = not finalized).
    mapping(uint256 generationId => uint256) private _finalRewardPerTokenRayPlusOne;
    mapping(address user => Position) private _positions;

    error GenerationLocked(uint256 generationId);
    error NotLocked();
    error NoPosition(address user);
    error PositionFinalized(address user, uint256 generationId);
    error ZeroAmount();
    error ZeroShares(uint256 amount);
    error ConverterNotSet();
    error ConverterUnderpaid(uint256 promised, uint256 received);
    error SharesOverflow();

    event Deposited(address indexed user, uint256 indexed generationId, uint256 amount, uint256 shares);
    /// @dev The caller (a keeper, for claimFor) is the transaction's sender; it is not repeated here.
    event Claimed(address indexed user, uint256 generationId, uint256 reward);
    event Exited(address indexed user, uint256 indexed generationId, uint256 underlying, uint256 reward);
    event Locked(uint256 indexed generationId);
    event Settled(uint256 indexed generationId, uint256 capacity, uint256 converted, uint256 reward, uint256 rewardPerTokenRay, bool finalized);
    event GenerationOpened(uint256 indexed generationId);
    event ConverterSet(address converter);

    error ZeroAddress();

    constructor(IERC20 underlying_, IERC20 reward_, uint256 dustThreshold_, address admin, address pbeam) {
        _disableInitializers();
        _underlying = underlying_;
        _reward = reward_;
        _dustThreshold = dustThreshold_;
        if (admin == address(0)) return; // the template implementation: no roles, no use
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(LCTS_PBEAM, pbeam);
    }

    /// @notice A clone's one initialisation (the HaloFactory, in the deploying transaction).
    function initialize(address admin, address pbeam, ILCTSConverter converter_) external initializer onlyClone {
        if (admin == address(0) || pbeam == address(0) || address(converter_) == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(LCTS_PBEAM, pbeam);
        nextGenerationId = 1; // a clone's storage starts empty: the declaration's initialiser ran only in the implementation
        converter = converter_;
        emit ConverterSet(address(converter_));
    }

    /// @notice The token deposited (USDS into a subscribe queue, unit shares into a redeem queue).
    function underlying() public view returns (IERC20) {
        if (!_isClone()) return _underlying;
        (IERC20 u,,) = abi.decode(_cloneArgs(), (IERC20, IERC20, uint256));
        return u;
    }

    /// @notice The token a settlement pays out.
    function reward() public view returns (IERC20) {
        if (!_isClone()) return _reward;
        (, IERC20 r,) = abi.decode(_cloneArgs(), (IERC20, IERC20, uint256));
        return r;
    }

    /// @notice Underlying below which a settled generation converts the rest and finalizes.
    function dustThreshold() public view returns (uint256) {
        if (!_isClone()) return _dustThreshold;
        (,, uint256 d) = abi.decode(_cloneArgs(), (IERC20, IERC20, uint256));
        return d;
    }

    /// @notice The converter settle() pays the underlying to (e.g. the srUSDS Holding System).
    function setConverter(ILCTSConverter converter_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        converter = converter_;
        emit ConverterSet(address(converter_));
    }

    // ------------------------------------------------------------------ views

    function status() public view returns (Status) {
        return currentGenerationId == 0 ? Status.DORMANT : _status;
    }

    function positionOf(address user) external view returns (Position memory) {
        return _positions[user];
    }

    /// @notice finalRewardPerToken of a FINALIZED generation; `finalized` false otherwise.
    function finalRewardPerTokenRay(uint256 generationId) external view returns (bool finalized, uint256 rewardPerTokenRay_) {
        uint256 plusOne = _finalRewardPerTokenRayPlusOne[generationId];
        return (plusOne != 0, plusOne == 0 ? 0 : plusOne - 1);
    }

    /// @notice What settle(capacity) would convert now, and whether the generation would finalize.
    function previewSettle(uint256 capacity)
        public
        view
        returns (uint256 generationId, uint256 convertAmount, uint256 remainingUnderlying, bool finalizes)
    {
        generationId = currentGenerationId;
        if (generationId == 0) return (0, 0, 0, false);
        uint256 total = totalUnderlying;
        convertAmount = capacity < total ? capacity : total;
        // dust rule: once something converts, a remainder below the threshold converts with it
        if (convertAmount > 0 && total - convertAmount < dustThreshold()) convertAmount = total;
        remainingUnderlying = total - convertAmount;
        finalizes = remainingUnderlying == 0;
    }

    /// @notice What the position is worth now: the reward a claim pays and the underlying an
    ///         exit returns (0 for a finalized position). Also answers while LOCKED, as a preview.
    function previewPosition(address user)
        external
        view
        returns (uint256 generationId, uint256 shares, bool finalized, uint256 pendingReward, uint256 underlyingOut)
    {
        Position memory p = _positions[user];
        if (p.shares == 0) return (0, 0, false, 0, 0);
        generationId = p.generationId;
        shares = p.shares;
        if (generationId == currentGenerationId) {
            pendingReward = Math.mulDiv(shares, rewardPerTokenRay - p.rewardDebtRay, RAY);
            underlyingOut = Math.mulDiv(shares, totalUnderlying, totalShares);
        } else {
            finalized = true;
            pendingReward = Math.mulDiv(shares, _finalRewardPerTokenRayPlusOne[generationId] - 1 - p.rewardDebtRay, RAY);
        }
    }

    // ------------------------------------------------------------------ users

    /// @notice Subscribe (SubscribeQueue) or redeem (RedeemQueue) `amount` of underlying.
    ///         Settles a finalized position or pays the pending reward of the current one first.
    function deposit(uint256 amount) external nonReentrant returns (uint256 shares) {
        if (amount == 0) revert ZeroAmount();
        uint256 generationId = currentGenerationId;
        if (generationId != 0 && _status == Status.LOCKED) revert GenerationLocked(generationId);
        Position storage p = _positions[msg.sender];
        uint256 held = p.shares;
        uint256 paid;
        if (held != 0 && p.generationId != generationId) {
            paid = _pending(p.shares, _finalRewardPerTokenRayPlusOne[p.generationId] - 1, p.rewardDebtRay);
            held = 0;
        }
        if (generationId == 0) {
            generationId = nextGenerationId;
            nextGenerationId = uint64(generationId + 1);
            currentGenerationId = uint64(generationId);
            _status = Status.ACTIVE;
            emit GenerationOpened(generationId);
        }
        uint256 supply = totalShares;
        uint256 rpt = rewardPerTokenRay;
        shares = supply == 0 ? amount : Math.mulDiv(amount, supply, totalUnderlying);
        if (shares == 0) revert ZeroShares(amount);
        if (held != 0) paid += _pending(held, rpt, p.rewardDebtRay);
        uint256 newShares = held + shares;
        if (newShares > type(uint192).max) revert SharesOverflow();
        totalShares = supply + shares;
        totalUnderlying += amount;
        p.generationId = uint64(generationId);
        p.shares = uint192(newShares);
        if (p.rewardDebtRay != rpt) p.rewardDebtRay = rpt;
        emit Deposited(msg.sender, generationId, amount, shares);
        underlying().safeTransferFrom(msg.sender, address(this), amount);
        if (paid != 0) reward().safeTransfer(msg.sender, paid);
    }

    /// @notice Claim the caller's rewards (see claimFor).
    function claim() external nonReentrant returns (uint256 paid) {
        return _claim(msg.sender);
    }

    /// @notice Permissionless: anyone (a keeper) may claim for `user`; only `user` is paid.
    ///         From the ACTIVE current generation the position stays; a position in a FINALIZED
    ///         generation is settled and cleared (allowed while the current one is LOCKED).
    function claimFor(address user) external nonReentrant returns (uint256 paid) {
        return _claim(user);
    }

    /// @notice Claim-and-exit: the whole position of the ACTIVE current generation.
    function exit() external nonReentrant returns (uint256 underlyingOut, uint256 paid) {
        Position storage p = _positions[msg.sender];
        uint256 shares = p.shares;
        if (shares == 0) revert NoPosition(msg.sender);
        uint256 generationId = currentGenerationId;
        if (p.generationId != generationId) revert PositionFinalized(msg.sender, p.generationId);
        if (_status == Status.LOCKED) revert GenerationLocked(generationId);
        paid = _pending(shares, rewardPerTokenRay, p.rewardDebtRay);
        uint256 supply = totalShares;
        uint256 total = totalUnderlying;
        underlyingOut = Math.mulDiv(shares, total, supply);
        delete _positions[msg.sender];
        if (supply == shares) {
            // last user out: the queue is DORMANT again (the last exit takes all the underlying)
            _clearCurrent();
        } else {
            totalShares = supply - shares;
            totalUnderlying = total - underlyingOut;
        }
        emit Exited(msg.sender, generationId, underlyingOut, paid);
        if (underlyingOut != 0) underlying().safeTransfer(msg.sender, underlyingOut);
        if (paid != 0) reward().safeTransfer(msg.sender, paid);
    }

    // ------------------------------------------------------------------ LCTS pBEAM

    /// @notice ACTIVE → LOCKED. DORMANT or already LOCKED: nothing to do.
    function lock() external onlyRole(LCTS_PBEAM) {
        uint256 generationId = currentGenerationId;
        if (generationId == 0 || _status == Status.LOCKED) return;
        _status = Status.LOCKED;
        emit Locked(generationId);
    }

    /// @notice Settle the LOCKED generation: pay min(capacity, totalUnderlying) (or all of it
    ///         when the rest would be dust) to the converter, which pays the reward back; then
    ///         unlock, or finalize and go DORMANT.
    function settle(uint256 capacity) external onlyRole(LCTS_PBEAM) nonReentrant returns (uint256 converted, uint256 rewardIn) {
        uint256 generationId = currentGenerationId;
        if (generationId == 0 || _status != Status.LOCKED) revert NotLocked();
        ILCTSConverter converter_ = converter;
        if (address(converter_) == address(0)) revert ConverterNotSet();
        uint256 remaining;
        bool finalizes;
        (, converted, remaining, finalizes) = previewSettle(capacity);
        uint256 rpt = rewardPerTokenRay;
        if (converted != 0) {
            underlying().safeTransfer(address(converter_), converted);
            uint256 before = reward().balanceOf(address(this));
            rewardIn = converter_.convert(converted);
            uint256 received = reward().balanceOf(address(this)) - before;
            if (received < rewardIn) revert ConverterUnderpaid(rewardIn, received);
            rpt += Math.mulDiv(rewardIn, RAY, totalShares);
        }
        if (finalizes) {
            _finalRewardPerTokenRayPlusOne[generationId] = rpt + 1;
            _clearCurrent();
        } else {
            if (rpt != rewardPerTokenRay) rewardPerTokenRay = rpt;
            totalUnderlying = remaining;
            _status = Status.ACTIVE;
        }
        emit Settled(generationId, capacity, converted, rewardIn, rpt, finalizes);
    }

    // ------------------------------------------------------------------ internals

    function _claim(address user) private returns (uint256 paid) {
        Position storage p = _positions[user];
        uint256 shares = p.shares;
        if (shares == 0) revert NoPosition(user);
        uint256 generationId = p.generationId;
        if (generationId != currentGenerationId) {
            paid = _pending(shares, _finalRewardPerTokenRayPlusOne[generationId] - 1, p.rewardDebtRay);
            delete _positions[user];
        } else {
            if (_status == Status.LOCKED) revert GenerationLocked(generationId);
            uint256 rpt = rewardPerTokenRay;
            paid = _pending(shares, rpt, p.rewardDebtRay);
            p.rewardDebtRay = rpt;
        }
        emit Claimed(user, generationId, paid);
        if (paid != 0) reward().safeTransfer(user, paid);
    }

    function _clearCurrent() private {
        currentGenerationId = 0;
        _status = Status.DORMANT;
        totalShares = 0;
        totalUnderlying = 0;
        rewardPerTokenRay = 0;
    }

    function _pending(uint256 shares, uint256 rptRay, uint256 debtRay) private pure returns (uint256) {
        return Math.mulDiv(shares, rptRay - debtRay, RAY);
    }
}
