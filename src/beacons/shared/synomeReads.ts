import type { SynomeClient } from '../../synome/client/index.js'
import type { EntityRecord } from '../../synome/commands/types.js'

const PAGE = 1000
/** Bounded: a Halo class with more than 100k records of one type is out of scope for one tick. */
const MAX_PAGES = 100

/** Every record matching the filter, following the Synome's cursor pages (bounded). */
export async function listAll<T>(synome: Pick<SynomeClient, 'list'>, filter: { type: string; haloClass?: string; sleeveId?: string }): Promise<EntityRecord<T>[]> {
  const items: EntityRecord<T>[] = []
  let cursor: string | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await synome.list<T>({ ...filter, limit: PAGE, cursor })
    items.push(...result.items)
    if (!result.nextCursor) return items
    cursor = result.nextCursor
  }
  return items
}
