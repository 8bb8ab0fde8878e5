import { Link } from 'react-router'
import { usePageTitle } from './title'

export function NotFound() {
  usePageTitle('Not found')
  return (
    <>
      <h1>Not found</h1>
      <p>
        No page here. <Link to="/">Back to the overview</Link>.
      </p>
    </>
  )
}
