import type { FormatModule } from '../format-module';
import { isSafetensorsIndex, parseSafetensorsIndex, type SafetensorsIndex } from './parse-safetensors-index';

/**
 * `*.safetensors.index.json`: a JSON object whose `weight_map` is an object. The sharded
 * checkpoint's phrase in "Loupe opens …" is safetensors'.
 */
export const safetensorsIndexFormat: FormatModule<SafetensorsIndex> = {
  id: 'safetensors-index',
  label: 'safetensors index',
  readme: {
    input: 'a sharded checkpoint folder',
    reads: "`model.safetensors.index.json` and every shard's header, merged; a missing shard is a warning that names it",
  },
  extensions: ['.safetensors.index.json'],
  role: 'sidecar',
  json: true,
  sniff: (_head, _source, json) => isSafetensorsIndex(json),
  parse: parseSafetensorsIndex,
  contribute(index, source, draft) {
    draft.document.files.push({ format: 'safetensors-index', path: source.name, totalSize: index.totalSize, shards: index.shards });
    // An index may list safetensors shards or pytorch_model-*.bin shards: any weights file counts as present.
    const present = new Set(draft.group.filter((f) => f.role === 'weights').map((f) => f.path));
    for (const shard of index.shards) {
      const path = joinPath(dirname(source.name), shard);
      if (!present.has(path)) {
        draft.document.warnings.push({
          severity: 'warning',
          code: 'shard-missing',
          file: path,
          field: 'weight_map',
          message: `Shard ${shard} is listed in ${source.name} but was not among the files given; its tensors are not shown.`,
        });
      }
    }
  },
};

function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function joinPath(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}
