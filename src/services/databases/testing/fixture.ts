import { parseAppwriteJson, type ProjectTemplate } from '../../../config/appwrite-json.js'

/**
 * The appwrite.json the database tests run against: collections with every permission model, every attribute
 * type, every index type, and each kind of relationship.
 */
export const databasesConfig = {
  projectId: 'test-project',
  databases: [
    { $id: 'main', name: 'Main', enabled: true },
    { $id: 'off', name: 'Off', enabled: false },
  ],
  collections: [
    {
      $id: 'public', databaseId: 'main', name: 'Public', enabled: true, documentSecurity: false,
      $permissions: ['create("any")', 'read("any")', 'update("any")', 'delete("any")'],
      attributes: [
        { key: 'title', type: 'string', size: 32, required: true },
        { key: 'body', type: 'string', size: 1000, required: false },
        { key: 'count', type: 'integer', required: false, min: 0, max: 100 },
        { key: 'big', type: 'integer', required: false },
        { key: 'score', type: 'double', required: false },
        { key: 'flag', type: 'boolean', required: false, default: false },
        { key: 'when', type: 'datetime', format: '', required: false },
        { key: 'email', type: 'string', format: 'email', size: 254, required: false },
        { key: 'ip', type: 'string', format: 'ip', size: 64, required: false },
        { key: 'url', type: 'string', format: 'url', size: 500, required: false },
        { key: 'kind', type: 'string', format: 'enum', elements: ['alpha', 'beta', 'gamma'], required: false, default: 'alpha' },
        { key: 'tags', type: 'string', size: 10, array: true, required: false },
        { key: 'nums', type: 'integer', array: true, required: false },
      ],
      indexes: [
        { key: 'by_count', type: 'key', attributes: ['count'], orders: ['ASC'] },
        { key: 'by_title', type: 'key', attributes: ['title'], orders: ['ASC'] },
        { key: 'uniq_email', type: 'unique', attributes: ['email'], orders: ['ASC'] },
        { key: 'ft_body', type: 'fulltext', attributes: ['body'], orders: [] },
      ],
    },
    {
      $id: 'private', databaseId: 'main', name: 'Private', enabled: true, documentSecurity: true,
      $permissions: ['create("users")'],
      attributes: [{ key: 'note', type: 'string', size: 100, required: false }],
      indexes: [],
    },
    {
      $id: 'readers', databaseId: 'main', name: 'Readers', enabled: true, documentSecurity: false,
      $permissions: ['read("users")'],
      attributes: [{ key: 'note', type: 'string', size: 100, required: false }],
      indexes: [],
    },
    {
      $id: 'closed', databaseId: 'main', name: 'Closed', enabled: true, documentSecurity: false,
      $permissions: [],
      attributes: [{ key: 'note', type: 'string', size: 100, required: false }],
      indexes: [],
    },
    {
      $id: 'hidden', databaseId: 'main', name: 'Hidden', enabled: false, documentSecurity: false,
      $permissions: ['read("any")', 'create("any")'],
      attributes: [{ key: 'note', type: 'string', size: 100, required: false }],
      indexes: [],
    },
    {
      $id: 'elsewhere', databaseId: 'off', name: 'Elsewhere', enabled: true, documentSecurity: false,
      $permissions: ['read("any")', 'create("any")'],
      attributes: [{ key: 'note', type: 'string', size: 100, required: false }],
      indexes: [],
    },
    {
      $id: 'authors', databaseId: 'main', name: 'Authors', enabled: true, documentSecurity: true,
      $permissions: ['create("users")', 'read("users")'],
      attributes: [
        { key: 'name', type: 'string', size: 64, required: true },
        { key: 'books', type: 'relationship', relatedCollection: 'books', relationType: 'oneToMany', twoWay: true, twoWayKey: 'author', onDelete: 'cascade', side: 'parent' },
        { key: 'profile', type: 'relationship', relatedCollection: 'profiles', relationType: 'oneToOne', twoWay: false, twoWayKey: 'owner', onDelete: 'setNull', side: 'parent' },
      ],
      indexes: [],
    },
    {
      $id: 'books', databaseId: 'main', name: 'Books', enabled: true, documentSecurity: true,
      $permissions: ['create("users")', 'read("users")'],
      attributes: [
        { key: 'title', type: 'string', size: 64, required: true },
        { key: 'author', type: 'relationship', relatedCollection: 'authors', relationType: 'oneToMany', twoWay: true, twoWayKey: 'books', onDelete: 'cascade', side: 'child' },
        { key: 'publisher', type: 'relationship', relatedCollection: 'publishers', relationType: 'manyToOne', twoWay: true, twoWayKey: 'catalogue', onDelete: 'restrict', side: 'parent' },
        { key: 'shelves', type: 'relationship', relatedCollection: 'shelves', relationType: 'manyToMany', twoWay: true, twoWayKey: 'books', onDelete: 'setNull', side: 'parent' },
        { key: 'reviews', type: 'relationship', relatedCollection: 'reviews', relationType: 'oneToMany', twoWay: false, onDelete: 'cascade', side: 'parent' },
      ],
      indexes: [],
    },
    {
      $id: 'profiles', databaseId: 'main', name: 'Profiles', enabled: true, documentSecurity: false,
      $permissions: ['create("users")', 'read("users")', 'update("users")', 'delete("users")'],
      attributes: [{ key: 'bio', type: 'string', size: 200, required: false }],
      indexes: [],
    },
    {
      $id: 'publishers', databaseId: 'main', name: 'Publishers', enabled: true, documentSecurity: false,
      $permissions: ['create("users")', 'read("users")', 'update("users")', 'delete("users")'],
      attributes: [
        { key: 'name', type: 'string', size: 64, required: true },
        { key: 'catalogue', type: 'relationship', relatedCollection: 'books', relationType: 'manyToOne', twoWay: true, twoWayKey: 'publisher', onDelete: 'restrict', side: 'child' },
      ],
      indexes: [],
    },
    {
      $id: 'reviews', databaseId: 'main', name: 'Reviews', enabled: true, documentSecurity: false,
      $permissions: ['read("users")'],
      attributes: [{ key: 'stars', type: 'integer', required: false }],
      indexes: [],
    },
    {
      $id: 'shelves', databaseId: 'main', name: 'Shelves', enabled: true, documentSecurity: false,
      $permissions: ['create("users")', 'read("users")', 'update("users")', 'delete("users")'],
      attributes: [
        { key: 'label', type: 'string', size: 64, required: true },
        { key: 'books', type: 'relationship', relatedCollection: 'books', relationType: 'manyToMany', twoWay: true, twoWayKey: 'shelves', onDelete: 'setNull', side: 'child' },
      ],
      indexes: [],
    },
  ],
}

/** The fixture as a validated template. */
export function databasesTemplate(): ProjectTemplate {
  return parseAppwriteJson(structuredClone(databasesConfig), '/fixture/appwrite.json')
}
