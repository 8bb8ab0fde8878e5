/** Header carrying the newest log position a reader needs to see (read-your-writes on a read replica). */
export const MIN_POSITION_HEADER = 'x-synome-min-position'
