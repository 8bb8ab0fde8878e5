// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";

/// @notice What a contract needs to run both ways: deployed directly with its constructor
///         (immutables, as every hand-written deployment does) and as an EIP-1167 clone made by
///         the HaloFactory (`Clones.cloneDeterministicWithImmutableArgs`), initialised once in
///         the factory's transaction.
/// @dev A clone runs the implementation's code by delegatecall, so `address(this)` differs from
///      the implementation's own address, captured here as an immutable. A clone reads the
///      values a direct deployment keeps in immutables from the args appended to its code
///      (EXTCODECOPY of itself: warm, a few hundred gas), so nothing a hot path reads moves to
///      storage. Constructors end with `_disableInitializers()`, so neither a direct deployment
///      nor a template implementation can be initialised; a clone's storage starts empty and
///      `initializer` lets it be initialised exactly once.
abstract contract Cloneable is Initializable {
    address private immutable _self = address(this);

    error NotAClone();

    /// @dev True when running as a clone (delegatecall from a minimal proxy).
    function _isClone() internal view returns (bool) {
        return address(this) != _self;
    }

    /// @dev The immutable args of this clone (only meaningful when `_isClone()`).
    function _cloneArgs() internal view returns (bytes memory) {
        return Clones.fetchCloneArgs(address(this));
    }

    /// @dev For `initialize`: only a clone has state to initialise.
    modifier onlyClone() {
        if (!_isClone()) revert NotAClone();
        _;
    }
}
