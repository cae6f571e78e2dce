/**
 * A large, realistic benchmark corpus built from real KMS CloudTrail records: each generated
 * record is a seed record (weighted toward the calls that dominate real traffic) with fresh
 * ids, times, principals, keys, regions and addresses. Written as gzip S3 delivery files and as
 * one NDJSON file holding the same records in the same order, one file's worth at a time.
 */

import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Prng } from './prng';
import type { CloudTrailRecord } from './seeds';

export const DEFAULT_SEED = 20_260_101;
const PER_FILE = 1000;
const START = Date.UTC(2026, 0, 1);
/** The records are spread over a week, whatever their number. */
const SPAN_MS = 7 * 24 * 3600 * 1000;

/** How often a call occurs relative to the others (1 when not listed). */
const WEIGHTS: Record<string, number> = {
  Decrypt: 40,
  GenerateDataKey: 20,
  Encrypt: 8,
  GenerateDataKeyWithoutPlaintext: 5,
  DescribeKey: 3,
  ReEncrypt: 2,
};

export interface CorpusOptions {
  records: number;
  dir: string;
  seeds: readonly CloudTrailRecord[];
  seed?: number;
  perFile?: number;
}

export interface Corpus {
  seed: number;
  records: number;
  /** Directory of the gzip S3 delivery files. */
  s3Dir: string;
  files: number;
  /** The NDJSON file: the same records, one per line. */
  ndjson: string;
  /** Bytes of record JSON, uncompressed (NDJSON file size, newlines included). */
  bytes: number;
  gzipBytes: number;
}

interface Principal {
  account: string;
  name: string;
  roleId: string;
  userId: string;
  session: string;
  accessKey: string;
}

interface Pools {
  regions: string[];
  accounts: string[];
  principals: Principal[];
  keys: string[];
  ips: string[];
}

function digits(prng: Prng, n: number): string {
  let out = String(1 + prng.int(9));
  while (out.length < n) out += String(prng.int(10));
  return out;
}

function makePools(prng: Prng): Pools {
  const regions = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1'];
  regions.push('ap-southeast-2', 'ap-northeast-1', 'sa-east-1');
  const accounts = Array.from({ length: 20 }, () => digits(prng, 12));
  const roles = ['app', 'etl', 'backup', 'ci-deploy', 'lambda-exec', 'admin', 'analytics'];
  const principals = Array.from({ length: 300 }, (_, i) => ({
    account: prng.pick(accounts),
    name: `${prng.pick(roles)}-${i}`,
    roleId: `AROA${prng.alnum(17)}`,
    userId: `AIDA${prng.alnum(17)}`,
    session: `session-${prng.hex(8)}`,
    accessKey: prng.alnum(16),
  }));
  const keys = Array.from({ length: 1000 }, () => prng.uuid());
  const ip = () => `${1 + prng.int(223)}.${prng.int(256)}.${prng.int(256)}.${1 + prng.int(254)}`;
  return { regions, accounts, principals, keys, ips: Array.from({ length: 2000 }, ip) };
}

/** Seed indexes repeated by weight, so a uniform pick follows the weights. */
function weighted(seeds: readonly CloudTrailRecord[]): number[] {
  return seeds.flatMap((seed, i) => Array(WEIGHTS[String(seed.eventName)] ?? 1).fill(i));
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function setIfPresent(target: Obj, key: string, value: unknown): void {
  if (key in target) target[key] = value;
}

function varyIdentity(ui: Obj, p: Principal): void {
  const role = p.name;
  if (ui.type === 'AssumedRole') {
    ui.principalId = `${p.roleId}:${p.session}`;
    ui.arn = `arn:aws:sts::${p.account}:assumed-role/${role}/${p.session}`;
    setIfPresent(ui, 'accessKeyId', `ASIA${p.accessKey}`);
    const issuer = isObj(ui.sessionContext) ? ui.sessionContext.sessionIssuer : undefined;
    if (isObj(issuer)) {
      setIfPresent(issuer, 'principalId', p.roleId);
      setIfPresent(issuer, 'arn', `arn:aws:iam::${p.account}:role/${role}`);
      setIfPresent(issuer, 'accountId', p.account);
      setIfPresent(issuer, 'userName', role);
    }
  } else if (ui.type === 'IAMUser') {
    ui.principalId = p.userId;
    ui.arn = `arn:aws:iam::${p.account}:user/${role}`;
    setIfPresent(ui, 'userName', role);
    setIfPresent(ui, 'accessKeyId', `AKIA${p.accessKey}`);
  } else return;
  setIfPresent(ui, 'accountId', p.account);
}

const KEY_ARN = /^arn:aws[\w-]*:kms:[^:]*:\d*:key\//;
const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function varyKeys(r: Obj, keyArn: (n: number) => string): void {
  const resources = Array.isArray(r.resources) ? r.resources : [];
  resources.forEach((res, n) => {
    if (!isObj(res)) return;
    for (const field of ['ARN', 'arn']) {
      if (typeof res[field] === 'string' && KEY_ARN.test(res[field] as string)) {
        res[field] = keyArn(n);
      }
    }
  });
  const params = r.requestParameters;
  if (isObj(params) && typeof params.keyId === 'string') {
    if (KEY_ARN.test(params.keyId)) params.keyId = keyArn(0);
    else if (KEY_ID.test(params.keyId)) params.keyId = keyArn(0).replace(/^.*:key\//, '');
  }
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

class Varier {
  private readonly pools: Pools;
  private readonly picks: number[];

  constructor(
    private readonly prng: Prng,
    private readonly seedTexts: readonly string[],
    seeds: readonly CloudTrailRecord[],
    private readonly total: number,
  ) {
    this.pools = makePools(prng);
    this.picks = weighted(seeds);
  }

  record(i: number): string {
    const { prng, pools } = this;
    const r = JSON.parse(this.seedTexts[prng.pick(this.picks)]) as Obj;
    const principal = prng.pick(pools.principals);
    const region = prng.pick(pools.regions);
    const account = principal.account;
    const time = START + Math.floor((i * SPAN_MS) / Math.max(1, this.total));
    r.eventTime = new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
    r.eventID = prng.uuid();
    setIfPresent(r, 'requestID', prng.uuid());
    setIfPresent(r, 'awsRegion', region);
    setIfPresent(r, 'recipientAccountId', account);
    if (isObj(r.userIdentity)) varyIdentity(r.userIdentity, principal);
    const keys = [prng.pick(pools.keys), prng.pick(pools.keys)];
    varyKeys(r, (n) => `arn:aws:kms:${region}:${account}:key/${keys[Math.min(n, 1)]}`);
    if (typeof r.sourceIPAddress === 'string' && IPV4.test(r.sourceIPAddress)) {
      r.sourceIPAddress = prng.pick(pools.ips);
    }
    return JSON.stringify(r);
  }
}

function deliveryFileName(n: number, firstRecord: string): string {
  const record = JSON.parse(firstRecord) as Obj;
  const stamp = String(record.eventTime).replace(/[-:]/g, '').slice(0, 13);
  const account = String(record.recipientAccountId ?? '000000000000');
  const region = String(record.awsRegion ?? 'us-east-1');
  const index = String(n).padStart(6, '0');
  return `${index}_${account}_CloudTrail_${region}_${stamp}Z_bench.json.gz`;
}

/** Writes the corpus; deterministic: the same options give the same bytes. */
export function generateCorpus(options: CorpusOptions): Corpus {
  const seed = options.seed ?? DEFAULT_SEED;
  const perFile = options.perFile ?? PER_FILE;
  const s3Dir = path.join(options.dir, 's3');
  const ndjson = path.join(options.dir, 'ndjson', 'records.ndjson');
  mkdirSync(s3Dir, { recursive: true });
  mkdirSync(path.dirname(ndjson), { recursive: true });
  const texts = options.seeds.map((s) => JSON.stringify(s));
  const varier = new Varier(new Prng(seed), texts, options.seeds, options.records);
  const corpus = {
    seed,
    records: options.records,
    s3Dir,
    files: 0,
    ndjson,
    bytes: 0,
    gzipBytes: 0,
  };
  const fd = openSync(ndjson, 'w');
  try {
    for (let start = 0; start < options.records; start += perFile) {
      const end = Math.min(options.records, start + perFile);
      const lines: string[] = [];
      for (let i = start; i < end; i++) lines.push(varier.record(i));
      corpus.bytes += writeSync(fd, lines.join('\n') + '\n');
      const gz = gzipSync(`{"Records":[${lines.join(',')}]}`);
      const file = path.join(s3Dir, deliveryFileName(corpus.files++, lines[0]));
      writeGz(file, gz);
      corpus.gzipBytes += gz.length;
    }
  } finally {
    closeSync(fd);
  }
  return corpus;
}

function writeGz(file: string, data: Buffer): void {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
}
