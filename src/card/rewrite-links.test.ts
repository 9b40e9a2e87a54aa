import type { Element, Properties } from 'hast';
import { describe, expect, it } from 'vitest';
import { resolveFragmentLinks, resolveUrl, rewriteImage, rewriteLink, rewriteSourceSet, slugify, type LinkOptions } from './rewrite-links';

const BASE = 'https://huggingface.co/org/name/resolve/main/';
const HUB: LinkOptions = { allowRemoteImages: true, repoBase: BASE };
const LOCAL: LinkOptions = { allowRemoteImages: false };

describe('resolveUrl', () => {
  it('resolves relative URLs against the repo base and nothing else', () => {
    expect(resolveUrl('docs/a.md', BASE)).toBe(`${BASE}docs/a.md`);
    expect(resolveUrl('../x.png', BASE)).toBe('https://huggingface.co/org/name/resolve/x.png');
    expect(resolveUrl('mailto:a@b.c', BASE)).toBe('mailto:a@b.c');
    expect(resolveUrl('#part', BASE)).toBe('#part');
    expect(resolveUrl('docs/a.md', undefined)).toBe('docs/a.md');
    expect(resolveUrl('docs/a.md', 'not a url')).toBe('docs/a.md');
  });

  it('gives protocol-relative URLs https', () => {
    expect(resolveUrl('//cdn.example/x.png', undefined)).toBe('https://cdn.example/x.png');
  });
});

describe('rewriteLink', () => {
  it('marks links that leave for the web nofollow, noopener and noreferrer', () => {
    const props: Properties = {};
    rewriteLink(props, 'page', HUB);
    expect(props).toEqual({ href: `${BASE}page`, rel: ['nofollow', 'noopener', 'noreferrer'] });
    const mail: Properties = {};
    rewriteLink(mail, 'mailto:a@b.c', HUB);
    expect(mail).toEqual({ href: 'mailto:a@b.c' });
  });
});

describe('rewriteImage', () => {
  it('loads a remote image lazily and without a referrer when allowed', () => {
    const props: Properties = { src: 'x.png', alt: 'x' };
    expect(rewriteImage(props, 'x.png', HUB)).toBe(0);
    expect(props).toEqual({ alt: 'x', src: `${BASE}x.png`, referrerPolicy: 'no-referrer', loading: 'lazy' });
  });

  it('holds a remote image back otherwise, and counts it', () => {
    const props: Properties = { src: 'https://x/y.png' };
    expect(rewriteImage(props, 'https://x/y.png', LOCAL)).toBe(1);
    expect(props).toEqual({ dataRemoteSrc: 'https://x/y.png' });
  });

  it("never loads a relative image from Loupe's own origin", () => {
    const props: Properties = { src: 'x.png' };
    expect(rewriteImage(props, 'x.png', LOCAL)).toBe(0);
    expect(props).toEqual({ dataLocalSrc: 'x.png' });
  });
});

describe('rewriteSourceSet', () => {
  it('resolves each candidate and follows the image rules', () => {
    const allowed: Properties = {};
    expect(rewriteSourceSet(allowed, 'a.png 1x, b.png 2x', HUB)).toBe(0);
    expect(allowed).toEqual({ srcSet: `${BASE}a.png 1x, ${BASE}b.png 2x` });
    const held: Properties = {};
    expect(rewriteSourceSet(held, 'https://x/a.png 1x', LOCAL)).toBe(1);
    expect(held).toEqual({ dataRemoteSrcset: 'https://x/a.png 1x' });
    const local: Properties = {};
    expect(rewriteSourceSet(local, 'a.png 1x, https://x/b.png 2x', LOCAL)).toBe(0);
    expect(local).toEqual({ dataLocalSrcset: 'a.png 1x, https://x/b.png 2x' });
  });
});

describe('resolveFragmentLinks', () => {
  const link = (href: string): Element => ({ type: 'element', tagName: 'a', properties: { href }, children: [] });

  it('points fragments at the prefixed ids, by id or by heading slug', () => {
    const links = [link('#x'), link('#Model%20Details'), link('#missing'), link('#%E0%A4%A')];
    resolveFragmentLinks(links, new Set(['user-content-x', 'user-content-model-details']));
    expect(links.map((l) => l.properties.href)).toEqual(['#user-content-x', '#user-content-model-details', '#missing', '#%E0%A4%A']);
  });
});

describe('slugify', () => {
  it('writes GitHub-style heading slugs', () => {
    expect(slugify(' Model Details! ')).toBe('model-details');
    expect(slugify('Über uns — 2')).toBe('über-uns--2');
    expect(slugify('snake_case')).toBe('snake_case');
  });
});
