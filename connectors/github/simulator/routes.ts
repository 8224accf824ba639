import type { Handler } from './route-kit.js';
import { readRoutes } from './routes-read.js';
import { appRoutes } from './routes-app.js';
import { writeRoutes } from './routes-write.js';

export type { RouteContext, RouteResult } from './route-kit.js';

/** Every REST route of the simulator: [method, path pattern, handler]. */
export const routes: [string, RegExp, Handler][] = [...readRoutes, ...writeRoutes, ...appRoutes];
