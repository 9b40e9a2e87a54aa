import type { ModelDocument } from '../../model/document';

/**
 * The model card's source. It is shown as text (React escapes it), never as HTML:
 * a card is untrusted, and rendering it needs the sanitizing renderer.
 */
export function CardView({ document }: { document: ModelDocument }) {
  const { card } = document;
  if (!card) return <p className="empty">No model card (README.md) was given with this model.</p>;
  return (
    <div className="card-view">
      <p className="muted">{card.path}, shown as source text.</p>
      {card.frontMatter !== undefined && (
        <section className="panel">
          <h2>Metadata (YAML front matter)</h2>
          <pre className="source" data-testid="card-front-matter">{card.frontMatter}</pre>
        </section>
      )}
      <section className="panel">
        <h2>Body</h2>
        <pre className="source" data-testid="card-source">{card.body}</pre>
      </section>
    </div>
  );
}
