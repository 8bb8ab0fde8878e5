import { BaseError as ViemBaseError, ContractFunctionRevertedError } from 'viem'
import { BaseError } from '../domain/errors.js'

/** The chain refused a call or transaction; `meta.errorName` is the contract's custom error when known. */
export class ChainRefusedError extends BaseError {
  override name = 'ChainRefusedError'
  override readonly code: string = 'CHAIN_REFUSED'
  override readonly status: number = 409
}

/**
 * A viem error (a revert in a simulation, a failed RPC) as our BaseError, so the CLI prints
 * the contract's error name and exits 1 instead of dumping a stack. Anything else: undefined.
 */
export function chainRefusal(error: unknown): ChainRefusedError | undefined {
  if (!(error instanceof ViemBaseError)) return undefined
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null
  const errorName = reverted?.data?.errorName
  const args = reverted?.data?.args?.map((a) => String(a)).join(', ')
  return new ChainRefusedError(errorName ? `the chain refused: ${errorName}` : error.shortMessage, {
    cause: error,
    ...(errorName ? { details: `${errorName}(${args ?? ''})`, meta: { errorName } } : {}),
  })
}
