/**
 * Response formats (issue 14): what Appwrite 1.5 does with `X-Appwrite-Response-Format` (app/controllers/general.php).
 * Below 1.5.0 the V17 filters run: old query strings are converted in the core (`runOperation`, every protocol),
 * and REST answers take their 1.4 shape (`src/http/rest.ts`; GraphQL keeps its 1.5 schema, as Appwrite's
 * resolvers run on fresh responses without filters). Above 1.5.11 REST answers carry `X-Appwrite-Warning`.
 * The V16 filters (formats below 1.4.0) are not implemented: such requests get V17 only.
 */
export { compareVersions, formatWarning, responseFormat, SERVED_VERSION, speaks14 } from './version.js'
export { filterRequestV17 } from './request-v17.js'
export { sdkGreeting } from './sdk-greeting.js'
export { filterResponseV17, V17_MODELS, V17_REMOVED } from './response-v17.js'
