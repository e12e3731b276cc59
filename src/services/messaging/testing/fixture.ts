// Test support for the messaging service (used by its *.test.ts files and the e2e test only).
import { parseAppwriteJson, type ProjectTemplate } from '../../../config/appwrite-json.js'

/** An appwrite.json with a topic for every kind of `subscribe` list. */
export const messagingConfig = {
  topics: [
    { $id: 'news', name: 'News', subscribe: ['users'] },
    { $id: 'crew-news', name: 'Crew news', subscribe: ['team:crew'] },
    { $id: 'alice-only', name: 'Alice only', subscribe: ['user:alice'] },
    { $id: 'closed', name: 'Closed', subscribe: [] },
  ],
}

export function messagingTemplate(): ProjectTemplate {
  return parseAppwriteJson(messagingConfig, '/messaging-test/appwrite.json')
}
