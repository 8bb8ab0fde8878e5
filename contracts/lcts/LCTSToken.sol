// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ILCTSRateSource} from "./interfaces/ILCTSRateSource.sol";
import {Cloneable} from "../factory/Cloneable.sol";

/// @title LCTSToken
/// @notice A risk-capital token issued through LCTS queues (srUSDS, a Prime's TEJRC or TISRC).
///         Only its Holding System mints and burns, and the Holding System does so only inside
///         a queue settlement. exchangeRate() is the Fixed Rates interface of lcts.md: the
///         underlying (in underlying precision) that 1e18 tokens are worth, set at settlement.
/// @dev Deployed directly (constructor, the holding system an immutable) or as a Halo Factory
///      clone (a Trading Halo Unit's share token, TradingPoolFactory) whose holding system is its
///      immutable arg and whose name and symbol are set once by `initialize` in the factory's
///      transaction; a constructor given the zero holding system deploys the locked template
///      implementation.
contract LCTSToken is ERC20, Cloneable {
    address private immutable _holdingSystem;
    string private _cloneName;
    string private _cloneSymbol;

    error NotHoldingSystem(address caller);

    constructor(string memory name_, string memory symbol_, address holdingSystem_) ERC20(name_, symbol_) {
        _disableInitializers();
        _holdingSystem = holdingSystem_;
    }

    /// @notice A clone's name and symbol (its holding system is its immutable arg).
    function initialize(string calldata name_, string calldata symbol_) external initializer onlyClone {
        _cloneName = name_;
        _cloneSymbol = symbol_;
    }

    /// @notice The contract that mints, burns and prices this token.
    function holdingSystem() public view returns (address) {
        if (!_isClone()) return _holdingSystem;
        return abi.decode(_cloneArgs(), (address));
    }

    modifier onlyHoldingSystem() {
        if (msg.sender != holdingSystem()) revert NotHoldingSystem(msg.sender);
        _;
    }

    function name() public view override returns (string memory) {
        return _isClone() ? _cloneName : super.name();
    }

    function symbol() public view override returns (string memory) {
        return _isClone() ? _cloneSymbol : super.symbol();
    }

    function exchangeRate() external view returns (uint256) {
        return ILCTSRateSource(holdingSystem()).exchangeRateWad();
    }

    function mint(address to, uint256 amount) external onlyHoldingSystem {
        _mint(to, amount);
    }

    function burn(uint256 amount) external onlyHoldingSystem {
        _burn(msg.sender, amount);
    }
}
