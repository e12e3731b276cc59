import type { RouteDefinition } from '../../core/route.js'
import create from './routes/create.js'
import createAnonymousSession from './routes/createAnonymousSession.js'
import createEmailPasswordSession from './routes/createEmailPasswordSession.js'
import createJWT from './routes/createJWT.js'
import deleteIdentity from './routes/deleteIdentity.js'
import deleteSession from './routes/deleteSession.js'
import deleteSessions from './routes/deleteSessions.js'
import get from './routes/get.js'
import getPrefs from './routes/getPrefs.js'
import getSession from './routes/getSession.js'
import listIdentities from './routes/listIdentities.js'
import listLogs from './routes/listLogs.js'
import listSessions from './routes/listSessions.js'
import updateEmail from './routes/updateEmail.js'
import updateName from './routes/updateName.js'
import updatePassword from './routes/updatePassword.js'
import updatePhone from './routes/updatePhone.js'
import updatePrefs from './routes/updatePrefs.js'
import updateSession from './routes/updateSession.js'
import updateStatus from './routes/updateStatus.js'
import createVerification from './routes/createVerification.js'
import updateVerification from './routes/updateVerification.js'
import createPhoneVerification from './routes/createPhoneVerification.js'
import updatePhoneVerification from './routes/updatePhoneVerification.js'
import createRecovery from './routes/createRecovery.js'
import updateRecovery from './routes/updateRecovery.js'
import createEmailToken from './routes/createEmailToken.js'
import createMagicURLToken from './routes/createMagicURLToken.js'
import createPhoneToken from './routes/createPhoneToken.js'
import createSession from './routes/createSession.js'
import updateMagicURLSession from './routes/updateMagicURLSession.js'
import updatePhoneSession from './routes/updatePhoneSession.js'
import createPushTarget from './routes/createPushTarget.js'
import updatePushTarget from './routes/updatePushTarget.js'
import deletePushTarget from './routes/deletePushTarget.js'
import updateMFA from './routes/updateMFA.js'
import createMfaAuthenticator from './routes/createMfaAuthenticator.js'
import updateMfaAuthenticator from './routes/updateMfaAuthenticator.js'
import deleteMfaAuthenticator from './routes/deleteMfaAuthenticator.js'
import createMfaChallenge from './routes/createMfaChallenge.js'
import updateMfaChallenge from './routes/updateMfaChallenge.js'
import listMfaFactors from './routes/listMfaFactors.js'
import getMfaRecoveryCodes from './routes/getMfaRecoveryCodes.js'
import createMfaRecoveryCodes from './routes/createMfaRecoveryCodes.js'
import updateMfaRecoveryCodes from './routes/updateMfaRecoveryCodes.js'
import createOAuth2Session from './routes/createOAuth2Session.js'
import createOAuth2Token from './routes/createOAuth2Token.js'

/** The account service's routes (BEHAVIORS §10). */
export const accountRoutes: RouteDefinition<any>[] = [
  create, get, createEmailPasswordSession, createAnonymousSession, listSessions, deleteSessions, getSession,
  updateSession, deleteSession, updateName, updatePassword, updateEmail, updatePhone, getPrefs, updatePrefs,
  updateStatus, createJWT, listLogs, listIdentities, deleteIdentity,
  // Sign-in flows with secrets sent out of band (BEHAVIORS §10 tokens, verification, recovery) and push targets.
  createVerification, updateVerification, createPhoneVerification, updatePhoneVerification, createRecovery, updateRecovery, createEmailToken, createMagicURLToken, createPhoneToken, createSession, updateMagicURLSession, updatePhoneSession, createPushTarget, updatePushTarget, deletePushTarget,
  // MFA (BEHAVIORS §11).
  updateMFA, createMfaAuthenticator, updateMfaAuthenticator, deleteMfaAuthenticator, createMfaChallenge, updateMfaChallenge,
  listMfaFactors, getMfaRecoveryCodes, createMfaRecoveryCodes, updateMfaRecoveryCodes,
  // OAuth2 through the emulator's stand-in sign-in page (BEHAVIORS §12).
  createOAuth2Session, createOAuth2Token,
]
