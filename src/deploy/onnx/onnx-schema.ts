import protobuf from 'protobufjs';

/** The subset of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto, IR version 8) that the float32
 *  graphs of dense and conv nets need (node attributes, int64 shape and padding tensors), as protobufjs JSON descriptors: field names and numbers copied from the
 *  official file, so protobufjs encodes real ONNX (nothing here writes bytes by hand). */
const descriptors = {
  nested: {
    onnx: {
      nested: {
        ModelProto: { fields: {
          irVersion: { type: 'int64', id: 1 }, opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
          producerName: { type: 'string', id: 2 }, producerVersion: { type: 'string', id: 3 }, docString: { type: 'string', id: 6 },
          graph: { type: 'GraphProto', id: 7 }, metadataProps: { rule: 'repeated', type: 'StringStringEntryProto', id: 14 },
        } },
        OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
        StringStringEntryProto: { fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        GraphProto: { fields: {
          node: { rule: 'repeated', type: 'NodeProto', id: 1 }, name: { type: 'string', id: 2 },
          initializer: { rule: 'repeated', type: 'TensorProto', id: 5 }, docString: { type: 'string', id: 10 },
          input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 }, output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
        } },
        NodeProto: { fields: {
          input: { rule: 'repeated', type: 'string', id: 1 }, output: { rule: 'repeated', type: 'string', id: 2 },
          name: { type: 'string', id: 3 }, opType: { type: 'string', id: 4 }, docString: { type: 'string', id: 6 },
          attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
        } },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 }, type: { type: 'AttributeType', id: 20 },
            f: { type: 'float', id: 2 }, i: { type: 'int64', id: 3 }, ints: { rule: 'repeated', type: 'int64', id: 8 },
          },
          nested: { AttributeType: { values: { UNDEFINED: 0, FLOAT: 1, INT: 2, INTS: 7 } } },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 }, dataType: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 }, rawData: { type: 'bytes', id: 9 },
          },
          nested: { DataType: { values: { UNDEFINED: 0, FLOAT: 1, INT64: 7 } } },
        },
        ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
        TypeProto: {
          fields: { tensorType: { type: 'Tensor', id: 1 } },
          nested: { Tensor: { fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } } },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } },
          nested: { Dimension: {
            oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
            fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } },
          } },
        },
      },
    },
  },
};

/** onnx.ModelProto, ready for `.fromObject(...)` and `.encode(...)`. */
export const ModelProto = protobuf.Root.fromJSON(descriptors).lookupType('onnx.ModelProto');
export const FLOAT = 1;
export const INT64 = 7;
/** AttributeProto.AttributeType values. */
export const ATTR_INT = 2, ATTR_INTS = 7;
