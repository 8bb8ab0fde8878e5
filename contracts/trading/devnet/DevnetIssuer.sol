// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IIssuerRedemption} from "../interfaces/IIssuerRedemption.sol";
import {INavOracle} from "../interfaces/INavOracle.sol";

/// @notice Devnet issuer simulator: takes fund shares for redemption now and pays their NAV in
///         USDS (from its own reserve) once `settlementDelaySeconds` have passed (T+1 = 1 day).
///         Anyone may settle a due request, as the issuer's back office would.
contract DevnetIssuer is IIssuerRedemption {
    using SafeERC20 for IERC20;

    struct Request {
        address holder;
        uint256 amount;
        uint256 dueAt;
        uint256 paid;
        bool settled;
    }

    IERC20 public immutable usds;
    IERC20 public immutable share;
    INavOracle public immutable oracle;
    uint256 public immutable settlementDelaySeconds;
    uint256 private immutable _shareScale;
    uint256 public nextRequestId = 1;
    mapping(uint256 requestId => Request) public requests;

    error ZeroAmount();
    error UnknownRequest(uint256 requestId);
    error NotDue(uint256 requestId, uint256 dueAt);
    error AlreadySettled(uint256 requestId);

    event RedemptionRequested(uint256 indexed requestId, address indexed holder, uint256 amount, uint256 dueAt);
    event RedemptionSettled(uint256 indexed requestId, address indexed holder, uint256 amount, uint256 usdsPaid);

    constructor(IERC20 usds_, IERC20 share_, INavOracle oracle_, uint256 settlementDelaySeconds_) {
        usds = usds_;
        share = share_;
        oracle = oracle_;
        settlementDelaySeconds = settlementDelaySeconds_;
        _shareScale = 10 ** IERC20Metadata(address(share_)).decimals();
    }

    function requestRedemption(uint256 amount) external returns (uint256 requestId) {
        if (amount == 0) revert ZeroAmount();
        share.safeTransferFrom(msg.sender, address(this), amount);
        requestId = nextRequestId++;
        uint256 dueAt = block.timestamp + settlementDelaySeconds;
        requests[requestId] = Request(msg.sender, amount, dueAt, 0, false);
        emit RedemptionRequested(requestId, msg.sender, amount, dueAt);
    }

    /// @notice Pays a due request at the NAV of the settlement day (rounded down).
    function settle(uint256 requestId) external returns (uint256 usdsPaid) {
        Request storage r = requests[requestId];
        if (r.holder == address(0)) revert UnknownRequest(requestId);
        if (r.settled) revert AlreadySettled(requestId);
        if (block.timestamp < r.dueAt) revert NotDue(requestId, r.dueAt);
        (uint256 priceWad,) = oracle.latestPrice();
        usdsPaid = (r.amount * priceWad) / _shareScale;
        r.settled = true;
        r.paid = usdsPaid;
        usds.safeTransfer(r.holder, usdsPaid);
        emit RedemptionSettled(requestId, r.holder, r.amount, usdsPaid);
    }

    function isSettled(uint256 requestId) external view returns (bool) {
        return requests[requestId].settled;
    }
}
