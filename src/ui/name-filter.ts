/** Builds the filter: `/regex/flags` is a regular expression, anything else a case-insensitive substring. */
export function makeNameFilter(query: string): { test: (name: string) => boolean; error?: string } {
  const trimmed = query.trim();
  const re = /^\/(.+)\/([a-z]*)$/.exec(trimmed);
  if (re) {
    try {
      const regex = new RegExp(re[1]!, re[2]);
      return { test: (name) => regex.test(name) };
    } catch (error) {
      return { test: () => true, error: (error as Error).message };
    }
  }
  const needle = trimmed.toLowerCase();
  return { test: (name) => name.toLowerCase().includes(needle) };
}
