import { SECONDS_PER_DAY, TAG_DURATION_DAYS } from './parameters.js'

/** One tagging act: a Prime tags an account at a time (unix seconds). Tags cannot be sold or moved. */
export type TagEvent = { account: string; prime: string; at: bigint; auto?: boolean | undefined }

export const TAG_DURATION_SECONDS = TAG_DURATION_DAYS * SECONDS_PER_DAY

export type TagOwner = { prime: string; taggedAt: bigint; expiresAt: bigint; auto: boolean }

/**
 * Who owns an account's tag at `now`: the last tagger (last-tagger-wins, the whole account),
 * for 10 years from that tag. Tags from the future are ignored; an expired last tag means
 * the account is untagged (an earlier, older tag does not revive).
 */
export function tagOwnerAt(events: readonly TagEvent[], account: string, now: bigint): TagOwner | null {
  let last: TagEvent | undefined
  for (const event of events) {
    if (event.account !== account || event.at > now) continue
    if (!last || event.at >= last.at) last = event
  }
  if (!last) return null
  const expiresAt = last.at + TAG_DURATION_SECONDS
  if (now >= expiresAt) return null
  return { prime: last.prime, taggedAt: last.at, expiresAt, auto: last.auto ?? false }
}

