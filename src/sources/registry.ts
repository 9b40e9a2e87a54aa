import type { ByteSource } from '../model/byte-source';
import type { DocumentSource } from '../model/document';
import { hubPinnedByteSource, type HubFilePin } from './hub-source';
import { localByteSource, type LocalFile } from './local-source';
import { zenodoPinnedByteSource, type ZenodoFilePin } from './zenodo-source';
import type { ReadCost } from './model-source';

/** One kind of source in the registry: what the user gives, and what reading it costs. */
export interface SourceKind {
  id: DocumentSource['kind'];
  label: string;
  readCost: ReadCost;
  /** Its row in the README's "What it opens" table, when it is opened from an address rather than dropped. */
  readme?: { input: string; reads: string };
}

/** Every source Loupe opens models from. */
export const SOURCES: readonly SourceKind[] = [
  { id: 'local', label: 'files and folders', readCost: 'local' },
  { id: 'example', label: 'the bundled example', readCost: 'local' },
  {
    id: 'hub',
    label: 'Hugging Face Hub',
    readCost: 'range',
    readme: {
      input: 'a Hub repo URL',
      reads:
        '`https://huggingface.co/ORG/NAME[/tree/REV/…]`, `ORG/NAME@REV`, `hf.co` links. Pinned to the commit the Hub reports; config, card and index read whole, safetensors headers by Range, six shards at a time',
    },
  },
  {
    id: 'zenodo',
    label: 'Zenodo',
    readCost: 'stream',
    readme: {
      input: 'a Zenodo record URL or DOI',
      reads:
        '`https://zenodo.org/records/N`, `https://doi.org/10.5281/zenodo.N`, `10.5281/zenodo.N`, sandbox links. One request for the record, one per file opened: content URLs ignore Range, so each file streams from its start and is cut off once its header has arrived',
    },
  },
];

/** A file of any source, as it crosses to the worker to be read again. */
export type PinnedFile = LocalFile | HubFilePin | ZenodoFilePin;

/** The bytes of one file, whatever its source: inspecting one file works the same for all. */
export function pinnedByteSource(file: PinnedFile): ByteSource {
  if ('blob' in file) return localByteSource(file);
  return 'contentUrl' in file ? zenodoPinnedByteSource(file) : hubPinnedByteSource(file);
}
