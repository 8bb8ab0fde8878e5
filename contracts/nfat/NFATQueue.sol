// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {INFATFacility} from "./interfaces/INFATFacility.sol";

/// @title NFATQueue
/// @notice Share-based per-depositor queue accounting of an NFAT Facility (the LCTS share rule
///         without generations, because claims are selective, not batched).
/// @dev Pure bookkeeping: no token moves here, the facility moves USDS after the books change
///      (checks-effects-interactions). Rounding always favours the depositors who stay:
///      shares minted round down, shares burned by a claim round up, USDS paid out rounds down.
///      The queue earns nothing, so in practice shares and USDS stay 1:1; the general rule is
///      kept so the accounting stays right if a yield-bearing queue asset is ever used.
abstract contract NFATQueue is INFATFacility {
    uint256 private _totalShares;
    uint256 private _totalUnderlying;
    mapping(address depositor => uint256) private _shares;

    function totalShares() public view returns (uint256) {
        return _totalShares;
    }

    function totalUnderlying() public view returns (uint256) {
        return _totalUnderlying;
    }

    function sharesOf(address depositor) public view returns (uint256) {
        return _shares[depositor];
    }

    function queuedBalanceOf(address depositor) public view returns (uint256) {
        return _sharesToUnderlying(_shares[depositor]);
    }

    /// @dev shares = amount × totalShares ÷ totalUnderlying, 1:1 when the queue is empty.
    function _queueIn(address depositor, uint256 amount) internal returns (uint256 shares) {
        if (amount == 0) revert ZeroAmount();
        shares = _totalShares == 0 ? amount : Math.mulDiv(amount, _totalShares, _totalUnderlying);
        if (shares == 0) revert ZeroAmount();
        _totalShares += shares;
        _totalUnderlying += amount;
        _shares[depositor] += shares;
        emit Deposited(depositor, amount, shares);
    }

    /// @dev Complete exit only: every share of the depositor, valued at the current ratio.
    function _queueOut(address depositor) internal returns (uint256 amount) {
        uint256 shares = _shares[depositor];
        if (shares == 0) revert NothingQueued(depositor);
        amount = _sharesToUnderlying(shares);
        _totalShares -= shares;
        _totalUnderlying -= amount;
        _shares[depositor] = 0;
        emit Withdrawn(depositor, amount, shares);
    }

    /// @dev sharesToBurn = amount × totalShares ÷ totalUnderlying (rounded up), and the
    ///      depositor must hold them. Returns the shares burned.
    function _queueClaim(address depositor, uint256 amount) internal returns (uint256 sharesBurned) {
        if (amount == 0) revert ZeroAmount();
        uint256 shares = _shares[depositor];
        if (_totalUnderlying < amount) revert InsufficientQueuedBalance(depositor, amount, _sharesToUnderlying(shares));
        sharesBurned = Math.mulDiv(amount, _totalShares, _totalUnderlying, Math.Rounding.Ceil);
        if (sharesBurned > shares) revert InsufficientQueuedBalance(depositor, amount, _sharesToUnderlying(shares));
        _totalShares -= sharesBurned;
        _totalUnderlying -= amount;
        _shares[depositor] = shares - sharesBurned;
    }

    function _sharesToUnderlying(uint256 shares) private view returns (uint256) {
        if (shares == 0) return 0;
        return Math.mulDiv(shares, _totalUnderlying, _totalShares);
    }
}
