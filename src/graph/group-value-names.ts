/** Groups value names by their pattern with digits masked, so `past_key_values.{0..39}.key` is one box. */
export function groupValueNames(names: readonly string[], max: number, noun: string): { label: string; names: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const template = name.replace(/\d+/g, '#');
    const list = groups.get(template);
    if (list) list.push(name);
    else groups.set(template, [name]);
  }
  const out: { label: string; names: string[] }[] = [];
  for (const [template, members] of groups) out.push({ label: members.length === 1 ? members[0]! : rangeLabel(template, members), names: members });
  if (out.length <= max) return out;
  const kept = out.slice(0, Math.max(0, max - 1));
  const rest = out.slice(kept.length).flatMap((g) => g.names);
  kept.push({ label: `${rest.length} more ${noun}`, names: rest });
  return kept;
}

function rangeLabel(template: string, members: string[]): string {
  const runs = members.map((m) => m.match(/\d+/g) ?? []);
  const pieces = template.split('#');
  let label = pieces[0]!;
  for (let k = 1; k < pieces.length; k++) {
    const values = runs.map((r) => r[k - 1] ?? '');
    const numbers = values.map(Number);
    const same = values.every((v) => v === values[0]);
    label += same ? values[0] : `{${Math.min(...numbers)}..${Math.max(...numbers)}}`;
    label += pieces[k];
  }
  return label;
}
