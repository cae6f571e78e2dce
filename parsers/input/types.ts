/**
 * What the input readers hand to the mapping run. A reader never throws for bad input: every
 * span of input it reads becomes exactly one InputItem, so read = mapped + skipped + rejected.
 */

import type { Source } from './walk';

/** Where one record came from, precise enough for a one-line error. */
export interface RecordOrigin {
  /** The path as the user gave it (or as found under a directory), `-` for stdin. */
  file: string;
  /** 0-based index of the record within the file, counting every item the file yielded. */
  index: number;
  /** 1-based line of the record's first character in the (decompressed) text, when known. */
  line?: number;
}

/** The input shapes of section 4 of the spec, as detected per record. */
export type InputShape =
  | 'eventbridge' // an EventBridge envelope {version,id,detail-type,source,…,detail}
  | 'cloudtrail' // a bare CloudTrail record (alone, NDJSON, or concatenated)
  | 's3-delivery' // one element of a CloudTrail S3 delivery file {"Records":[…]}
  | 'cloudwatch-logs' // a log event's message in a CloudWatch Logs subscription payload
  | 'udm'; // an event already in UDM form (`udm map` output), passed on unchanged

/** `control`: a CloudWatch Logs control message, which only tests the subscription. */
export type SkipReason = 'non-kms' | 'digest' | 'insight' | 'control';

export type InputItem =
  | {
      kind: 'record';
      origin: RecordOrigin;
      shape: InputShape;
      gzip: boolean;
      /**
       * The record seen as an EventBridge envelope, which is what the mapping's paths address:
       * an envelope as it was read, or `{ detail: record }` for a bare CloudTrail record.
       */
      envelope: Record<string, unknown>;
      /** The record's text exactly as read, so a rejected record can be written out whole. */
      raw: string;
      /** No string in `envelope` needs JSON escaping (`needsNoEscaping` of `raw`). */
      verbatim: boolean;
    }
  | { kind: 'skip'; origin: RecordOrigin; reason: SkipReason; detail: string }
  | { kind: 'reject'; origin: RecordOrigin; reason: string; raw: string };

export interface ReadOptions {
  /** A record larger than this many bytes of text is rejected, not buffered further. */
  maxRecordBytes?: number;
  /** Read standard input from this stream when a path is `-` (tests inject one). */
  stdin?: NodeJS.ReadableStream;
  /** Identities (`dev:ino`, see walk.fileId) of files a directory walk must pass over. */
  skip?: ReadonlySet<string>;
  /**
   * How a directory's files are ordered: by path (the default), or by CloudTrail delivery time
   * (`time`), which brings the files of all regions and accounts into one time order.
   */
  order?: 'path' | 'time';
  /** The sources the paths were already found to be (a walk done once is not done again). */
  sources?: Source[];
}
