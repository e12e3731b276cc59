/** Jest's `globalTeardown: 'appwrite-emulator/jest/teardown'`. */
export { globalTeardown as default } from './jest-setup.js'
