// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IIdentityNetwork} from "../../identity/interfaces/IIdentityNetwork.sol";

/// @title INFATFacility
/// @notice One NFAT Facility = one Term Halo Class: a per-depositor USDS queue, the ERC-721
///         NFATs (Halo Units) minted when lpha-nfat claims from that queue, and the redeem pool
///         the Halo funds per NFAT. The PAU Controller's facility actions and the beacons code
///         against this interface only.
/// @dev Roles (OpenZeppelin AccessControl role ids, see the implementation):
///      - CLAIMER_ROLE: the facility's lpha-nfat pBEAM (or the PAU contract acting for it) — claim.
///      - FUNDER_ROLE: whoever holds the Halo's USDS for repayments (normally the Halo ALMProxy,
///        driven by its Controller) — fund. USDS is pulled with transferFrom from msg.sender.
///      - WRITE_DOWN_ROLE: the Halo's GovOps — writeDown (loss recognition, never a payment).
///      - PAUSER_ROLE: the freezer — pause, and instant removal of a claimer or write-down key.
///      - DEFAULT_ADMIN_ROLE: the BEAMTimeLock — unpause, whitelist, role grants (all delayed).
///      Claims are rate limited on the Halo PAU's RateLimits under the key
///      keccak256(abi.encode(keccak256("LIMIT_NFAT_CLAIM"), facility)), configured like every
///      other PAU limit (through the Configurator); the facility holds CONTROLLER there.
///      Withdraw, fund and redeem are never paused: exits and repayments are not blockable.
interface INFATFacility {
    // ---------------------------------------------------------------- events (beacons observe)

    /// @notice A depositor queued USDS (one share per USDS).
    event Deposited(address indexed depositor, uint256 amount, uint256 shares);
    /// @notice A depositor left the queue with their whole balance.
    event Withdrawn(address indexed depositor, uint256 amount, uint256 shares);
    /// @notice lpha-nfat claimed `amount` from `depositor`'s queue: USDS went to the ALMProxy
    ///         (`almProxy()`, fixed at deployment) and NFAT `tokenId` (a Halo Unit whose Synome
    ///         unitId is `tokenId`) was minted to them. The queue shares burned equal `amount`.
    event Claimed(uint256 indexed tokenId, address indexed depositor, uint256 amount);
    /// @notice The Halo made `principalAmount + interestAmount` redeemable for `tokenId`:
    ///         `principalAmount` repays principal, `interestAmount` is yield (and any
    ///         late-funding penalty).
    event Funded(
        uint256 indexed tokenId,
        address indexed depositor,
        address indexed funder,
        uint256 principalAmount,
        uint256 interestAmount
    );
    /// @notice A loss was recognised: `principalAmount` of principal retired without payment.
    event WrittenDown(
        uint256 indexed tokenId,
        address indexed depositor,
        address indexed writer,
        uint256 principalAmount,
        uint256 principalRemaining
    );
    /// @notice The holder collected a payment that did not retire the whole principal: the NFAT
    ///         lives on with `principalRemaining` (amortizing "spend", or an interest-only payment).
    event Spent(
        uint256 indexed tokenId,
        address indexed depositor,
        address indexed holder,
        uint256 paid,
        uint256 principalReduced,
        uint256 principalRemaining
    );
    /// @notice The holder collected the final payment (or a write-down closed an unfunded unit,
    ///         `paid` = 0); the NFAT was burned.
    event Redeemed(uint256 indexed tokenId, address indexed depositor, address indexed holder, uint256 paid);
    event Paused(address account);
    event Unpaused(address account);
    /// @notice The freezer removed `account` from `role` (CLAIMER_ROLE or WRITE_DOWN_ROLE).
    event OperatorRemoved(bytes32 indexed role, address indexed account, address indexed freezer);
    event RateLimitsControllerRenounced(address indexed rateLimits);
    event WhitelistModeSet(bool enabled);
    event WhitelistUpdated(address indexed account, bool allowed);
    event IdentityNetworksSet(IIdentityNetwork[] networks);

    // ---------------------------------------------------------------- errors (named, no strings)

    error ZeroAmount();
    error ZeroAddress();
    error NothingQueued(address depositor);
    error InsufficientQueuedBalance(address depositor, uint256 requested, uint256 available);
    error UnknownToken(uint256 tokenId);
    error AlreadyRedeemed(uint256 tokenId);
    error NotFunded(uint256 tokenId);
    error NotHolder(uint256 tokenId, address caller, address holder);
    error PrincipalOverpaid(uint256 tokenId, uint256 principalAmount, uint256 principalUncovered);
    error WriteDownTooLarge(uint256 tokenId, uint256 principalAmount, uint256 principalUncovered);
    error EnforcedPause();
    error ExpectedPause();
    error RoleNotRemovableByFreezer(bytes32 role);
    error NotOperator(bytes32 role, address account);
    error ClaimerAlreadySet(address claimer);
    /// @dev Not raised by the facility itself: bubbled up from the PAU RateLimits when a claim
    ///      exceeds the claim limit; declared here so the facility's ABI decodes it.
    error RateLimitExceeded(bytes32 key, uint256 amount, uint256 available);
    error NotWhitelisted(address account);
    error TooManyIdentityNetworks(uint256 count, uint256 maxCount);

    // ---------------------------------------------------------------- queue (Primes)

    /// @notice Queue `amount` USDS (pulled from msg.sender). In whitelist mode msg.sender must
    ///         be whitelisted (an NFAT could never be minted to it otherwise).
    function deposit(uint256 amount) external returns (uint256 shares);

    /// @notice Leave the queue with the caller's whole balance. Works while paused.
    function withdraw() external returns (uint256 amount);

    // ---------------------------------------------------------------- Halo (lpha-nfat)

    /// @notice Claim `amount` of `depositor`'s queued USDS: sends it to the Facility ALMProxy and
    ///         mints the next NFAT to `depositor`. CLAIMER_ROLE only; rate limited; not when paused.
    function claim(address depositor, uint256 amount) external returns (uint256 tokenId);

    /// @notice Make `principalAmount + interestAmount` USDS (pulled from msg.sender) redeemable
    ///         by the holder of `tokenId`. `principalAmount` (≤ outstanding principal not yet
    ///         covered) is exactly the principal this payment retires; `interestAmount` is yield,
    ///         including any late-funding penalty. Covering all outstanding principal makes the
    ///         next redeem burn the NFAT. FUNDER_ROLE only; works while paused.
    function fund(uint256 tokenId, uint256 principalAmount, uint256 interestAmount) external;

    /// @notice Retire `principalAmount` of principal not covered by funding, without payment
    ///         (a recovery at a loss). WRITE_DOWN_ROLE only; not when paused.
    function writeDown(uint256 tokenId, uint256 principalAmount) external;

    // ---------------------------------------------------------------- holders

    /// @notice Pay the NFAT's whole funded amount to its holder (msg.sender). Burns the NFAT when
    ///         the funding retires all principal, otherwise reduces the principal ("spend").
    ///         Works while paused; there is no deadline (late redemption has no penalty).
    function redeem(uint256 tokenId) external returns (uint256 paid);

    // ---------------------------------------------------------------- views

    function usds() external view returns (address);
    function almProxy() external view returns (address);
    function nextTokenId() external view returns (uint256);
    function totalShares() external view returns (uint256);
    function totalUnderlying() external view returns (uint256);
    /// @notice USDS funded and not yet redeemed, over all NFATs.
    function totalFunded() external view returns (uint256);
    function paused() external view returns (bool);
    function sharesOf(address depositor) external view returns (uint256);
    /// @notice USDS the depositor would receive from withdraw() now.
    function queuedBalanceOf(address depositor) external view returns (uint256);
    /// @notice On-chain data of a live NFAT (reverts UnknownToken / AlreadyRedeemed otherwise).
    function unitOf(uint256 tokenId)
        external
        view
        returns (address facility, uint256 principal, address depositor, uint256 mintedAt);
    /// @notice Funded-and-unredeemed USDS of a NFAT, and how much of it repays principal.
    function fundingOf(uint256 tokenId) external view returns (uint256 amount, uint256 principalPaid);
    /// @notice USDS that can be claimed right now under the claim rate limit.
    function claimCapacity() external view returns (uint256);
    /// @notice The RateLimits contract and key that bound claims.
    function rateLimits() external view returns (address);
    function claimRateLimitKey() external view returns (bytes32);
    function whitelistEnabled() external view returns (bool);
    /// @notice The one CLAIMER_ROLE holder (zero after the freezer removed it).
    function claimer() external view returns (address);
    function isWhitelisted(address account) external view returns (bool);
}
