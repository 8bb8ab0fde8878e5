// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ILCTSConverter} from "./interfaces/ILCTSConverter.sol";
import {LCTSToken} from "./LCTSToken.sol";

/// @title LCTSHoldingSystem
/// @notice Holds the asset (sUSDS for srUSDS) backing an LCTS token and is the converter of its
///         queue pair: the SubscribeQueue's settlement pays it the asset and it mints tokens to
///         the queue; the RedeemQueue's settlement pays it tokens, which it burns, and it pays
///         the asset to the queue from its holdings. Funded by Prime PAUs (plain transfers via
///         their Controller's rate-limited transferAsset). Not Halo-specific: a Prime's TEJRC
///         uses the same contract with its own token and asset.
/// @dev Conversions round against the user: tokens = floor(asset × 1e18 ÷ rate),
///      asset = floor(tokens × rate ÷ 1e18). The rate is set by the LCTS pBEAM before settling.
contract LCTSHoldingSystem is AccessControl, ILCTSConverter {
    using SafeERC20 for IERC20;

    bytes32 public constant LCTS_PBEAM = keccak256("LCTS_PBEAM");
    uint256 public constant WAD = 1e18;

    IERC20 public immutable asset;
    LCTSToken public token;
    address public subscribeQueue;
    address public redeemQueue;
    /// @notice Asset per 1e18 tokens.
    uint256 public exchangeRateWad = WAD;

    error NotAQueue(address caller);
    error AlreadyWired();
    error ZeroRate();
    error InsufficientBacking(uint256 needed, uint256 held);

    event Wired(address token, address subscribeQueue, address redeemQueue);
    event ExchangeRateSet(uint256 exchangeRateWad);
    event Converted(address indexed queue, uint256 amountIn, uint256 amountOut, uint256 exchangeRateWad);

    constructor(IERC20 asset_, address admin, address pbeam) {
        asset = asset_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(LCTS_PBEAM, pbeam);
    }

    /// @notice One-time wiring of the token and the queue pair (the token needs this address first).
    function wire(LCTSToken token_, address subscribeQueue_, address redeemQueue_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (address(token) != address(0)) revert AlreadyWired();
        token = token_;
        subscribeQueue = subscribeQueue_;
        redeemQueue = redeemQueue_;
        emit Wired(address(token_), subscribeQueue_, redeemQueue_);
    }

    /// @notice Exchange rate for the next settlement (yield up, haircut down).
    function setExchangeRate(uint256 exchangeRateWad_) external onlyRole(LCTS_PBEAM) {
        if (exchangeRateWad_ == 0) revert ZeroRate();
        exchangeRateWad = exchangeRateWad_;
        emit ExchangeRateSet(exchangeRateWad_);
    }

    /// @inheritdoc ILCTSConverter
    function convert(uint256 amount) external returns (uint256 out) {
        uint256 rate = exchangeRateWad;
        if (msg.sender == subscribeQueue) {
            out = Math.mulDiv(amount, WAD, rate);
            if (out != 0) token.mint(msg.sender, out);
        } else if (msg.sender == redeemQueue) {
            out = Math.mulDiv(amount, rate, WAD);
            token.burn(amount);
            uint256 held = asset.balanceOf(address(this));
            if (held < out) revert InsufficientBacking(out, held);
            asset.safeTransfer(msg.sender, out);
        } else {
            revert NotAQueue(msg.sender);
        }
        emit Converted(msg.sender, amount, out, rate);
    }
}
