import { CancelledError, toLoupeError, type ErrorCode, type LoupeError, type SerializedError } from '../model/errors';
import { isRecord } from '../model/is-record';

/**
 * The envelope every worker speaks, after Model Explorer's `worker_events` and Excalidraw's
 * `WorkerPool<T, R>`: a workload declares a map from request type to its payload and its answer
 * (`RequestMap`), and the generic client and server carry any such map. Messages are data from
 * another realm, so each side checks them where they arrive: requests by the workload's guard,
 * answers by the guard of the request type they answer.
 */

/** For each request type of M: what the page sends, and what the worker answers. */
export type RequestMap<M> = { [K in keyof M]: { request: object; response: unknown } };

/** One request of type K on the wire: its tag, its id and its payload. */
export type RequestOf<M extends RequestMap<M>, K extends keyof M & string> = { type: K; id: number } & M[K]['request'];

/** Any request of M: the tagged union. */
export type WorkerRequest<M extends RequestMap<M>> = { [K in keyof M & string]: RequestOf<M, K> }[keyof M & string];

/** A typed error on the wire: the LoupeError fields plus what a workload's own errors add (an ORT error's node and detail). */
export type WireError = SerializedError & { node?: string; detail?: string };

/** What the worker posts: progress of a request, its answer, or its error; `cancel` is the page's only other message. */
export type WorkerResponse<P> =
  { type: 'progress'; id: number; progress: P } | { type: 'result'; id: number; result: unknown } | { type: 'error'; id: number; error: WireError };

export interface CancelMessage {
  type: 'cancel';
  id: number;
}

/** What a handler gets beside its request: the request's abort signal, a progress callback, and a transfer list for its answer. */
export interface HandlerContext<P> {
  signal: AbortSignal;
  progress: (progress: P) => void;
  /** Buffers to move, not copy, with the answer (the worker forgets them). */
  transfer: (buffers: Transferable[]) => void;
}

/** The pure work of a workload, one function per request type. The worker entry serves them; the main thread runs them when no worker starts. */
export type Handlers<M extends RequestMap<M>, P> = {
  [K in keyof M & string]: (request: RequestOf<M, K>, context: HandlerContext<P>) => Promise<M[K]['response']> | M[K]['response'];
};

/** A guard per request type for its answer. */
export type ResponseGuards<M extends RequestMap<M>> = { [K in keyof M & string]: (value: unknown) => value is M[K]['response'] };

/** Everything the two sides share about one workload. */
export interface WorkerProtocol<M extends RequestMap<M>, P> {
  /** For messages: "the parse worker …". */
  name: string;
  isRequest: (value: unknown) => value is WorkerRequest<M>;
  isResponse: ResponseGuards<M>;
  isProgress: (value: unknown) => value is P;
  /** Rebuilds the workload's typed error (HubError, InferenceError) from the wire. */
  fromWire: (error: WireError) => LoupeError;
  /** Writes a thrown value for the wire; LoupeError's own toJSON by default. */
  toWire?: (error: unknown) => WireError;
}

const ERROR_CODES: readonly ErrorCode[] = ['format', 'unsupported', 'cancelled', 'io', 'worker', 'internal'];

export function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

const optionalString = (value: unknown) => value === undefined || typeof value === 'string';

export function isWireError(value: unknown): value is WireError {
  return (
    isRecord(value) &&
    typeof value.message === 'string' &&
    ERROR_CODES.includes(value.code as ErrorCode) &&
    optionalString(value.kind) &&
    optionalString(value.node) &&
    optionalString(value.detail) &&
    (value.retryAfterMs === undefined || typeof value.retryAfterMs === 'number')
  );
}

/** The envelope's check; the payload's check is the protocol's, by request type. */
export function isWorkerResponse<P>(value: unknown, isProgress: (value: unknown) => value is P): value is WorkerResponse<P> {
  if (!isRecord(value) || !isId(value.id)) return false;
  switch (value.type) {
    case 'progress':
      return isProgress(value.progress);
    case 'result':
      return 'result' in value;
    case 'error':
      return isWireError(value.error);
    default:
      return false;
  }
}

export function isCancelMessage(value: unknown): value is CancelMessage {
  return isRecord(value) && value.type === 'cancel' && isId(value.id);
}

/** Runs one request on its handler; generic in K so that the handler and its request stay paired without a cast. */
export function runHandler<M extends RequestMap<M>, P, K extends keyof M & string>(
  handlers: Handlers<M, P>,
  request: RequestOf<M, K>,
  context: HandlerContext<P>,
): Promise<M[K]['response']> {
  const handler: Handlers<M, P>[K] = handlers[request.type];
  return Promise.resolve().then(() => handler(request, context));
}

/**
 * The worker side: checks each message, runs it on its handler and posts the answer. `serial`
 * runs one request at a time in arrival order (an ORT session is not re-entrant); otherwise
 * requests run side by side and a `cancel` message aborts one.
 */
export function serveRequests<M extends RequestMap<M>, P>(
  protocol: WorkerProtocol<M, P>,
  handlers: Handlers<M, P>,
  post: (message: WorkerResponse<P>, transfer?: Transferable[]) => void,
  { serial = false }: { serial?: boolean } = {},
): (data: unknown) => void {
  const inFlight = new Map<number, AbortController>();
  const toWire = protocol.toWire ?? ((error: unknown) => toLoupeError(error).toJSON());
  let queue: Promise<unknown> = Promise.resolve();
  return (data: unknown) => {
    if (isCancelMessage(data)) {
      inFlight.get(data.id)?.abort(new CancelledError());
      return;
    }
    if (!protocol.isRequest(data)) {
      console.error(`${protocol.name} worker: ignored a malformed request`, data);
      return;
    }
    const { id } = data;
    const controller = new AbortController();
    let transfer: Transferable[] = [];
    const context: HandlerContext<P> = {
      signal: controller.signal,
      progress: (progress) => post({ type: 'progress', id, progress }),
      transfer: (buffers) => {
        transfer = buffers;
      },
    };
    const work = async () => {
      inFlight.set(id, controller);
      try {
        const result = await runHandler(handlers, data, context);
        post({ type: 'result', id, result }, transfer);
      } catch (error) {
        post({ type: 'error', id, error: toWire(error) });
      } finally {
        inFlight.delete(id);
      }
    };
    if (serial) queue = queue.then(work);
    else void work();
  };
}
