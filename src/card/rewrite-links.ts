import type { Element, Properties } from 'hast';
import { CLOBBER_PREFIX } from './card-schema';

// The link and image rules of a rendered card, applied to the sanitized (trusted) tree.

/** Where relative URLs point, and whether remote images load. */
export interface LinkOptions {
  /** Base for relative links and images, e.g. `https://huggingface.co/org/name/resolve/main/`. */
  repoBase?: string;
  /** When false, remote images keep their URL in `data-remote-src` (and `data-remote-srcset`) instead of loading. */
  allowRemoteImages: boolean;
}

/**
 * An `<a href>` that is not a fragment: resolved against `repoBase`, and `rel="nofollow noopener
 * noreferrer"` when it leaves for http(s). Fragment links wait for resolveFragmentLinks, which
 * needs every id of the card.
 */
export function rewriteLink(props: Properties, href: string, options: LinkOptions): void {
  props.href = resolveUrl(href, options.repoBase);
  if (/^https?:/i.test(props.href)) props.rel = ['nofollow', 'noopener', 'noreferrer'];
}

/**
 * An `<img src>`: a remote image loads lazily without a referrer, or is held back in
 * `data-remote-src`; an unresolved relative one moves to `data-local-src`. Returns 1 when held back.
 */
export function rewriteImage(props: Properties, src: string, options: LinkOptions): number {
  const url = resolveUrl(src, options.repoBase);
  delete props.src;
  if (/^https?:/i.test(url)) {
    if (options.allowRemoteImages) {
      props.src = url;
      props.referrerPolicy = 'no-referrer';
      props.loading = 'lazy';
      return 0;
    }
    props.dataRemoteSrc = url;
    return 1;
  }
  // No base to resolve against: loading it would hit Loupe's own origin. The UI may map it to a dropped file.
  props.dataLocalSrc = url;
  return 0;
}

/** `<picture><source srcset>` loads images too, so it follows the same rules as `<img src>`. Returns 1 when held back. */
export function rewriteSourceSet(props: Properties, srcSet: string, options: LinkOptions): number {
  const candidates = srcSet.split(',').map((candidate) => {
    const [url = '', ...descriptor] = candidate.trim().split(/\s+/);
    return { url: resolveUrl(url, options.repoBase), descriptor };
  });
  const resolved = candidates.map((c) => [c.url, ...c.descriptor].join(' ')).join(', ');
  delete props.srcSet;
  if (candidates.some((c) => !/^https?:/i.test(c.url))) props.dataLocalSrcset = resolved;
  else if (options.allowRemoteImages) props.srcSet = resolved;
  else {
    props.dataRemoteSrcset = resolved;
    return 1;
  }
  return 0;
}

/**
 * Points `#fragment` links at the prefixed ids the sanitizer gave the card's elements: the id as
 * written, else its heading slug. Links to ids the card does not have are left as they are.
 */
export function resolveFragmentLinks(links: readonly Element[], ids: ReadonlySet<string>): void {
  for (const link of links) {
    const fragment = safeDecode(String(link.properties.href).slice(1));
    if (ids.has(`${CLOBBER_PREFIX}${fragment}`)) link.properties.href = `#${CLOBBER_PREFIX}${fragment}`;
    else if (ids.has(`${CLOBBER_PREFIX}${slugify(fragment)}`)) link.properties.href = `#${CLOBBER_PREFIX}${slugify(fragment)}`;
  }
}

/** Resolves a relative URL against the repo base; absolute URLs, fragments and unresolvable input pass through. */
export function resolveUrl(url: string, base: string | undefined): string {
  if (url.startsWith('//')) return `https:${url}`;
  if (!base || /^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('#')) return url;
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}

/** GitHub-style heading slugs: lower case, punctuation dropped, spaces as dashes. */
export function slugify(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
