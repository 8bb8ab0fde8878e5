import { InvalidInputError } from '../errors.js'

/** A Guardian Action Precedent: which Core Guardian interpreted which rule, how, and when. */
export type GuardianActionPrecedent = {
  id: string
  guardian: string
  agentId: string
  /** The Atlas or Artifact rule interpreted (document path or section id). */
  rule: string
  interpretation: string
  /** Whether the rule was silent and the Guardian read its spirit. */
  spiritOfTheAtlas: boolean
  at: bigint
}

/** A precedent must name a guardian, a rule and a non-empty interpretation. */
export function validatePrecedent(precedent: GuardianActionPrecedent): GuardianActionPrecedent {
  for (const field of ['id', 'guardian', 'agentId', 'rule', 'interpretation'] as const) {
    if (precedent[field].trim() === '') throw new InvalidInputError(`${field} must not be empty`, { meta: { field } })
  }
  return precedent
}
