// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

/// @notice Named rate-limit actions and the key derivation every PAU contract and off-chain
///         tool uses: key = keccak256(abi.encode(action, target...)). One action name per
///         controller function; the targets make the limit specific to a vault, facility,
///         destination or queue, so an allowance for one target never covers another.
/// @dev Mirrored in src/domain/rateLimits.ts (tests check both derive the same bytes32).
library RateLimitKeys {
    /// USDS → USDC through the PSM, measured in USDS (18 decimals). Refunded by USDC → USDS.
    bytes32 internal constant LIMIT_USDS_TO_USDC = keccak256("LIMIT_USDS_TO_USDC");
    /// USDC → USDS through the PSM, measured in USDS (18 decimals).
    bytes32 internal constant LIMIT_USDC_TO_USDS = keccak256("LIMIT_USDC_TO_USDS");
    /// Transfer of `asset` to one allow-listed `destination`, in the asset's units.
    bytes32 internal constant LIMIT_ASSET_TRANSFER = keccak256("LIMIT_ASSET_TRANSFER");
    /// ERC-4626 deposit into `vault`, in asset units. Refunded by withdrawals.
    bytes32 internal constant LIMIT_4626_DEPOSIT = keccak256("LIMIT_4626_DEPOSIT");
    /// ERC-4626 withdrawal from `vault`, in asset units.
    bytes32 internal constant LIMIT_4626_WITHDRAW = keccak256("LIMIT_4626_WITHDRAW");
    /// Deposit of USDS into a facility queue (Prime side), in USDS. Refunded by withdrawals.
    bytes32 internal constant LIMIT_FACILITY_DEPOSIT = keccak256("LIMIT_FACILITY_DEPOSIT");
    /// Withdrawal of queued USDS from a facility queue, in USDS.
    bytes32 internal constant LIMIT_FACILITY_WITHDRAW = keccak256("LIMIT_FACILITY_WITHDRAW");
    /// Redemption of an NFAT the proxy holds (Prime side), in USDS received. An inflow, but
    /// still keyed: the key allow-lists the facility, so a relayer cannot call arbitrary ones.
    bytes32 internal constant LIMIT_FACILITY_REDEEM = keccak256("LIMIT_FACILITY_REDEEM");
    /// Claims of queued USDS by an NFAT Facility (Halo side), in USDS. Consumed by the facility
    /// itself, which holds CONTROLLER on the Halo PAU's RateLimits; key = (action, facility).
    bytes32 internal constant LIMIT_NFAT_CLAIM = keccak256("LIMIT_NFAT_CLAIM");
    /// Funding of a redeem contract (Halo side): the principal part, in USDS. Separate from the
    /// interest part (as in Spark's NFAT facet), so a relayer cannot retire principal out of
    /// the interest budget nor the other way round.
    bytes32 internal constant LIMIT_REDEEM_FUND_PRINCIPAL = keccak256("LIMIT_REDEEM_FUND_PRINCIPAL");
    /// Funding of a redeem contract: the interest part (yield, late-funding penalty), in USDS.
    bytes32 internal constant LIMIT_REDEEM_FUND_INTEREST = keccak256("LIMIT_REDEEM_FUND_INTEREST");
    /// Approve `asset` to `target` and call one function selector on it (LCTS queues).
    bytes32 internal constant LIMIT_APPROVE_AND_CALL = keccak256("LIMIT_APPROVE_AND_CALL");
    /// Attestation-gated off-ramp of `asset` to one `destination` for a sleeve, in the asset's
    /// units. A separate action from LIMIT_ASSET_TRANSFER: a destination keyed here is reachable
    /// only with a current PRE_DEPLOYMENT attestation.
    bytes32 internal constant LIMIT_SLEEVE_OFFRAMP = keccak256("LIMIT_SLEEVE_OFFRAMP");

    function makeKey(bytes32 action, address target) internal pure returns (bytes32) {
        return keccak256(abi.encode(action, target));
    }

    function makeKey(bytes32 action, address asset, address target) internal pure returns (bytes32) {
        return keccak256(abi.encode(action, asset, target));
    }

    function makeKey(bytes32 action, address asset, address target, bytes4 selector) internal pure returns (bytes32) {
        return keccak256(abi.encode(action, asset, target, selector));
    }
}
