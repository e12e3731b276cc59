import type { RouteDefinition } from '../../core/route.js'
import create from './routes/create.js'
import createMembership from './routes/createMembership.js'
import deleteMembership from './routes/deleteMembership.js'
import deleteTeam from './routes/delete.js'
import get from './routes/get.js'
import getMembership from './routes/getMembership.js'
import getPrefs from './routes/getPrefs.js'
import list from './routes/list.js'
import listMemberships from './routes/listMemberships.js'
import updateMembership from './routes/updateMembership.js'
import updateMembershipStatus from './routes/updateMembershipStatus.js'
import updateName from './routes/updateName.js'
import updatePrefs from './routes/updatePrefs.js'

export { TeamService } from './team-service.js'
export { MembershipService } from './membership-service.js'

/** The teams service's routes (BEHAVIORS §13). */
export const teamsRoutes: RouteDefinition<any>[] = [
  list, create, get, updateName, deleteTeam, getPrefs, updatePrefs,
  listMemberships, createMembership, getMembership, updateMembership, deleteMembership, updateMembershipStatus,
]
