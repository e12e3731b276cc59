import type { RouteDefinition } from '../../core/route.js'
import createFile from './routes/createFile.js'
import deleteFile from './routes/deleteFile.js'
import getFile from './routes/getFile.js'
import getFileDownload from './routes/getFileDownload.js'
import getFilePreview from './routes/getFilePreview.js'
import getFileView from './routes/getFileView.js'
import listFiles from './routes/listFiles.js'
import updateFile from './routes/updateFile.js'

/** The storage service's routes (BEHAVIORS §14). */
export const storageRoutes: RouteDefinition<any>[] = [listFiles, createFile, getFile, updateFile, deleteFile, getFileDownload, getFilePreview, getFileView]
