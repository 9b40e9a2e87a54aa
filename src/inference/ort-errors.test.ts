import { describe, expect, it } from 'vitest';
import { describeOrtError, findNode, InferenceError, stripOrtMessage } from './ort-errors';

describe('describeOrtError', () => {
  it('says which operator has no kernel, and where', () => {
    const d = describeOrtError(
      new Error("Can't create a session. ERROR_CODE: 9, ERROR_MESSAGE: Could not find an implementation for BitShift(11) node with name 'shift_1'"),
      'session',
    );
    expect(d.kind).toBe('unsupported');
    expect(d.message).toBe(
      "ONNX Runtime could not load the model: this runtime has no kernel for BitShift (opset 11) with these types at node 'shift_1' (BitShift).",
    );
    expect(d.node).toEqual({ name: 'shift_1', opType: 'BitShift' });
    expect(describeOrtError("Could not find an implementation for Max(13) node with name ''", 'session').message).toMatch(/at an unnamed Max node\.$/);
  });

  it('names the node a run failed at and keeps the status message', () => {
    const raw =
      "failed to call OrtRun(). ERROR_CODE: 2, ERROR_MESSAGE: Non-zero status code returned while running Add node. Name:'/model/Add_3' Status Message: /onnxruntime/onnxruntime/core/providers/cpu/math/element_wise_ops.h:540 void onnxruntime::BroadcastIterator::Append(ptrdiff_t, ptrdiff_t) axis == 1 || axis == largest was false. Attempting to broadcast an axis by a dimension other than 1. 3 by 4";
    const d = describeOrtError(new Error(raw), 'run');
    expect(d.kind).toBe('invalid-input');
    expect(d.node).toEqual({ name: '/model/Add_3', opType: 'Add' });
    expect(d.message).toBe(
      "The run failed at node '/model/Add_3' (Add): axis == 1 || axis == largest was false. Attempting to broadcast an axis by a dimension other than 1. 3 by 4",
    );
  });

  it('explains shape, type and missing-input errors in words', () => {
    expect(
      describeOrtError(
        '[ONNXRuntimeError] : 2 : INVALID_ARGUMENT : Got invalid dimensions for input: x for the following indices\n index: 1 Got: 4 Expected: 3\n Please fix either the inputs/outputs or the model.',
        'run',
      ).message,
    ).toBe('The input x has the wrong shape: dimension 1 is 4 but the model needs 3.');
    expect(describeOrtError("input 'ids' is missing in 'feeds'.", 'run')).toMatchObject({ kind: 'invalid-input', message: 'The input ids was not given.' });
    expect(describeOrtError('Unexpected input data type. Actual: (tensor(int32)) , expected: (tensor(int64))', 'run').message).toBe(
      'An input has the type tensor(int32) where the model needs tensor(int64).',
    );
  });

  it('recognizes a file that is not a model', () => {
    const d = describeOrtError(
      new Error("Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: Failed to load model because protobuf parsing failed."),
      'session',
    );
    expect(d).toMatchObject({
      kind: 'invalid-model',
      message: 'ONNX Runtime could not load the model: the file is not a valid ONNX model (its protobuf could not be read).',
    });
  });

  it('strips C++ source locations and signatures (gcc and clang forms)', () => {
    const gcc =
      'Exception during initialization: /onnxruntime_src/onnxruntime/core/providers/cpu/rnn/rnn.h:48 onnxruntime::RNN<T>::RNN(const onnxruntime::OpKernelInfo&) [with T = float] layout_ == 0 was false. Batchwise recurrent operations (layout == 1) are not supported.';
    expect(stripOrtMessage(gcc).text).toBe(
      'Exception during initialization: layout_ == 0 was false. Batchwise recurrent operations (layout == 1) are not supported.',
    );
    const clang =
      '/onnxruntime/onnxruntime/core/providers/cpu/rnn/rnn.h:48 onnxruntime::RNN<float>::RNN(const OpKernelInfo &) [T = float] layout_ == 0 was false.';
    expect(stripOrtMessage(clang).text).toBe('layout_ == 0 was false.');
    expect(describeOrtError(new Error(`Can't create a session. ERROR_CODE: 1, ERROR_MESSAGE: ${gcc}`), 'session').message).toBe(
      'ONNX Runtime could not load the model: layout_ == 0 was false. Batchwise recurrent operations (layout == 1) are not supported.',
    );
  });

  it('says when the operator is unknown altogether', () => {
    expect(describeOrtError('Fatal error: ai.onnx.preview.training:Adagrad(-1) is not a registered function/op', 'session').message).toBe(
      'ONNX Runtime could not load the model: the operator ai.onnx.preview.training:Adagrad is not one this runtime knows.',
    );
  });

  it('reports running out of memory plainly', () => {
    expect(describeOrtError(new RangeError('WebAssembly.Memory(): could not allocate memory'), 'session').kind).toBe('memory');
  });

  it('finds node names in the forms ORT uses', () => {
    expect(findNode("while running Conv node. Name:'conv1' Status Message: x")).toEqual({ opType: 'Conv', name: 'conv1' });
    expect(findNode('Node (Gather_12) Op (Gather) [ShapeInferenceError] x')).toEqual({ name: 'Gather_12', opType: 'Gather' });
    expect(findNode('nothing here')).toBeUndefined();
  });

  it('InferenceError carries the kind, the node and a LoupeError code', () => {
    const e = InferenceError.fromOrt(new Error("Could not find an implementation for Foo(1) node with name 'n0'"), 'session');
    expect(e).toMatchObject({ kind: 'unsupported', code: 'unsupported', node: 'n0', field: 'node n0' });
  });
});
