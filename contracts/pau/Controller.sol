// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {AccessControlEnumerable} from "@openzeppelin/contracts/access/extensions/AccessControlEnumerable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";

import {ALMProxy} from "./ALMProxy.sol";
import {RateLimits} from "./RateLimits.sol";
import {RateLimitKeys} from "./RateLimitKeys.sol";
import {IPauFacilityQueue, IPauRedeemFunding} from "./interfaces/IPauFacilityQueue.sol";
import {IAttestationGate} from "./interfaces/IAttestationGate.sol";
import {Cloneable} from "../factory/Cloneable.sol";

interface IPauPSM {
    function swapUSDSToUSDC(uint256 usdsAmount) external returns (uint256);
    function swapUSDCToUSDS(uint256 usdcAmount) external returns (uint256);
}

/// @notice The PAU's entry point (same code for Halo and Prime PAUs). The relayer (pBEAM) is
///         assumed compromisable: every action it can take moves funds only from the ALMProxy
///         to a target named in a rate-limit key, and consumes that key by the balance change
///         the ALMProxy actually saw, so a misreporting target cannot under-consume.
///         The freezer can remove a relayer; the admin (the Configurator) sets roles and
///         static parameters. Role members are enumerable so the Configurator's brake can
///         revoke every relayer in one call.
/// @dev Deployed directly (constructor, immutables) or as a HaloFactory clone whose immutable
///      args are (proxy, rateLimits, usds, usdc, psm, rescueRecipient) and whose admin is set by
///      `initialize`; a constructor given only zero addresses deploys the locked template
///      implementation.
contract Controller is AccessControlEnumerable, ReentrancyGuardTransient, Cloneable {
    bytes32 public constant RELAYER = keccak256("RELAYER");
    bytes32 public constant FREEZER = keccak256("FREEZER");

    ALMProxy private immutable _proxy;
    RateLimits private immutable _rateLimits;
    IERC20 private immutable _usds;
    IERC20 private immutable _usdc;
    IPauPSM private immutable _psm;
    address private immutable _rescueRecipient;

    /// @notice Per ERC-4626 vault: minimum value of shares received per asset deposited (1e18 = 100%).
    ///         Zero means the vault is not onboarded for deposits.
    mapping(address vault => uint256) public maxSlippages;
    /// @notice Per ERC-4626 vault: the most assets a deposit may pay per share (1e18 = 1 asset
    ///         unit per share unit), set by governance: the expectation the vault's own
    ///         `convertToAssets` cannot move. Zero means the vault is not onboarded for deposits.
    mapping(address vault => uint256) public maxExchangeRates;
    /// @notice The attestation registry gating `transferForSleeve` (unset: the gated off-ramp is closed).
    IAttestationGate public attestationRegistry;
    /// @notice What left through `transferForSleeve` per (sleeve, offboarding round), in asset units.
    mapping(bytes32 sleeveId => mapping(uint64 round => uint256)) public sleeveOffRamped;

    error ZeroAmount();
    error ZeroAddress();
    error NotRelayer(address account);
    error SlippageNotSet(address vault);
    error SlippageTooHigh(address vault, uint256 assetsIn, uint256 sharesValue);
    error ExchangeRateNotSet(address vault);
    error ExchangeRateTooHigh(address vault, uint256 assetsIn, uint256 sharesOut);
    error SharesTooHigh(address vault, uint256 sharesIn, uint256 maxSharesIn);
    error InvalidSlippage(uint256 maxSlippage);
    error ApproveFailed(address token, address spender);
    error TransferFailed(address token, address destination);
    error CallRefused(address target, bytes4 selector);
    error AttestationRegistryNotSet();
    error NoCurrentAttestation(bytes32 sleeveId, uint64 round);
    error AttestedAmountExceeded(bytes32 sleeveId, uint64 round, uint256 total, uint256 attested);
    error NothingSpent(bytes32 key);
    error AllowanceNotCleared(address token, address spender, uint256 allowance);

    event RelayerRemoved(address indexed relayer, address indexed freezer);
    event MaxSlippageSet(address indexed vault, uint256 maxSlippage);
    event MaxExchangeRateSet(address indexed vault, uint256 maxExchangeRate);
    event TokenRescued(address indexed token, address indexed recipient, uint256 amount);
    event AttestationRegistrySet(address indexed registry);
    event SleeveOffRamped(
        bytes32 indexed sleeveId, uint64 indexed round, address indexed destination, address asset, uint256 amount, bytes32 contentHash
    );

    constructor(
        address admin,
        ALMProxy proxy_,
        RateLimits rateLimits_,
        IERC20 usds_,
        IERC20 usdc_,
        IPauPSM psm_,
        address rescueRecipient_
    ) {
        _disableInitializers();
        bool implementation = admin == address(0) && address(proxy_) == address(0) && address(rateLimits_) == address(0)
            && address(usds_) == address(0) && address(usdc_) == address(0) && address(psm_) == address(0)
            && rescueRecipient_ == address(0);
        if (implementation) return;
        _requireConfig(proxy_, rateLimits_, usds_, usdc_, psm_, rescueRecipient_);
        if (admin == address(0)) revert ZeroAddress();
        _rescueRecipient = rescueRecipient_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _proxy = proxy_;
        _rateLimits = rateLimits_;
        _usds = usds_;
        _usdc = usdc_;
        _psm = psm_;
    }

    /// @notice A clone's one initialisation: its admin (the Configurator). The rest of its
    ///         configuration is in the clone's immutable args.
    function initialize(address admin) external initializer onlyClone {
        if (admin == address(0)) revert ZeroAddress();
        (ALMProxy proxy_, RateLimits rateLimits_, IERC20 usds_, IERC20 usdc_, IPauPSM psm_, address rescueRecipient_) = _args();
        _requireConfig(proxy_, rateLimits_, usds_, usdc_, psm_, rescueRecipient_);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ---------------------------------------------------------------- configuration

    function proxy() public view returns (ALMProxy) {
        if (!_isClone()) return _proxy;
        (ALMProxy proxy_,,,,,) = _args();
        return proxy_;
    }

    function rateLimits() public view returns (RateLimits) {
        if (!_isClone()) return _rateLimits;
        (, RateLimits rateLimits_,,,,) = _args();
        return rateLimits_;
    }

    function usds() public view returns (IERC20) {
        if (!_isClone()) return _usds;
        (,, IERC20 usds_,,,) = _args();
        return usds_;
    }

    function usdc() public view returns (IERC20) {
        if (!_isClone()) return _usdc;
        (,,, IERC20 usdc_,,) = _args();
        return usdc_;
    }

    function psm() public view returns (IPauPSM) {
        if (!_isClone()) return _psm;
        (,,,, IPauPSM psm_,) = _args();
        return psm_;
    }

    /// @notice Where `rescueToken` sends tokens stuck in the proxy: a governance address.
    function rescueRecipient() public view returns (address) {
        if (!_isClone()) return _rescueRecipient;
        (,,,,, address rescueRecipient_) = _args();
        return rescueRecipient_;
    }

    function _args() private view returns (ALMProxy, RateLimits, IERC20, IERC20, IPauPSM, address) {
        return abi.decode(_cloneArgs(), (ALMProxy, RateLimits, IERC20, IERC20, IPauPSM, address));
    }

    function _requireConfig(
        ALMProxy proxy_,
        RateLimits rateLimits_,
        IERC20 usds_,
        IERC20 usdc_,
        IPauPSM psm_,
        address rescueRecipient_
    ) private pure {
        if (
            address(proxy_) == address(0) || address(rateLimits_) == address(0) || address(usds_) == address(0)
                || address(usdc_) == address(0) || address(psm_) == address(0) || rescueRecipient_ == address(0)
        ) revert ZeroAddress();
    }

    // ---------------------------------------------------------------- admin and freezer

    /// @notice Freezer's emergency brake: instantly removes a (possibly compromised) relayer.
    function removeRelayer(address relayer) external onlyRole(FREEZER) {
        if (!hasRole(RELAYER, relayer)) revert NotRelayer(relayer);
        _revokeRole(RELAYER, relayer);
        emit RelayerRemoved(relayer, msg.sender);
    }

    function setMaxSlippage(address vault, uint256 maxSlippage) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (maxSlippage > 1e18) revert InvalidSlippage(maxSlippage);
        maxSlippages[vault] = maxSlippage;
        emit MaxSlippageSet(vault, maxSlippage);
    }

    function setMaxExchangeRate(address vault, uint256 maxExchangeRate) external onlyRole(DEFAULT_ADMIN_ROLE) {
        maxExchangeRates[vault] = maxExchangeRate;
        emit MaxExchangeRateSet(vault, maxExchangeRate);
    }

    function setAttestationRegistry(IAttestationGate registry) external onlyRole(DEFAULT_ADMIN_ROLE) {
        attestationRegistry = registry;
        emit AttestationRegistrySet(address(registry));
    }

    /// @notice Sends `amount` of a token stuck in the proxy to `rescueRecipient` (governance).
    ///         Admin only, i.e. an exact call governance approved through the timelock.
    function rescueToken(IERC20 token, uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) nonReentrant {
        _requireAmount(amount);
        emit TokenRescued(address(token), rescueRecipient(), _send(address(token), rescueRecipient(), amount));
    }

    // ---------------------------------------------------------------- PSM

    function swapUSDSToUSDC(uint256 usdsAmount) external onlyRole(RELAYER) nonReentrant {
        _requireAmount(usdsAmount);
        _approve(usds(), address(psm()), usdsAmount);
        uint256 before = _balance(usds());
        proxy().doCall(address(psm()), abi.encodeCall(IPauPSM.swapUSDSToUSDC, (usdsAmount)));
        _approve(usds(), address(psm()), 0);
        rateLimits().triggerRateLimitDecrease(RateLimitKeys.LIMIT_USDS_TO_USDC, before - _balance(usds()));
    }

    /// @dev Pairs with USDS → USDC: swapping back gives that capacity back.
    function swapUSDCToUSDS(uint256 usdcAmount) external onlyRole(RELAYER) nonReentrant {
        _requireAmount(usdcAmount);
        _approve(usdc(), address(psm()), usdcAmount);
        uint256 before = _balance(usds());
        proxy().doCall(address(psm()), abi.encodeCall(IPauPSM.swapUSDCToUSDS, (usdcAmount)));
        _approve(usdc(), address(psm()), 0);
        uint256 received = _balance(usds()) - before;
        rateLimits().triggerRateLimitDecrease(RateLimitKeys.LIMIT_USDC_TO_USDS, received);
        rateLimits().triggerRateLimitIncrease(RateLimitKeys.LIMIT_USDS_TO_USDC, received);
    }

    // ---------------------------------------------------------------- transfers

    /// @notice Sends `asset` to `destination` (an off-ramp or bank endpoint). The destination
    ///         is allow-listed exactly when its rate-limit key has capacity.
    function transferAsset(address asset, address destination, uint256 amount) external onlyRole(RELAYER) nonReentrant {
        _requireAmount(amount);
        uint256 spent = _send(asset, destination, amount);
        rateLimits().triggerRateLimitDecrease(RateLimitKeys.makeKey(RateLimitKeys.LIMIT_ASSET_TRANSFER, asset, destination), spent);
    }

    /// @notice A sleeve's off-ramp: sends `asset` to `destination` only while the registry holds a
    ///         current (newest, unrevoked) PRE_DEPLOYMENT attestation for `sleeveId` and `round`,
    ///         and only up to the amount it names, summed over every call for that round. Keyed by
    ///         LIMIT_SLEEVE_OFFRAMP(asset, destination), consumed by the balance change.
    function transferForSleeve(bytes32 sleeveId, uint64 round, address asset, address destination, uint256 amount)
        external
        onlyRole(RELAYER)
        nonReentrant
    {
        _requireAmount(amount);
        (uint256 attested, bytes32 contentHash) = _currentAttestation(sleeveId, round);
        uint256 spent = _send(asset, destination, amount);
        uint256 total = sleeveOffRamped[sleeveId][round] + spent;
        if (total > attested) revert AttestedAmountExceeded(sleeveId, round, total, attested);
        sleeveOffRamped[sleeveId][round] = total;
        rateLimits().triggerRateLimitDecrease(RateLimitKeys.makeKey(RateLimitKeys.LIMIT_SLEEVE_OFFRAMP, asset, destination), spent);
        emit SleeveOffRamped(sleeveId, round, destination, asset, spent, contentHash);
    }

    function _currentAttestation(bytes32 sleeveId, uint64 round) private view returns (uint256 attested, bytes32 contentHash) {
        IAttestationGate registry = attestationRegistry;
        if (address(registry) == address(0)) revert AttestationRegistryNotSet();
        bool current;
        (current, attested, contentHash) = registry.preDeploymentOf(sleeveId, round);
        if (!current) revert NoCurrentAttestation(sleeveId, round);
    }

    /// @dev Transfers `amount` of `asset` from the proxy; returns what actually left it.
    function _send(address asset, address destination, uint256 amount) private returns (uint256 spent) {
        uint256 before = _balance(IERC20(asset));
        bytes memory result = proxy().doCall(asset, abi.encodeCall(IERC20.transfer, (destination, amount)));
        if (result.length != 0 && !abi.decode(result, (bool))) revert TransferFailed(asset, destination);
        spent = before - _balance(IERC20(asset));
    }

    // ---------------------------------------------------------------- ERC-4626

    /// @notice Deposits `assets` into `vault` for the proxy. Shares are counted by the proxy's
    ///         share balance, not the vault's return value. Reverts unless (1) the assets paid
    ///         per share stay within governance's `maxExchangeRates[vault]` (an expectation
    ///         the vault cannot report away) and (2) the shares are worth at least
    ///         `maxSlippages[vault]` of what went in by the vault's own `convertToAssets`.
    ///         Either check stops the donation attack behind Type 1.
    function depositERC4626(address vault, uint256 assets) external onlyRole(RELAYER) nonReentrant returns (uint256 shares) {
        _requireAmount(assets);
        uint256 maxSlippage = maxSlippages[vault];
        if (maxSlippage == 0) revert SlippageNotSet(vault);
        uint256 maxExchangeRate = maxExchangeRates[vault];
        if (maxExchangeRate == 0) revert ExchangeRateNotSet(vault);
        IERC20 asset = IERC20(IERC4626(vault).asset());
        _approve(asset, vault, assets);
        uint256 before = _balance(asset);
        uint256 sharesBefore = _balance(IERC20(vault));
        proxy().doCall(vault, abi.encodeCall(IERC4626.deposit, (assets, address(proxy()))));
        _approve(asset, vault, 0); // a vault that took less must not keep an allowance
        uint256 spent = before - _balance(asset);
        shares = _balance(IERC20(vault)) - sharesBefore;
        if (spent * 1e18 > shares * maxExchangeRate) revert ExchangeRateTooHigh(vault, spent, shares);
        uint256 sharesValue = IERC4626(vault).convertToAssets(shares);
        if (sharesValue * 1e18 < spent * maxSlippage) revert SlippageTooHigh(vault, spent, sharesValue);
        rateLimits().triggerRateLimitDecrease(RateLimitKeys.makeKey(RateLimitKeys.LIMIT_4626_DEPOSIT, vault), spent);
    }

    /// @dev Pairs with deposit: what comes back restores deposit capacity. At most
    ///      `maxSharesIn` shares may be burned (counted by the proxy's share balance).
    function withdrawERC4626(address vault, uint256 assets, uint256 maxSharesIn)
        external
        onlyRole(RELAYER)
        nonReentrant
        returns (uint256 shares)
    {
        _requireAmount(assets);
        IERC20 asset = IERC20(IERC4626(vault).asset());
        uint256 before = _balance(asset);
        uint256 sharesBefore = _balance(IERC20(vault));
        proxy().doCall(vault, abi.encodeCall(IERC4626.withdraw, (assets, address(proxy()), address(proxy()))));
        shares = sharesBefore - _balance(IERC20(vault));
        if (shares > maxSharesIn) revert SharesTooHigh(vault, shares, maxSharesIn);
        uint256 received = _balance(asset) - before;
        rateLimits().triggerRateLimitDecrease(RateLimitKeys.makeKey(RateLimitKeys.LIMIT_4626_WITHDRAW, vault), received);
        rateLimits().triggerRateLimitIncrease(RateLimitKeys.makeKey(RateLimitKeys.LIMIT_4626_DEPOSIT, vault), received);
    }

    // ---------------------------------------------------------------- NFAT Facility (USDS)

    /// @notice Prime side: queues `amount` USDS in a Halo's facility.
    function depositToFacility(address facility, uint256 amount) external onlyRole(RELAYER) nonReentrant {
        _requireAmount(amount);
        _approve(usds(), facility, amount);
        uint256 before = _balance(usds());
        proxy().doCall(facility, abi.encodeCall(IPauFacilityQueue.deposit, (amount)));
        _approve(usds(), facility, 0);
        bytes32 key = RateLimitKeys.makeKey(RateLimitKeys.LIMIT_FACILITY_DEPOSIT, facility);
        rateLimits().triggerRateLimitDecrease(key, before - _balance(usds()));
    }

    /// @notice Prime side: takes back this proxy's queued USDS; restores deposit capacity.
    function withdrawFromFacility(address facility) external onlyRole(RELAYER) nonReentrant returns (uint256 received) {
        received = _usdsInflow(facility, abi.encodeCall(IPauFacilityQueue.withdraw, ()), RateLimitKeys.LIMIT_FACILITY_WITHDRAW);
        rateLimits().triggerRateLimitIncrease(RateLimitKeys.makeKey(RateLimitKeys.LIMIT_FACILITY_DEPOSIT, facility), received);
    }

    /// @notice Prime side: redeems NFAT `tokenId`, held by this proxy, for the USDS the Halo
    ///         funded to it. The facility must have a redeem key (an unknown facility has no
    ///         capacity and reverts). Deposit capacity is not given back: the deposit limit
    ///         paces new exposure and refills by its slope, whereas a withdrawal only undoes a
    ///         deposit that never became exposure.
    function redeemFromFacility(address facility, uint256 tokenId) external onlyRole(RELAYER) nonReentrant returns (uint256 received) {
        received = _usdsInflow(facility, abi.encodeCall(IPauFacilityQueue.redeem, (tokenId)), RateLimitKeys.LIMIT_FACILITY_REDEEM);
    }

    /// @notice Halo side: pays `principalAmount + interestAmount` USDS into the redeem contract
    ///         for NFAT `tokenId`; the facility retires exactly `principalAmount` of principal.
    ///         Each part consumes its own key for that redeem contract (a zero part consumes
    ///         nothing); what left the proxy beyond the principal part counts as interest.
    function fundRedeem(address redeem, uint256 tokenId, uint256 principalAmount, uint256 interestAmount)
        external
        onlyRole(RELAYER)
        nonReentrant
    {
        uint256 total = principalAmount + interestAmount;
        _requireAmount(total);
        _approve(usds(), redeem, total);
        uint256 before = _balance(usds());
        proxy().doCall(redeem, abi.encodeCall(IPauRedeemFunding.fund, (tokenId, principalAmount, interestAmount)));
        _approve(usds(), redeem, 0);
        uint256 spent = before - _balance(usds());
        if (principalAmount != 0) {
            bytes32 principalKey = RateLimitKeys.makeKey(RateLimitKeys.LIMIT_REDEEM_FUND_PRINCIPAL, redeem);
            rateLimits().triggerRateLimitDecrease(principalKey, principalAmount);
        }
        if (spent > principalAmount) {
            bytes32 interestKey = RateLimitKeys.makeKey(RateLimitKeys.LIMIT_REDEEM_FUND_INTEREST, redeem);
            rateLimits().triggerRateLimitDecrease(interestKey, spent - principalAmount);
        }
    }

    // ---------------------------------------------------------------- LCTS queues

    /// @notice Approves up to `amount` of `asset` to `target`, makes one call whose function
    ///         selector is part of the key, then clears the approval and checks it is 0.
    ///         Consumes what left the proxy. The arguments are the relayer's, so the call may
    ///         not be one that hands out value without moving `asset`: the asset itself is
    ///         never a target, approve-like and transfer selectors (approve, increaseAllowance,
    ///         setApprovalForAll, transfer, transferFrom, safeTransferFrom, permit) are refused
    ///         whatever key governance set, and a call that moves none of `asset` is refused
    ///         rather than repeating for free. Only selectors that credit the caller (an LCTS
    ///         `subscribe(amount)`) should get a limit; prefer a typed action where one exists.
    function approveAndCall(address asset, address target, uint256 amount, bytes calldata data)
        external
        onlyRole(RELAYER)
        nonReentrant
        returns (bytes memory result)
    {
        _requireAmount(amount);
        bytes4 selector = bytes4(data);
        if (target == asset || target == address(proxy()) || data.length < 4 || _grantsValue(selector)) {
            revert CallRefused(target, selector);
        }
        bytes32 key = RateLimitKeys.makeKey(RateLimitKeys.LIMIT_APPROVE_AND_CALL, asset, target, selector);
        _approve(IERC20(asset), target, amount);
        uint256 before = _balance(IERC20(asset));
        result = proxy().doCall(target, data);
        _approve(IERC20(asset), target, 0);
        uint256 left = IERC20(asset).allowance(address(proxy()), target);
        if (left != 0) revert AllowanceNotCleared(asset, target, left);
        uint256 spent = before - _balance(IERC20(asset));
        if (spent == 0) revert NothingSpent(key);
        rateLimits().triggerRateLimitDecrease(key, spent);
    }

    /// @dev Selectors that grant an allowance or move a token (or an NFAT) on their own.
    function _grantsValue(bytes4 selector) private pure returns (bool) {
        return selector == 0x095ea7b3 // approve(address,uint256)
            || selector == 0x39509351 // increaseAllowance(address,uint256)
            || selector == 0xa22cb465 // setApprovalForAll(address,bool)
            || selector == 0xa9059cbb // transfer(address,uint256)
            || selector == 0x23b872dd // transferFrom(address,address,uint256)
            || selector == 0x42842e0e // safeTransferFrom(address,address,uint256)
            || selector == 0xb88d4fde // safeTransferFrom(address,address,uint256,bytes)
            || selector == 0xd505accf // permit(address,address,uint256,uint256,uint8,bytes32,bytes32)
            || selector == 0x8fcbaf0c; // permit(address,address,uint256,uint256,bool,uint8,bytes32,bytes32)
    }

    // ---------------------------------------------------------------- helpers

    /// @dev Calls a facility that pays USDS to the proxy and consumes `action`'s key for that
    ///      facility by what arrived; nothing arriving is refused (nothing to account for).
    function _usdsInflow(address facility, bytes memory data, bytes32 action) private returns (uint256 received) {
        uint256 before = _balance(usds());
        proxy().doCall(facility, data);
        received = _balance(usds()) - before;
        _requireAmount(received);
        rateLimits().triggerRateLimitDecrease(RateLimitKeys.makeKey(action, facility), received);
    }

    function _requireAmount(uint256 amount) private pure {
        if (amount == 0) revert ZeroAmount();
    }

    function _balance(IERC20 token) private view returns (uint256) {
        return token.balanceOf(address(proxy()));
    }

    function _approve(IERC20 token, address spender, uint256 amount) private {
        bytes memory result = proxy().doCall(address(token), abi.encodeCall(IERC20.approve, (spender, amount)));
        if (result.length != 0 && !abi.decode(result, (bool))) revert ApproveFailed(address(token), spender);
    }
}
