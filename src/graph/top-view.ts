import type { GraphViewRequest } from './graph-view-model';

/**
 * The Graph view's first view of a graph: its top level, each scope at its default expansion. One
 * definition for the view itself, the request the page makes with the document (so that the view's
 * first request matches it) and the worker's warm-up.
 */
export const TOP_VIEW: Omit<GraphViewRequest, 'theme'> = { scopeId: '', instances: [] };
