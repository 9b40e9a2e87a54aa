/**
 * Which Hub pipeline tags fit a transformers architecture class (`LlamaForCausalLM`) or
 * model type. Used to check a card's `pipeline_tag` and to guess one for a draft.
 */

/** Class-name suffixes, most specific first, with the pipelines that fit. The first pipeline is the best guess. */
const SUFFIX_PIPELINES: readonly [suffix: string, pipelines: readonly string[]][] = [
  ['ForCausalLM', ['text-generation']],
  ['LMHeadModel', ['text-generation']],
  ['ForSequenceClassification', ['text-classification', 'zero-shot-classification', 'text-ranking', 'sentence-similarity']],
  ['ForTokenClassification', ['token-classification']],
  ['ForQuestionAnswering', ['question-answering', 'document-question-answering', 'table-question-answering']],
  ['ForMaskedLM', ['fill-mask', 'feature-extraction', 'sentence-similarity']],
  ['ForMultipleChoice', ['multiple-choice']],
  ['ForImageClassification', ['image-classification', 'image-feature-extraction']],
  ['ForObjectDetection', ['object-detection', 'zero-shot-object-detection']],
  ['ForSemanticSegmentation', ['image-segmentation']],
  ['ForInstanceSegmentation', ['image-segmentation']],
  ['ForUniversalSegmentation', ['image-segmentation']],
  ['ForDepthEstimation', ['depth-estimation']],
  ['ForAudioClassification', ['audio-classification']],
  ['ForCTC', ['automatic-speech-recognition']],
  ['ForSpeechSeq2Seq', ['automatic-speech-recognition']],
  ['ForTextToSpeech', ['text-to-speech', 'text-to-audio']],
  ['ForImageTextToText', ['image-text-to-text', 'image-to-text', 'visual-question-answering']],
  ['ForVision2Seq', ['image-text-to-text', 'image-to-text', 'visual-question-answering']],
  ['ForVisualQuestionAnswering', ['visual-question-answering', 'image-text-to-text']],
  ['ForZeroShotImageClassification', ['zero-shot-image-classification']],
  ['ForMaskGeneration', ['mask-generation']],
  ['ForKeypointDetection', ['keypoint-detection']],
  ['ForVideoClassification', ['video-classification']],
  ['ForTimeSeriesForecasting', ['time-series-forecasting']],
  ['ForPrediction', ['time-series-forecasting']],
];

const SEQ2SEQ_TEXT = ['text-generation', 'translation', 'summarization', 'question-answering', 'text2text-generation'];
const VISION_LANGUAGE = ['image-text-to-text', 'image-to-text', 'visual-question-answering'];

/** `*ForConditionalGeneration` means different tasks per family; keyed by `model_type`. */
const CONDITIONAL_GENERATION: Record<string, readonly string[]> = {
  whisper: ['automatic-speech-recognition'],
  speech_to_text: ['automatic-speech-recognition'],
  seamless_m4t: ['translation', 'automatic-speech-recognition', 'text-to-speech'],
  musicgen: ['text-to-audio'],
  bark: ['text-to-speech', 'text-to-audio'],
  t5: SEQ2SEQ_TEXT,
  mt5: SEQ2SEQ_TEXT,
  umt5: SEQ2SEQ_TEXT,
  bart: SEQ2SEQ_TEXT,
  mbart: SEQ2SEQ_TEXT,
  pegasus: SEQ2SEQ_TEXT,
  led: SEQ2SEQ_TEXT,
  marian: ['translation'],
  m2m_100: ['translation'],
  nllb: ['translation'],
  llava: VISION_LANGUAGE,
  llava_next: VISION_LANGUAGE,
  paligemma: VISION_LANGUAGE,
  qwen2_vl: VISION_LANGUAGE,
  qwen2_5_vl: VISION_LANGUAGE,
  idefics2: VISION_LANGUAGE,
  idefics3: VISION_LANGUAGE,
  gemma3: VISION_LANGUAGE,
  mllama: VISION_LANGUAGE,
  blip: VISION_LANGUAGE,
  blip_2: VISION_LANGUAGE,
  florence2: VISION_LANGUAGE,
};

/** Whole class names whose task is known without a suffix rule. */
const CLASS_PIPELINES: Record<string, readonly string[]> = {
  MarianMTModel: ['translation'],
  WhisperForConditionalGeneration: ['automatic-speech-recognition'],
  CLIPModel: ['zero-shot-image-classification', 'feature-extraction', 'image-feature-extraction'],
  SiglipModel: ['zero-shot-image-classification', 'feature-extraction', 'image-feature-extraction'],
};

/**
 * The pipeline tags that fit an architecture class, best guess first; `undefined` when
 * Loupe cannot tell (bare `*Model` encoders, unknown families), so nothing is checked.
 */
export function pipelinesForArchitecture(architecture: string, modelType?: string): readonly string[] | undefined {
  const known = CLASS_PIPELINES[architecture];
  if (known) return known;
  if (architecture.endsWith('ForConditionalGeneration')) {
    if (modelType && Object.prototype.hasOwnProperty.call(CONDITIONAL_GENERATION, modelType)) return CONDITIONAL_GENERATION[modelType];
    return architecture.startsWith('Whisper') ? ['automatic-speech-recognition'] : undefined;
  }
  for (const [suffix, pipelines] of SUFFIX_PIPELINES) {
    if (architecture.endsWith(suffix)) return pipelines;
  }
  return undefined;
}

/** The most likely pipeline tag for a config's architectures, or `undefined` when none fits. */
export function guessPipelineTag(architectures: readonly string[], modelType?: string): string | undefined {
  for (const architecture of architectures) {
    const pipelines = pipelinesForArchitecture(architecture, modelType);
    if (pipelines?.[0]) return pipelines[0];
  }
  return undefined;
}
