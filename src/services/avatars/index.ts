import type { RouteDefinition } from '../../core/route.js'
import getBrowser from './routes/getBrowser.js'
import getCreditCard from './routes/getCreditCard.js'
import getFavicon from './routes/getFavicon.js'
import getFlag from './routes/getFlag.js'
import getImage from './routes/getImage.js'
import getInitials from './routes/getInitials.js'
import getQR from './routes/getQR.js'

/** The avatars service's routes (BEHAVIORS §15). */
export const avatarsRoutes: RouteDefinition<any>[] = [getCreditCard, getBrowser, getFlag, getImage, getFavicon, getQR, getInitials]
