import { CUSTOM_ID_DESCRIPTION, hostValidator, p, validator } from '../../domain/params.js'
import { isValidKey } from '../../domain/ids.js'
import { listQueriesValidator, MEMBERSHIP_QUERY_SCHEMA, TEAM_QUERY_SCHEMA } from '../../domain/query/list-query.js'

/** utopia `Key`: a role name inside a team (`owner`, `editor`…). Same rule and message as a custom ID, without `unique()`. */
const keyValidator = validator<string>(CUSTOM_ID_DESCRIPTION, isValidKey)

// Appwrite's `Host(clients)`: the invitation link's host must be a registered platform ("URL host must be one of: …").
// With `--any-origin` only the URL check remains, with this description.
const invitationUrlValidator = hostValidator(validator<string>('Value must be a valid URL with following schemes (http, https)', (v) => {
  if (typeof v !== 'string' || v.length > 2048) return false
  try {
    const url = new URL(v)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
  } catch {
    return false
  }
}))

/** Param builders of the teams routes. */
export const teamParams = {
  /** `ArrayList(Key, 100)`: the roles of a membership. */
  roles: () => p.array(keyValidator, 100),
  invitationUrl: () => p.custom(invitationUrlValidator),
  teamQueries: () => p.custom(listQueriesValidator(TEAM_QUERY_SCHEMA)),
  membershipQueries: () => p.custom(listQueriesValidator(MEMBERSHIP_QUERY_SCHEMA)),
}
