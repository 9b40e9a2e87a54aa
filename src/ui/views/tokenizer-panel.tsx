import hljs from 'highlight.js/lib/core';
import django from 'highlight.js/lib/languages/django';
import '../highlight-theme.css';
import { useEffect, useMemo, useState } from 'react';
import { knownSpecialTokens } from '../../formats/tokenizer/lint-tokenizer';
import { SAMPLE_CONVERSATION, type ChatMessage } from '../../formats/tokenizer/render-chat-template';
import type { Tokenized } from '../../formats/tokenizer/tokenize';
import { SPECIAL_ROLES, templateKey, type TokenizerFacts } from '../../formats/tokenizer/tokenizer-facts';
import { TokenizerClient } from '../../workers/tokenizer-client';
import type { RenderedTemplate } from '../../workers/tokenizer-work';
import { formatBytes, formatInteger } from '../../model/units';

hljs.registerLanguage('django', django);

/** The tokenizer of a document, loaded in its worker; `ready` once tokenizer.json is built there. */
export function useTokenizerClient(tokenizer: TokenizerFacts | undefined): { client?: TokenizerClient; ready: boolean; error?: string; loadMs?: number } {
  const [state, setState] = useState<{ client?: TokenizerClient; ready: boolean; error?: string; loadMs?: number }>({ ready: false });
  const json = tokenizer?.tokenizerJson;
  const config = tokenizer?.config?.raw;
  useEffect(() => {
    if (!tokenizer) return;
    const client = new TokenizerClient();
    let live = true;
    // The state is set once the worker answers (the template renders need no tokenizer.json).
    const loaded: Promise<{ ready: boolean; error?: string; loadMs?: number }> = json
      ? client.load({ file: json.file, json: json.text, config: config ?? {} }).then(
          ({ ms }) => ({ ready: true, loadMs: ms }),
          (error: unknown) => ({ ready: false, error: error instanceof Error ? error.message : String(error) }),
        )
      : Promise.resolve({ ready: false });
    void loaded.then((state) => live && setState({ client, ...state }));
    return () => {
      live = false;
      client.dispose();
    };
  }, [tokenizer, json, config]);
  return state;
}

/** The role tokens as transformers passes them to a template (`bos_token` …), tokenizer_config over special_tokens_map. */
export function roleTokens(tokenizer: TokenizerFacts): Record<string, string> {
  return Object.fromEntries(
    Object.entries({ ...tokenizer.specialTokensMap?.specialTokens, ...tokenizer.config?.specialTokens }).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    ),
  );
}

/**
 * The Tokenizer section of the Overview: what the tokenizer is, its special tokens, the
 * generation defaults, a live tokenizer box, and the chat templates rendered for a sample.
 */
export function TokenizerPanel({ tokenizer }: { tokenizer: TokenizerFacts }) {
  const { client, ready, error, loadMs } = useTokenizerClient(tokenizer);
  const model = tokenizer.models[0];
  const idOf = useMemo(() => {
    const ids = new Map<string, number>();
    for (const t of tokenizer.config?.addedTokensDecoder ?? []) ids.set(t.content, t.id);
    for (const m of tokenizer.models) for (const t of m.addedTokens) ids.set(t.content, t.id);
    return ids;
  }, [tokenizer]);
  const roles = roleTokens(tokenizer);
  const generation = tokenizer.generation;

  return (
    <section className="panel tokenizer" aria-label="Tokenizer" data-testid="tokenizer-section">
      <h2>Tokenizer</h2>
      {model && (
        <dl className="kv" data-testid="tokenizer-facts" data-type={model.type} data-vocab-size={model.vocabSize}>
          <dt>type</dt>
          <dd>{model.type}</dd>
          <dt>vocabulary</dt>
          <dd>
            {formatInteger(model.vocabSize)} ids ({formatInteger(model.modelVocabSize)} in the model, {model.addedTokens.length} added)
            {model.merges !== undefined && `, ${formatInteger(model.merges)} merges`}
          </dd>
          {(['normalizer', 'preTokenizer', 'postProcessor', 'decoder'] as const).map(
            (k) => model[k] && [<dt key={`${k}-t`}>{k}</dt>, <dd key={k}>{model[k]}</dd>],
          )}
          <dt>file</dt>
          <dd>
            {model.file}
            {model.bytes !== undefined && `: ${formatBytes(model.bytes)}, summarized in ${model.parseMs ?? 0} ms`}
            {loadMs !== undefined && `; tokenizer built in ${loadMs} ms`}
          </dd>
        </dl>
      )}
      {tokenizer.config?.modelMaxLength !== undefined && <p>model_max_length: {formatInteger(tokenizer.config.modelMaxLength)}</p>}

      <h3>Special tokens</h3>
      <table className="grid" data-testid="special-tokens">
        <thead>
          <tr>
            <th>role</th>
            <th>text</th>
            <th className="num">id</th>
          </tr>
        </thead>
        <tbody>
          {SPECIAL_ROLES.filter((r) => roles[r] !== undefined).map((role) => (
            <tr key={role} data-testid="special-token" data-role={role} data-id={idOf.get(roles[role]!)}>
              <td>{role}</td>
              <td>
                <code>{roles[role]}</code>
              </td>
              <td className="num">{idOf.get(roles[role]!) ?? '—'}</td>
            </tr>
          ))}
          {knownSpecialTokens(tokenizer)
            .filter((t) => !Object.values(roles).includes(t))
            .map((t) => (
              <tr key={t} data-testid="special-token" data-id={idOf.get(t)}>
                <td>added</td>
                <td>
                  <code>{t}</code>
                </td>
                <td className="num">{idOf.get(t) ?? '—'}</td>
              </tr>
            ))}
        </tbody>
      </table>

      {generation && (
        <>
          <h3>Generation defaults</h3>
          <dl className="kv" data-testid="generation-defaults">
            <dt>sampling</dt>
            <dd>{generation.doSample === undefined ? 'not set (greedy)' : generation.doSample ? 'sampled' : 'greedy'}</dd>
            {generation.temperature !== undefined && [<dt key="t">temperature</dt>, <dd key="tv">{generation.temperature}</dd>]}
            {generation.topP !== undefined && [<dt key="p">top-p</dt>, <dd key="pv">{generation.topP}</dd>]}
            {generation.topK !== undefined && [<dt key="k">top-k</dt>, <dd key="kv">{generation.topK}</dd>]}
            {generation.maxNewTokens !== undefined && [<dt key="m">max new tokens</dt>, <dd key="mv">{generation.maxNewTokens}</dd>]}
            {generation.eosTokenId && [
              <dt key="s">stop ids</dt>,
              <dd key="sv" data-testid="stop-ids">
                {generation.eosTokenId.join(', ')}
              </dd>,
            ]}
          </dl>
        </>
      )}

      {tokenizer.tokenizerJson && <TokenizerBox client={client} ready={ready} error={error} />}
      {tokenizer.templates.length > 0 && <ChatTemplates tokenizer={tokenizer} client={client} />}
    </section>
  );
}

const TOKEN_COLOURS = 8;

function TokenizerBox({ client, ready, error }: { client?: TokenizerClient; ready: boolean; error?: string }) {
  const [text, setText] = useState('Hello world! What is the capital of France?');
  const [result, setResult] = useState<Tokenized>();
  useEffect(() => {
    if (!client || !ready) return;
    let live = true;
    client.encode(text).then(
      (r) => live && setResult(r),
      () => live && setResult(undefined),
    );
    return () => {
      live = false;
    };
  }, [client, ready, text]);
  return (
    <>
      <h3>Try the tokenizer</h3>
      {error && <p className="diag diag-error">{error}</p>}
      <textarea aria-label="Text to tokenize" data-testid="tokenizer-input" rows={2} value={text} onChange={(e) => setText(e.target.value)} />
      {result && (
        <div data-testid="tokens" data-count={result.ids.length} data-ids={result.ids.join(',')}>
          <small>{formatInteger(result.ids.length)} tokens</small>
          <div className="tokens">
            {result.tokens.map((token, i) => (
              <span key={i} className={`token token-${i % TOKEN_COLOURS}`} title={`id ${result.ids[i]}`}>
                {token}
                <sub>{result.ids[i]}</sub>
              </span>
            ))}
          </div>
        </div>
      )}
    </>
  );
}

function ChatTemplates({ tokenizer, client }: { tokenizer: TokenizerFacts; client?: TokenizerClient }) {
  const [index, setIndex] = useState(0);
  const template = tokenizer.templates[Math.min(index, tokenizer.templates.length - 1)]!;
  const [messages, setMessages] = useState<ChatMessage[]>(() => SAMPLE_CONVERSATION.map((m) => ({ ...m })));
  const [addGenerationPrompt, setAddGenerationPrompt] = useState(true);
  const [rendered, setRendered] = useState<RenderedTemplate>();
  const flags = tokenizer.flags[templateKey(template)] ?? [];
  const specials = useMemo(() => knownSpecialTokens(tokenizer), [tokenizer]);
  const roles = useMemo(() => roleTokens(tokenizer), [tokenizer]);
  const highlighted = useMemo(() => hljs.highlight(template.source, { language: 'django' }).value, [template.source]);
  const flaggedLines = new Set(flags.map((f) => f.line));

  useEffect(() => {
    if (!client) return;
    let live = true;
    client.render(template.source, messages, addGenerationPrompt, roles, specials).then(
      (r) => live && setRendered(r),
      (error: unknown) => live && setRendered({ result: { ok: false, stage: 'render', error: String(error) }, parts: [] }),
    );
    return () => {
      live = false;
    };
  }, [client, template.source, messages, addGenerationPrompt, roles, specials]);

  return (
    <>
      <h3>Chat template</h3>
      {tokenizer.templates.length > 1 && (
        <label>
          template{' '}
          <select data-testid="template-select" value={index} onChange={(e) => setIndex(Number(e.target.value))}>
            {tokenizer.templates.map((t, i) => (
              <option key={i} value={i}>
                {t.name} ({t.file})
              </option>
            ))}
          </select>
        </label>
      )}
      {flags.length > 0 && (
        <ul data-testid="template-flags" aria-label="Template risk flags">
          {flags.map((f, i) => (
            <li key={i} data-testid="template-flag" data-code={f.code} data-line={f.line} className="diag diag-warning">
              {f.message}
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary>
          Source ({template.file}, {template.source.split('\n').length} lines{flaggedLines.size > 0 && `; flagged lines ${[...flaggedLines].join(', ')}`})
        </summary>
        {/* highlight.js escapes the text it is given; its output holds only its own spans. */}
        <pre className="template-source hljs" data-testid="template-source">
          <code dangerouslySetInnerHTML={{ __html: highlighted }} />
        </pre>
      </details>
      <fieldset className="sample-conversation">
        <legend>Sample conversation</legend>
        {messages.map((m, i) => (
          <label key={i}>
            {m.role}
            <textarea
              rows={1}
              data-testid="sample-message"
              value={m.content}
              onChange={(e) => setMessages(messages.map((n, k) => (k === i ? { ...n, content: e.target.value } : n)))}
            />
          </label>
        ))}
        <label>
          <input type="checkbox" checked={addGenerationPrompt} onChange={(e) => setAddGenerationPrompt(e.target.checked)} /> add_generation_prompt
        </label>
      </fieldset>
      {rendered && !rendered.result.ok && (
        <p className="diag diag-error" data-testid="template-error">
          The template fails to render: {rendered.result.error}
        </p>
      )}
      {rendered?.result.ok && (
        <pre className="rendered-template" data-testid="chat-template" data-template={template.name}>
          {rendered.parts.map((p, i) =>
            p.special ? (
              <mark key={i} className="special-token">
                {p.text}
              </mark>
            ) : (
              <span key={i}>{p.text}</span>
            ),
          )}
        </pre>
      )}
    </>
  );
}
