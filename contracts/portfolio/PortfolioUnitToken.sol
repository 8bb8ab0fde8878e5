// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Cloneable} from "../factory/Cloneable.sol";

/// @title PortfolioUnitToken
/// @notice The ERC-20 share of one Portfolio Halo Unit. Only its Portfolio Halo Class mints and
///         burns, and the class does so only inside a settlement of the unit's own LCTS queues
///         (see PortfolioHaloClass.convert). Deployed directly (constructor) or as a
///         HaloFactory clone whose name, symbol and class are set once by `initialize` in the
///         factory's transaction; a constructor given the zero class deploys the locked template
///         implementation.
contract PortfolioUnitToken is ERC20, Cloneable {
    string private _tokenName;
    string private _tokenSymbol;
    /// @notice The Portfolio Halo Class that mints and burns this unit's shares.
    address public haloClass;

    error NotHaloClass(address caller);
    error ZeroAddress();

    constructor(string memory name_, string memory symbol_, address haloClass_) ERC20("", "") {
        _disableInitializers();
        _setUp(name_, symbol_, haloClass_);
    }

    function initialize(string calldata name_, string calldata symbol_, address haloClass_) external initializer onlyClone {
        if (haloClass_ == address(0)) revert ZeroAddress();
        _setUp(name_, symbol_, haloClass_);
    }

    function _setUp(string memory name_, string memory symbol_, address haloClass_) private {
        _tokenName = name_;
        _tokenSymbol = symbol_;
        haloClass = haloClass_;
    }

    modifier onlyHaloClass() {
        if (msg.sender != haloClass) revert NotHaloClass(msg.sender);
        _;
    }

    function name() public view override returns (string memory) {
        return _tokenName;
    }

    function symbol() public view override returns (string memory) {
        return _tokenSymbol;
    }

    function mint(address to, uint256 amount) external onlyHaloClass {
        _mint(to, amount);
    }

    /// @notice Burns shares the class holds (those a redeem queue just paid it).
    function burn(uint256 amount) external onlyHaloClass {
        _burn(msg.sender, amount);
    }
}
