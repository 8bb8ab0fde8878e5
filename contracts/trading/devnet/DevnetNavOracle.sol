// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {INavOracle} from "../interfaces/INavOracle.sol";

/// @notice Devnet NAV feed: the issuer (owner) posts the fund's NAV; the time is the block's.
contract DevnetNavOracle is INavOracle, Ownable {
    uint256 private _priceWad;
    uint256 private _updatedAt;

    event NavSet(uint256 priceWad, uint256 updatedAt);

    constructor(address owner_, uint256 priceWad_) Ownable(owner_) {
        _priceWad = priceWad_;
        _updatedAt = block.timestamp;
    }

    function setPrice(uint256 priceWad_) external onlyOwner {
        _priceWad = priceWad_;
        _updatedAt = block.timestamp;
        emit NavSet(priceWad_, block.timestamp);
    }

    function latestPrice() external view returns (uint256 priceWad, uint256 updatedAt) {
        return (_priceWad, _updatedAt);
    }
}
