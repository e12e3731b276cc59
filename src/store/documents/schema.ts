import type { AttributeConfig, CollectionConfig, IndexConfig, ProjectTemplate } from '../../config/appwrite-json.js'

export type RelationType = 'oneToOne' | 'oneToMany' | 'manyToOne' | 'manyToMany'

/** One attribute as documents use it; relationship attributes know how they are stored. */
export interface AttributeSchema extends AttributeConfig {
  /**
   * How a relationship is kept: `column` stores the related ID in this collection's row; `virtual` is derived
   * (from the other side's column or from the junction table). Plain attributes are always `column`.
   */
  storage: 'column' | 'virtual'
  /** A relationship side Appwrite never shows: the child side of a one-way relationship. */
  hidden: boolean
  /** The junction table of a many-to-many relationship. */
  junction?: JunctionSchema
}

/** A many-to-many relationship's link table: one row per (parent, child) pair and project. */
export interface JunctionSchema {
  table: string
  parentCollection: string
  childCollection: string
}

/** A collection of the config, resolved for storage: its table, attributes (both sides of relationships) and indexes. */
export interface CollectionSchema {
  databaseId: string
  collectionId: string
  name: string
  /** Disabled databases and collections are missing for clients. */
  enabled: boolean
  databaseEnabled: boolean
  documentSecurity: boolean
  permissions: string[]
  attributes: AttributeSchema[]
  byKey: Map<string, AttributeSchema>
  indexes: IndexConfig[]
  /** The documents table. */
  table: string
  /** The (document, action, role) table that read filters join. */
  permissionsTable: string
  /** FTS5 tables of single-attribute fulltext indexes, by attribute. */
  fulltext: Map<string, string>
}

/** Every collection of a template, keyed by `databaseId/collectionId`. */
export type SchemaSet = Map<string, CollectionSchema>

export const schemaKey = (databaseId: string, collectionId: string) => `${databaseId}/${collectionId}`

/** Builds storage schemas from a template; both sides of every relationship are present afterwards. */
export function buildSchemas(template: ProjectTemplate): SchemaSet {
  const set: SchemaSet = new Map()
  const databaseEnabled = new Map(template.databases.map((d) => [d.$id, d.enabled]))
  for (const c of template.collections) set.set(schemaKey(c.databaseId, c.$id), fromConfig(c, databaseEnabled.get(c.databaseId) ?? true))
  for (const schema of set.values()) {
    for (const attr of [...schema.attributes]) {
      if (attr.type !== 'relationship' || attr.side !== 'parent') continue
      const related = set.get(schemaKey(schema.databaseId, attr.relatedCollection!))!
      // Appwrite names the other side after this collection when no twoWayKey is given.
      attr.twoWayKey ??= schema.collectionId
      let child = related.byKey.get(attr.twoWayKey)
      if (child && child.type !== 'relationship') {
        throw new Error(`${schema.collectionId}.${attr.key}: the other side "${attr.twoWayKey}" is already a ${child.type} attribute of ${related.collectionId}; give the relationship another twoWayKey`)
      }
      if (!child) {
        child = {
          key: attr.twoWayKey, type: 'relationship', format: '', required: false, array: false, default: null,
          relatedCollection: schema.collectionId, relationType: attr.relationType, twoWay: attr.twoWay ?? false,
          twoWayKey: attr.key, onDelete: attr.onDelete, side: 'child', storage: 'virtual', hidden: !attr.twoWay,
        }
        related.attributes.push(child)
        related.byKey.set(child.key, child)
      }
      child.twoWayKey = attr.key
      child.twoWay = attr.twoWay
      child.hidden = !attr.twoWay
      child.relationType = attr.relationType
      child.relatedCollection = schema.collectionId
      child.onDelete ??= attr.onDelete
      attr.storage = storageOf(attr.relationType!, 'parent')
      child.storage = storageOf(attr.relationType!, 'child')
      attr.array = attr.relationType === 'manyToMany' || attr.relationType === 'oneToMany'
      child.array = attr.relationType === 'manyToMany' || attr.relationType === 'manyToOne'
      if (attr.relationType === 'manyToMany') {
        const junction = { table: `rel:${schema.databaseId}:${schema.collectionId}:${attr.key}`, parentCollection: schema.collectionId, childCollection: related.collectionId }
        attr.junction = junction
        child.junction = junction
      }
    }
  }
  return set
}

/** Which side of a relationship keeps the ID column (utopia keeps the same layout). */
function storageOf(type: RelationType, side: 'parent' | 'child'): 'column' | 'virtual' {
  switch (type) {
    case 'oneToOne':
      return 'column'
    case 'manyToOne':
      return side === 'parent' ? 'column' : 'virtual'
    case 'oneToMany':
      return side === 'child' ? 'column' : 'virtual'
    default:
      return 'virtual'
  }
}

function fromConfig(c: CollectionConfig, databaseEnabled: boolean): CollectionSchema {
  const attributes: AttributeSchema[] = c.attributes.map((a) => ({ ...a, storage: 'column', hidden: false }))
  const base = `docs:${c.databaseId}:${c.$id}`
  const fulltext = new Map<string, string>()
  for (const index of c.indexes) {
    if (index.type === 'fulltext' && index.attributes.length === 1 && !fulltext.has(index.attributes[0])) {
      fulltext.set(index.attributes[0], `${base}:fts:${index.key}`)
    }
  }
  return {
    databaseId: c.databaseId,
    collectionId: c.$id,
    name: c.name,
    enabled: c.enabled,
    databaseEnabled,
    documentSecurity: c.documentSecurity,
    permissions: c.$permissions,
    attributes,
    byKey: new Map(attributes.map((a) => [a.key, a])),
    indexes: c.indexes,
    table: base,
    permissionsTable: `${base}:perms`,
    fulltext,
  }
}

/** The attributes that are columns of the documents table. */
export const columnAttributes = (schema: CollectionSchema) => schema.attributes.filter((a) => a.storage === 'column')
