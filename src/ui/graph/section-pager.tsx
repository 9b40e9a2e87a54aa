import { useEffect, useState } from 'react';
import type { ViewSection } from '../../graph/graph-view';

/**
 * Moves between the parts of a level too large to draw at once, like pages: "part 3 of 42",
 * previous and next, a jump box, and the name range of the part shown. Keys `[` and `]` page
 * back and forward, except while typing.
 */
export function SectionPager({ sections, currentId, onSelect }: { sections: ViewSection[]; currentId: string; onSelect: (sectionId: string) => void }) {
  const index = Math.max(
    0,
    sections.findIndex((s) => s.id === currentId),
  );
  const count = sections.length;
  const [jump, setJump] = useState('');
  const go = (target: number) => {
    if (target >= 0 && target < count && target !== index) onSelect(sections[target]!.id);
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target;
      if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return;
      if (event.key === '[' && index > 0) onSelect(sections[index - 1]!.id);
      else if (event.key === ']' && index < count - 1) onSelect(sections[index + 1]!.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [sections, index, count, onSelect]);

  const current = sections[index]!;
  return (
    <nav className="section-pager row" aria-label="Parts of this level" data-testid="section-pager">
      <button
        type="button"
        onClick={() => go(index - 1)}
        disabled={index === 0}
        aria-label="Previous part"
        aria-keyshortcuts="["
        data-testid="section-previous"
      >
        ‹ Previous
      </button>
      <span data-testid="section-current" aria-live="polite">
        part {index + 1} of {count}
      </span>
      <button
        type="button"
        onClick={() => go(index + 1)}
        disabled={index === count - 1}
        aria-label="Next part"
        aria-keyshortcuts="]"
        data-testid="section-next"
      >
        Next ›
      </button>
      <form
        noValidate // An out-of-range part clamps to the first or last rather than being refused.
        onSubmit={(event) => {
          event.preventDefault();
          const target = Number(jump);
          if (Number.isInteger(target)) go(Math.min(count, Math.max(1, target)) - 1);
          setJump('');
        }}
      >
        <label>
          Go to part{' '}
          <input type="number" min={1} max={count} value={jump} onChange={(e) => setJump(e.target.value)} data-testid="section-jump" style={{ width: '5em' }} />
        </label>
      </form>
      <span className="muted ellipsis" data-testid="section-range" title={current.label}>
        {current.label}
      </span>
    </nav>
  );
}
