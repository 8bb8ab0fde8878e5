import { BaseError, ContractFunctionRevertedError, type Account, type Address, type Hex, type TransactionReceipt } from 'viem'
import { configuratorAbi } from '../generated/index.js'
import { writeAndWait, type ChainClients } from '../devnet.js'
import type { RampStep } from '../../domain/allocator/rampPlan.js'
import { BaseError as HaloBaseError, InvalidInputError } from '../../domain/errors.js'

export type ApplyRampStepErrorType = RampStepRefusedError | InvalidInputError

export type ApplyRampStepParameters = {
  configurator: Address
  pau: Address
  key: Hex
  /** The PAU's accordant GovOps (cBEAM holder). */
  govOps: Account
  step: RampStep
}

/**
 * Submits one planned `setRateLimit` through the Configurator as the cBEAM holder. The
 * Configurator itself enforces SORL; this only refuses steps that are not rate-limit settings
 * (an init needs governance through the BEAM timelock, not the cBEAM).
 */
export async function applyRampStep(clients: ChainClients, p: ApplyRampStepParameters): Promise<TransactionReceipt> {
  if (p.step.kind !== 'set') {
    throw new InvalidInputError('the next step is a timelocked init: governance (an aBEAM) schedules it, not the cBEAM', {
      meta: { readyAt: p.step.readyAt.toString() },
    })
  }
  try {
    return await writeAndWait(clients, p.govOps, {
      address: p.configurator,
      abi: configuratorAbi,
      functionName: 'setRateLimit',
      args: [p.pau, p.key, p.step.setting.maxAmount, p.step.setting.slope],
    })
  } catch (cause) {
    const revert = cause instanceof BaseError ? cause.walk((e) => e instanceof ContractFunctionRevertedError) : undefined
    const reason = revert instanceof ContractFunctionRevertedError ? (revert.data?.errorName ?? revert.reason) : undefined
    throw new RampStepRefusedError('the Configurator refused the step', {
      details: reason ?? (cause as Error).message,
      meta: { reason, at: p.step.at.toString() },
      cause,
    })
  }
}

/** The Configurator refused a planned step (not the PAU's GovOps, SORL, cooldown …). */
export class RampStepRefusedError extends HaloBaseError {
  override name = 'RampStepRefusedError'
  override readonly code: string = 'RAMP_STEP_REFUSED'
  override readonly status: number = 422
}
