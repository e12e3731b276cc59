import { parseAppwriteJson } from '../../../config/appwrite-json.js'

/** The collection the query property tests run over: every attribute type, arrays, key and fulltext indexes. */
export function propertyTemplate() {
  return parseAppwriteJson(
    {
      databases: [{ $id: 'db', name: 'db' }],
      collections: [
        {
          $id: 'things', databaseId: 'db', name: 'things', documentSecurity: true, $permissions: [],
          attributes: [
            { key: 'name', type: 'string', size: 20 },
            { key: 'text', type: 'string', size: 200 },
            { key: 'n', type: 'integer' },
            { key: 'x', type: 'double' },
            { key: 'ok', type: 'boolean' },
            { key: 'at', type: 'datetime' },
            { key: 'labels', type: 'string', size: 10, array: true },
            { key: 'ns', type: 'integer', array: true },
          ],
          indexes: [
            { key: 'name', type: 'key', attributes: ['name'] },
            { key: 'n_x', type: 'key', attributes: ['n', 'x'], orders: ['ASC', 'DESC'] },
            { key: 'text', type: 'fulltext', attributes: ['text'] },
          ],
        },
      ],
    },
    '/property/appwrite.json',
    )
}
