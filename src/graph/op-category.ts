/** The families ops are colored by. The order is the legend's. */
export const OP_CATEGORIES = [
  'conv',
  'matmul',
  'activation',
  'normalization',
  'elementwise',
  'shape',
  'reduction',
  'control',
  'quantization',
  'other',
] as const;

/** One of OP_CATEGORIES. */
export type OpCategory = (typeof OP_CATEGORIES)[number];

/** The UI's color scheme; the diagram's classDef colors follow it. */
export type DiagramTheme = 'light' | 'dark';

/** Human names of the categories, for the legend. */
export const CATEGORY_LABELS: Record<OpCategory, string> = {
  conv: 'Convolution and pooling',
  matmul: 'MatMul, Gemm and attention',
  activation: 'Activation',
  normalization: 'Normalization',
  elementwise: 'Elementwise math',
  shape: 'Shape, reshape and indexing',
  reduction: 'Reduction',
  control: 'Control flow (If, Loop, Scan)',
  quantization: 'Quantization',
  other: 'Other',
};

const GROUPS: Record<Exclude<OpCategory, 'other'>, string> = {
  conv: 'Conv ConvTranspose ConvInteger DeformConv Col2Im AveragePool MaxPool LpPool GlobalAveragePool GlobalMaxPool GlobalLpPool MaxRoiPool MaxUnpool RoiAlign NhwcConv FusedConv',
  matmul:
    'MatMul Gemm Einsum Attention MultiHeadAttention GroupQueryAttention PackedAttention DecoderMaskedMultiHeadAttention FusedMatMul FusedGemm SparseAttention',
  activation:
    'Relu LeakyRelu PRelu Elu Selu Celu Gelu FastGelu BiasGelu QuickGelu Sigmoid HardSigmoid HardSwish Swish Tanh Softmax LogSoftmax Hardmax Softplus Softsign Mish ThresholdedRelu Shrink BiasSoftmax',
  normalization:
    'BatchNormalization LayerNormalization GroupNormalization InstanceNormalization LpNormalization LRN MeanVarianceNormalization RMSNormalization SimplifiedLayerNormalization SkipLayerNormalization SkipSimplifiedLayerNormalization EmbedLayerNormalization',
  elementwise:
    'Add Sub Mul Div Pow Sqrt Exp Log Abs Neg Reciprocal Floor Ceil Round Sign Erf Sin Cos Tan Asin Acos Atan Sinh Cosh Asinh Acosh Atanh Min Max Mean Sum Mod Clip Equal Greater GreaterOrEqual Less LessOrEqual And Or Not Xor Where IsNaN IsInf BitShift BitwiseAnd BitwiseOr BitwiseXor BitwiseNot Cast CastLike RotaryEmbedding BiasAdd',
  shape:
    'Reshape Transpose Flatten Squeeze Unsqueeze Concat Split Slice Gather GatherElements GatherND Scatter ScatterElements ScatterND Expand Tile Pad Shape Size ConstantOfShape Range Resize Upsample DepthToSpace SpaceToDepth Identity Compress NonZero Trilu OneHot ReverseSequence CenterCropPad EyeLike TensorScatter',
  reduction:
    'ReduceSum ReduceMean ReduceMax ReduceMin ReduceProd ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp ReduceSumSquare ArgMax ArgMin CumSum TopK Unique NonMaxSuppression',
  control: 'If Loop Scan SequenceMap',
  quantization:
    'QuantizeLinear DequantizeLinear DynamicQuantizeLinear QLinearConv QLinearMatMul MatMulInteger MatMulNBits MatMulIntegerToFloat DynamicQuantizeMatMul QAttention GatherBlockQuantized',
};

const CATEGORY_OF = new Map<string, OpCategory>();
for (const [category, ops] of Object.entries(GROUPS) as [OpCategory, string][]) {
  for (const op of ops.split(' ')) CATEGORY_OF.set(op, category);
}

/**
 * The category of an op type, for coloring. Exact names first, then families by prefix
 * (`QLinear*` and `*Quantize*` are quantization, `Reduce*` reduction, `Sequence*` shape).
 * The domain is not needed: contrib ops that share a name with a standard op do the same job.
 */
export function categoryOf(opType: string): OpCategory {
  const exact = CATEGORY_OF.get(opType);
  if (exact) return exact;
  if (opType.startsWith('QLinear') || /quantiz/i.test(opType)) return 'quantization';
  if (opType.startsWith('Reduce')) return 'reduction';
  if (opType.startsWith('Sequence') || opType.startsWith('Split')) return 'shape';
  if (opType.endsWith('Normalization')) return 'normalization';
  if (opType.endsWith('Attention')) return 'matmul';
  return 'other';
}

/** A fill, stroke and text color. */
export interface BoxColors {
  fill: string;
  stroke: string;
  color: string;
}

/** Colors per category and theme; the dark ones are muted fills with light text. */
export const CATEGORY_COLORS: Record<DiagramTheme, Record<OpCategory, BoxColors>> = {
  light: {
    conv: { fill: '#dbeafe', stroke: '#2563eb', color: '#0f172a' },
    matmul: { fill: '#ede9fe', stroke: '#7c3aed', color: '#0f172a' },
    activation: { fill: '#fef3c7', stroke: '#d97706', color: '#0f172a' },
    normalization: { fill: '#dcfce7', stroke: '#16a34a', color: '#0f172a' },
    elementwise: { fill: '#f1f5f9', stroke: '#64748b', color: '#0f172a' },
    shape: { fill: '#e0f2fe', stroke: '#0891b2', color: '#0f172a' },
    reduction: { fill: '#fce7f3', stroke: '#db2777', color: '#0f172a' },
    control: { fill: '#fee2e2', stroke: '#dc2626', color: '#0f172a' },
    quantization: { fill: '#ffedd5', stroke: '#ea580c', color: '#0f172a' },
    other: { fill: '#f8fafc', stroke: '#94a3b8', color: '#0f172a' },
  },
  dark: {
    conv: { fill: '#1e3a8a', stroke: '#60a5fa', color: '#f1f5f9' },
    matmul: { fill: '#4c1d95', stroke: '#a78bfa', color: '#f1f5f9' },
    activation: { fill: '#78350f', stroke: '#fbbf24', color: '#f1f5f9' },
    normalization: { fill: '#14532d', stroke: '#4ade80', color: '#f1f5f9' },
    elementwise: { fill: '#334155', stroke: '#94a3b8', color: '#f1f5f9' },
    shape: { fill: '#164e63', stroke: '#22d3ee', color: '#f1f5f9' },
    reduction: { fill: '#831843', stroke: '#f472b6', color: '#f1f5f9' },
    control: { fill: '#7f1d1d', stroke: '#f87171', color: '#f1f5f9' },
    quantization: { fill: '#7c2d12', stroke: '#fb923c', color: '#f1f5f9' },
    other: { fill: '#1e293b', stroke: '#64748b', color: '#f1f5f9' },
  },
};

/** The kinds of boxes that are not ops, each with its own style. */
export type BoxStyleKind = 'scope' | 'fold' | 'io' | 'stub' | 'highlight';

/** Colors of the non-op boxes per theme. */
export const KIND_COLORS: Record<DiagramTheme, Record<BoxStyleKind, BoxColors>> = {
  light: {
    scope: { fill: '#ffffff', stroke: '#334155', color: '#0f172a' },
    fold: { fill: '#f5f3ff', stroke: '#6d28d9', color: '#0f172a' },
    io: { fill: '#ecfdf5', stroke: '#059669', color: '#0f172a' },
    stub: { fill: '#f8fafc', stroke: '#cbd5e1', color: '#475569' },
    highlight: { fill: '#fef08a', stroke: '#ca8a04', color: '#0f172a' },
  },
  dark: {
    scope: { fill: '#0f172a', stroke: '#cbd5e1', color: '#f1f5f9' },
    fold: { fill: '#2e1065', stroke: '#c4b5fd', color: '#f1f5f9' },
    io: { fill: '#064e3b', stroke: '#34d399', color: '#f1f5f9' },
    stub: { fill: '#1e293b', stroke: '#475569', color: '#cbd5e1' },
    highlight: { fill: '#713f12', stroke: '#facc15', color: '#fef9c3' },
  },
};

/** One row of the legend. */
export interface LegendEntry {
  category: OpCategory;
  label: string;
  colors: BoxColors;
}

/** The legend for a theme: every category, or only those given (in legend order). */
export function legendFor(theme: DiagramTheme, used?: Iterable<OpCategory>): LegendEntry[] {
  const keep = used ? new Set(used) : undefined;
  return OP_CATEGORIES.filter((c) => !keep || keep.has(c)).map((category) => ({
    category,
    label: CATEGORY_LABELS[category],
    colors: CATEGORY_COLORS[theme][category],
  }));
}
