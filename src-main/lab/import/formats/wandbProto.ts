/**
 * The parts of wandb's `Record` protobuf (wandb/proto/wandb_internal.proto, package wandb_internal)
 * that hold a run's history, config, summary and identity. Field numbers are the published ones
 * (checked against wandb 0.31's generated descriptors); every other record type (console output,
 * system stats, telemetry, files, artifacts, requests) decodes as an unknown field and is skipped.
 */
import protobuf from 'protobufjs';

const SCHEMA = `
syntax = "proto3";
package cliplab.wandb;

message Record {
  int64 num = 1;
  oneof record_type {
    HistoryRecord history = 2;
    SummaryRecord summary = 3;
    ConfigRecord config = 5;
    MetricRecord metric = 12;
    RunRecord run = 17;
    RunExitRecord exit = 18;
  }
}

message HistoryRecord {
  repeated HistoryItem item = 1;
  HistoryStep step = 2;
}

message HistoryItem {
  string key = 1;
  repeated string nested_key = 2;
  oneof value {
    int32 none = 3;
    bool boolean = 4;
    sint64 integer = 5;
    double number = 6;
    string text = 7;
    string json = 8;
  }
  string value_json = 16;
}

message HistoryStep {
  int64 num = 1;
}

message SummaryRecord {
  repeated KeyedJson update = 1;
  repeated KeyedJson remove = 2;
}

message ConfigRecord {
  repeated KeyedJson update = 1;
  repeated KeyedJson remove = 2;
}

// SummaryItem and ConfigItem share this shape.
message KeyedJson {
  string key = 1;
  repeated string nested_key = 2;
  string value_json = 16;
}

message MetricRecord {
  string name = 1;
  string glob_name = 2;
  string step_metric = 4;
}

message Timestamp {
  int64 seconds = 1;
  int32 nanos = 2;
}

message RunRecord {
  string run_id = 1;
  string entity = 2;
  string project = 3;
  ConfigRecord config = 4;
  SummaryRecord summary = 5;
  string run_group = 6;
  string job_type = 7;
  string display_name = 8;
  string notes = 9;
  repeated string tags = 10;
  Timestamp start_time = 17;
  bool resumed = 18;
}

message RunExitRecord {
  int32 exit_code = 1;
  int32 runtime = 2;
}
`;

const root = protobuf.parse(SCHEMA, { keepCase: true }).root;
export const WandbRecordType = root.lookupType('cliplab.wandb.Record');

type Int64 = number | { toNumber(): number };

export interface KeyedJson {
  key?: string;
  nested_key?: string[];
  value_json?: string;
}

export interface HistoryItem extends KeyedJson {
  /** Which typed value is set, when the writer used one instead of value_json. */
  value?: 'none' | 'boolean' | 'integer' | 'number' | 'text' | 'json';
  boolean?: boolean;
  integer?: Int64;
  number?: number;
  text?: string;
  json?: string;
}

export interface WandbRecord {
  record_type?: 'history' | 'summary' | 'config' | 'metric' | 'run' | 'exit';
  history?: { item?: HistoryItem[]; step?: { num?: Int64 } };
  summary?: { update?: KeyedJson[]; remove?: KeyedJson[] };
  config?: { update?: KeyedJson[]; remove?: KeyedJson[] };
  metric?: { name?: string; glob_name?: string; step_metric?: string };
  run?: {
    run_id?: string;
    entity?: string;
    project?: string;
    config?: { update?: KeyedJson[] };
    summary?: { update?: KeyedJson[] };
    run_group?: string;
    display_name?: string;
    tags?: string[];
    start_time?: { seconds?: Int64; nanos?: number };
  };
  exit?: { exit_code?: number; runtime?: number };
}

export function toNumber(value: Int64 | undefined): number {
  if (value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

/** Encodes a Record (for writing W&B files in tests). */
export function encodeWandbRecord(record: Record<string, unknown>): Uint8Array {
  return WandbRecordType.encode(WandbRecordType.fromObject(record)).finish();
}
