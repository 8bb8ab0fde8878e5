// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {INFATFacility} from "./interfaces/INFATFacility.sol";

/// @title NFATQueue
/// @notice Per-depositor queue accounting of an NFAT Facility: the LCTS share rule without
///         generations (claims are selective, not batched), specialised to a queue asset that
///         earns nothing.
/// @dev Pure bookkeeping: no token moves here, the facility moves USDS after the books change
///      (checks-effects-interactions). With USDS (the seed's queue asset, non-yielding) the
///      share rule `amount × totalShares ÷ totalUnderlying` always gives 1 share per USDS:
///      totalShares and totalUnderlying are equal at every step, so only one total is stored
///      (a gas saving on every deposit, withdraw and claim; see docs/nfat.md). A yield-bearing
///      queue asset would need the second total back.
abstract contract NFATQueue is INFATFacility {
    uint256 private _totalUnderlying;
    mapping(address depositor => uint256) private _shares;

    /// @notice Equal to totalUnderlying: one share per queued USDS.
    function totalShares() public view returns (uint256) {
        return _totalUnderlying;
    }

    function totalUnderlying() public view returns (uint256) {
        return _totalUnderlying;
    }

    function sharesOf(address depositor) public view returns (uint256) {
        return _shares[depositor];
    }

    function queuedBalanceOf(address depositor) public view returns (uint256) {
        return _shares[depositor];
    }

    /// @dev shares = amount (1 share per USDS, see the contract comment).
    function _queueIn(address depositor, uint256 amount) internal returns (uint256 shares) {
        if (amount == 0) revert ZeroAmount();
        shares = amount;
        _totalUnderlying += amount;
        _shares[depositor] += shares;
        emit Deposited(depositor, amount, shares);
    }

    /// @dev Complete exit only: every share of the depositor.
    function _queueOut(address depositor) internal returns (uint256 amount) {
        uint256 shares = _shares[depositor];
        if (shares == 0) revert NothingQueued(depositor);
        amount = shares;
        _totalUnderlying -= amount;
        _shares[depositor] = 0;
        emit Withdrawn(depositor, amount, shares);
    }

    /// @dev Burns `amount` (> 0) shares of the depositor, who must hold them.
    function _queueClaim(address depositor, uint256 amount) internal {
        if (amount == 0) revert ZeroAmount();
        uint256 shares = _shares[depositor];
        if (amount > shares) revert InsufficientQueuedBalance(depositor, amount, shares);
        unchecked {
            _totalUnderlying -= amount; // amount ≤ shares ≤ totalUnderlying
            _shares[depositor] = shares - amount;
        }
    }
}
