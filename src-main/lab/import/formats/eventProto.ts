/**
 * The parts of TensorBoard's `Event` protobuf (tensorflow/core/util/event.proto, framework/summary.proto,
 * tensor.proto, tensor_shape.proto, types.proto) that hold scalars. Field numbers match the originals;
 * fields not listed (graphs, histograms, images, audio) are skipped by the decoder as unknown fields.
 */
import protobuf from 'protobufjs';

const SCHEMA = `
syntax = "proto3";
package cliplab.tb;

message Event {
  double wall_time = 1;
  int64 step = 2;
  string file_version = 3;
  Summary summary = 5;
}

message Summary {
  message Value {
    string node_name = 7;
    string tag = 1;
    SummaryMetadata metadata = 9;
    oneof value {
      float simple_value = 2;
      TensorProto tensor = 8;
    }
  }
  repeated Value value = 1;
}

message SummaryMetadata {
  message PluginData {
    string plugin_name = 1;
    bytes content = 2;
  }
  PluginData plugin_data = 1;
  string display_name = 2;
  string summary_description = 3;
}

message TensorShapeProto {
  message Dim {
    int64 size = 1;
    string name = 2;
  }
  repeated Dim dim = 2;
  bool unknown_rank = 3;
}

message TensorProto {
  int32 dtype = 1;
  TensorShapeProto tensor_shape = 2;
  int32 version_number = 3;
  bytes tensor_content = 4;
  repeated int32 half_val = 13 [packed = true];
  repeated float float_val = 5 [packed = true];
  repeated double double_val = 6 [packed = true];
  repeated int32 int_val = 7 [packed = true];
  repeated bytes string_val = 8;
  repeated int64 int64_val = 10 [packed = true];
  repeated bool bool_val = 11 [packed = true];
  repeated uint32 uint32_val = 16 [packed = true];
  repeated uint64 uint64_val = 17 [packed = true];
}
`;

const root = protobuf.parse(SCHEMA, { keepCase: true }).root;
export const EventType = root.lookupType('cliplab.tb.Event');

/** TensorFlow DataType enum values used by scalar summaries. */
export const DT = {
  FLOAT: 1,
  DOUBLE: 2,
  INT32: 3,
  UINT8: 4,
  INT16: 5,
  INT8: 6,
  STRING: 7,
  INT64: 9,
  BOOL: 10,
  BFLOAT16: 14,
  UINT16: 17,
  HALF: 19,
  UINT32: 22,
  UINT64: 23,
} as const;

type Int64 = number | { toNumber(): number };

export interface TensorMessage {
  dtype: number;
  tensor_shape?: { dim?: { size: Int64 }[]; unknown_rank?: boolean };
  tensor_content?: Uint8Array;
  half_val?: number[];
  float_val?: number[];
  double_val?: number[];
  int_val?: number[];
  string_val?: Uint8Array[];
  int64_val?: Int64[];
  bool_val?: boolean[];
  uint32_val?: number[];
  uint64_val?: Int64[];
}

export interface SummaryValueMessage {
  tag: string;
  /** Which member of the `value` oneof is set; histograms, images and audio decode to neither. */
  value?: 'simple_value' | 'tensor';
  metadata?: { plugin_data?: { plugin_name: string } };
  simple_value?: number;
  tensor?: TensorMessage;
}

export interface EventMessage {
  wall_time: number;
  step: Int64;
  file_version?: string;
  summary?: { value: SummaryValueMessage[] };
}

export function int64ToNumber(value: Int64 | undefined): number {
  if (value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

/** Encodes an Event (for writing event files in tests and fixtures). */
export function encodeEvent(event: Record<string, unknown>): Uint8Array {
  return EventType.encode(EventType.fromObject(event)).finish();
}
