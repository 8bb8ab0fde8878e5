import { useEffect } from 'react'

/** Each page sets the document title (announced by screen readers on navigation). */
export function usePageTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · Halo dashboard`
  }, [title])
}
