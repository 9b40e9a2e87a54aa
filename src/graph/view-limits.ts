/** Never draw more boxes than this in one view (containers and stubs included): mermaid slows sharply past it. */
export const MAX_RENDERED = 150;
/** Default size of a section: a level with more items is split. */
export const DEFAULT_MAX_BOXES = 60;
/** The most a section may hold, whatever the caller asks: inputs, outputs and stubs must still fit in MAX_RENDERED. */
export const MAX_SECTION_BOXES = 100;
/** Input boxes (and output boxes) drawn at most; more are grouped by name pattern, then merged. */
export const MAX_IO_BOXES = 12;
/** Stubs to other sections drawn at most; the least connected ones merge into one. */
export const MAX_SECTION_STUBS = 8;
/** Edges drawn at most (mermaid's default maxEdges is 500); the weakest are dropped beyond. */
export const MAX_DRAWN_EDGES = 400;
/** Op types listed on a scope box. */
export const TOP_OPS_SHOWN = 3;
