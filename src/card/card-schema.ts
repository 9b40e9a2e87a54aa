import rehypeSanitize, { defaultSchema } from 'rehype-sanitize';

/** Prefix for every `id` and `name` from the card, so the card cannot clobber the page's own ids (DOM clobbering). */
export const CLOBBER_PREFIX = 'user-content-';

/** Elements removed with everything inside them: their content is code or would show as junk text. */
export const STRIPPED = [
  'script',
  'style',
  'iframe',
  'noscript',
  'template',
  'textarea',
  'title',
  'xmp',
  'noembed',
  'noframes',
  'plaintext',
  'object',
  'select',
];

/**
 * GitHub's schema (rehype-sanitize's default) with: more elements stripped with their content,
 * links limited to http(s), mailto and relative URLs, and KaTeX's input classes on `code`.
 * Highlighting and KaTeX output are added after sanitizing, so they need nothing here.
 */
export const CARD_SCHEMA = {
  ...defaultSchema,
  strip: STRIPPED,
  clobberPrefix: CLOBBER_PREFIX,
  protocols: { ...defaultSchema.protocols, href: ['http', 'https', 'mailto'] },
  attributes: { ...defaultSchema.attributes, code: [['className', /^language-./, 'math-inline', 'math-display']] },
} satisfies typeof defaultSchema;

/** The sanitizer, as a function from a hast tree to a clean copy. */
export const sanitizeCardTree = rehypeSanitize(CARD_SCHEMA);
