import { z } from 'zod'
import { InvalidInputError, NotFoundError } from '../domain/errors.js'
import type { RiskCapital } from '../domain/agents/waterfall.js'
import { describeIssues, riskCapitalSchema } from './snapshot.js'

/** The capital file: each Prime's risk capital stack and the system capital behind it. */
export const capitalFileSchema = z.record(z.string(), riskCapitalSchema)

export function parseCapital(input: unknown, prime: string): RiskCapital {
  const result = capitalFileSchema.safeParse(input)
  if (!result.success) {
    const { field, lines } = describeIssues(result.error.issues)
    throw new InvalidInputError(`capital field ${field} is invalid`, { details: lines.join('\n  '), meta: { field, issues: lines } })
  }
  const capital = result.data[prime]
  if (!capital) throw new NotFoundError(`no capital for ${prime} in the capital file`, { details: `known: ${Object.keys(result.data).join(', ')}`, meta: { field: prime } })
  return capital
}
