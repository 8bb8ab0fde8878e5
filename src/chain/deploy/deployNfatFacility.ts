import type { Account, Address } from 'viem'
import { nfatFacilityAbi, nfatFacilityBytecode } from '../generated/index.js'
import { unitIdOfTokenId } from '../../domain/unitId.js'
import { deployContract, type ChainClients } from '../devnet.js'

export type DeployNfatFacilityParameters = {
  deployer: Account
  usds: Address
  /** The Halo Class's PAU: claims land in its ALMProxy and consume its RateLimits. */
  pau: { proxy: Address; rateLimits: Address }
  /** DEFAULT_ADMIN_ROLE (whitelist, unpause, role grants): the BEAMTimeLock, so every grant waits its delay. */
  admin: Address
  /** lpha-nfat's pBEAM (CLAIMER_ROLE). */
  claimer: Address
  /** PAUSER_ROLE (the freezer): pause, instant removal of a claimer or write-down key. */
  pauser: Address
  /** WRITE_DOWN_ROLE: recognises a loss after a recovery short of principal (the Halo's GovOps). */
  writeDowner: Address
  /** FUNDER_ROLE; the Halo ALMProxy (funding through `Controller.fundRedeem`) when omitted. */
  funder?: Address | undefined
  /** First NFAT tokenId = first Synome unitId (seed: 42). */
  firstTokenId?: bigint | undefined
  name?: string | undefined
  symbol?: string | undefined
}

/**
 * One NFAT Facility wired to a Halo PAU. It still needs CONTROLLER on the PAU's RateLimits
 * and a limit under `rateLimitKey(LIMIT.NFAT_CLAIM, facility)` before anything can be claimed
 * (see `deployPau`'s `rateLimitControllers`).
 */
export function deployNfatFacility(clients: ChainClients, p: DeployNfatFacilityParameters): Promise<Address> {
  // Every tokenId is a Synome unitId: refuse a facility whose first NFAT the Synome could not hold.
  if (p.firstTokenId !== undefined) unitIdOfTokenId(p.firstTokenId)
  return deployContract(clients, {
    abi: nfatFacilityAbi,
    bytecode: nfatFacilityBytecode,
    account: p.deployer,
    args: [
      {
        usds: p.usds,
        almProxy: p.pau.proxy,
        admin: p.admin,
        claimer: p.claimer,
        funder: p.funder ?? p.pau.proxy,
        pauser: p.pauser,
        writeDowner: p.writeDowner,
        name: p.name ?? 'Halo Senior Secured NFAT',
        symbol: p.symbol ?? 'NFAT',
        firstTokenId: p.firstTokenId ?? 42n,
        rateLimits: p.pau.rateLimits,
      },
    ],
  })
}
