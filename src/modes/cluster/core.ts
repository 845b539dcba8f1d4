/**
 * The pure part of the cluster manager (--cluster): the node model, CLUSTER NODES parsing, the
 * strings redis-cli 7.0.15 prints about nodes, the configuration signature, slot allocation and
 * the reshard and rebalance plans. No I/O: unit-tested on its own (test/unit/modes/cluster-core).
 */

export const SLOTS = 16384;

/** One node as the cluster manager sees it (redis-cli's clusterManagerNode). */
export interface CmNode {
  /** The address from CLUSTER NODES (or typed by the user): what is printed and connected to. */
  ip: string;
  port: number;
  busPort: number;
  /** The announced host name (after the ',' in CLUSTER NODES), used for TLS SNI and the name check. */
  hostname: string | undefined;
  /** The 40-character node ID (empty until loaded). */
  name: string;
  /** The flags as listed by CLUSTER NODES (myself included). */
  flags: string[];
  /** The primary's ID for a replica. */
  replicate: string | null;
  slots: Uint8Array;
  slotsCount: number;
  /** [slot, destination id] of slots in migrating state. */
  migrating: Array<[string, string]>;
  /** [slot, source id] of slots in importing state. */
  importing: Array<[string, string]>;
  replicasCount: number;
  /** Slots assigned here but not yet sent (create). */
  dirty: boolean;
  currentEpoch: number;
  weight: number;
  balance: number;
}

export function newNode(ip: string, port: number, busPort = 0): CmNode {
  return {
    ip,
    port,
    // mirrors clusterManagerNewNode: the bus port is corrected once CLUSTER NODES is read
    busPort: busPort !== 0 ? busPort : port + 10000,
    hostname: undefined,
    name: '',
    flags: [],
    replicate: null,
    slots: new Uint8Array(SLOTS),
    slotsCount: 0,
    migrating: [],
    importing: [],
    replicasCount: 0,
    dirty: false,
    currentEpoch: 0,
    weight: 1,
    balance: 0,
  };
}

export const isReplica = (n: CmNode): boolean => n.flags.includes('slave');
export const isUnusable = (n: CmNode): boolean => n.flags.some((f) => f === 'noaddr' || f === 'disconnected' || f === 'fail');

/** C atoi. */
export function atoi(s: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(s);
  return m ? Number.parseInt(m[1]!, 10) | 0 : 0;
}

/** C atof: a leading decimal number, else 0. */
export function atof(s: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)/.exec(s);
  return m ? Number.parseFloat(m[1]!) : 0;
}

/**
 * `ip:port[@bus_port][,hostname]` as parseClusterNodeAddress reads it (last '@', then last ':').
 * Returns null when there is no ':'.
 */
export function parseNodeAddress(addr: string): { ip: string; port: number; busPort: number; hostname: string | undefined } | null {
  let rest = addr;
  let busPort = 0;
  let hostname: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at !== -1) {
    const tail = rest.slice(at + 1);
    busPort = atoi(tail);
    const comma = tail.indexOf(',');
    if (comma !== -1 && comma + 1 < tail.length) hostname = tail.slice(comma + 1);
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  if (colon === -1) return null;
  return { ip: rest.slice(0, colon), port: atoi(rest.slice(colon + 1)), busPort, hostname };
}

/** `host:port` or `host port` from the arguments (getClusterHostFromCmdArgs); null when invalid. */
export function hostFromArgs(args: readonly string[]): { ip: string; port: number } | null {
  let ip: string;
  let port: number;
  if (args.length === 1) {
    const a = parseNodeAddress(args[0]!);
    if (!a) return null;
    ({ ip, port } = a);
  } else {
    ip = args[0]!;
    port = atoi(args[1] ?? '');
  }
  return port === 0 ? null : { ip, port };
}

/** The fields of one CLUSTER NODES line redis-cli reads. */
interface NodesLine {
  name: string;
  addr: string;
  flags: string;
  masterId: string;
  configEpoch: string;
  /** What follows the 8th field (slots), when there are 8 fields. */
  slots: string | undefined;
}

function splitNodesLine(line: string): NodesLine | null {
  const tokens: string[] = [];
  let rest = line;
  let sp: number;
  while ((sp = rest.indexOf(' ')) !== -1) {
    tokens.push(rest.slice(0, sp));
    rest = rest.slice(sp + 1);
    if (tokens.length === 8) break;
  }
  if (tokens.length < 3) return null;
  return { name: tokens[0]!, addr: tokens[1]!, flags: tokens[2]!, masterId: tokens[3] ?? '', configEpoch: tokens[6] ?? '', slots: tokens.length === 8 ? rest : undefined };
}

/** Reads a `myself` line's slot list into `node` (clusterManagerNodeLoadInfo). */
function readSlots(node: CmNode, text: string): void {
  for (const def of text.split(' ')) {
    if (def === '') continue;
    if (def.startsWith('[')) {
      const body = def.slice(1).replace(/\]$/, '');
      let i = body.indexOf('->-');
      if (i !== -1) node.migrating.push([body.slice(0, i), body.slice(i + 3)]);
      else if ((i = body.indexOf('-<-')) !== -1) node.importing.push([body.slice(0, i), body.slice(i + 3)]);
      continue;
    }
    const dash = def.indexOf('-');
    if (dash !== -1) {
      let start = atoi(def.slice(0, dash));
      const stop = atoi(def.slice(dash + 1));
      node.slotsCount += stop - (start - 1);
      while (start <= stop) node.slots[start++] = 1;
    } else {
      node.slots[atoi(def)] = 1;
      node.slotsCount++;
    }
  }
}

function applyFlags(node: CmNode, l: NodesLine): void {
  node.flags = l.flags === '' ? [] : l.flags.split(',').filter((f) => f !== '');
  if (node.flags.includes('slave') && l.masterId !== '') node.replicate = l.masterId;
  node.currentEpoch = Number.parseInt(l.configEpoch, 10) || 0;
}

/**
 * Applies a node's own CLUSTER NODES reply to it (clusterManagerNodeLoadInfo): its `myself` line
 * gives its ID, flags and slots; with `getFriends`, the other lines become new nodes. Throws on a
 * reply redis-cli calls invalid.
 */
export function loadNodesReply(node: CmNode, text: string, getFriends: boolean): CmNode[] {
  const friends: CmNode[] = [];
  let rest = text;
  let nl: number;
  while ((nl = rest.indexOf('\n')) !== -1) {
    const line = rest.slice(0, nl);
    rest = rest.slice(nl + 1);
    const l = splitNodesLine(line);
    if (!l) throw new Error('invalid CLUSTER NODES reply');
    const addr = parseNodeAddress(l.addr);
    if (!addr) throw new Error('Error: invalid CLUSTER NODES reply');
    if (l.flags.includes('myself')) {
      node.busPort = addr.busPort;
      node.hostname ??= addr.hostname;
      node.slots.fill(0);
      node.slotsCount = 0;
      node.migrating = [];
      node.importing = [];
      if (l.slots !== undefined) readSlots(node, l.slots);
      node.dirty = false;
      node.name = l.name;
      applyFlags(node, l);
      if (!getFriends) break;
    } else if (getFriends) {
      const f = newNode(addr.ip, addr.port, addr.busPort);
      f.hostname = addr.hostname;
      f.name = l.name;
      applyFlags(f, l);
      friends.push(f);
    }
  }
  return friends;
}

/** `[0-5460],[5462]` (clusterManagerNodeSlotsString). */
export function slotsString(slots: Uint8Array): string {
  const parts: string[] = [];
  let first = -1;
  for (let i = 0; i <= SLOTS; i++) {
    const has = i < SLOTS && slots[i] === 1;
    if (has && first === -1) first = i;
    if (!has && first !== -1) {
      parts.push(first === i - 1 ? `[${first}]` : `[${first}-${i - 1}]`);
      first = -1;
    }
  }
  return parts.join(',');
}

/** The flags without `myself` (clusterManagerNodeFlagString). */
export function flagString(n: CmNode): string {
  return n.flags.filter((f) => f !== 'myself').join(',');
}

/** The lines `M: id ip:port` / `slots:… (N slots) flags` / `replicates …` (clusterManagerNodeInfo). */
export function nodeInfo(n: CmNode, indent = 0): string {
  const sp = ' '.repeat(indent);
  let out = sp;
  if (n.dirty && n.replicate !== null) out += `S: ${n.name} ${n.ip}:${n.port}`;
  else out += `${isReplica(n) ? 'S' : 'M'}: ${n.name} ${n.ip}:${n.port}\n${sp}   slots:${slotsString(n.slots)} (${n.slotsCount} slots) ${flagString(n)}`;
  if (n.replicate !== null) out += `\n${sp}   replicates ${n.replicate}`;
  else if (n.replicasCount > 0) out += `\n${sp}   ${n.replicasCount} additional replica(s)`;
  return out;
}

/**
 * What a node thinks the slot layout is: `id:slots,…|id:slots` over nodes with slots, sorted
 * (clusterManagerGetConfigSignature). Two nodes agree when their signatures are equal.
 */
export function configSignature(nodesReply: string): string | null {
  const configs: string[] = [];
  for (const line of nodesReply.split('\n')) {
    const tokens = line.split(' ');
    if (tokens.length < 9) continue;
    const slots = tokens.slice(8).filter((s) => s !== '' && !s.startsWith('['));
    if (slots.length === 0) continue;
    slots.sort(cmpStrings);
    configs.push(`${tokens[0]}:${slots.join(',')}`);
  }
  if (configs.length === 0) return null;
  configs.sort(cmpStrings);
  return configs.join('|');
}

/** strcmp order. */
function cmpStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Reads an integer field of an INFO reply (getLongInfoField): 0 when absent. */
export function infoField(info: string, field: string): string | undefined {
  const m = new RegExp(`(?:^|\\r?\\n)${field}:([^\\r\\n]*)`).exec(info);
  return m ? m[1] : undefined;
}

/** CRC16/XMODEM, the hash of cluster key slots. */
export function crc16(buf: Buffer): number {
  let crc = 0;
  for (const byte of buf) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The slot of a key, hash tags included (clusterManagerKeyHashSlot). */
export function keyHashSlot(key: Buffer): number {
  const s = key.indexOf(0x7b); // {
  if (s !== -1) {
    const e = key.indexOf(0x7d, s + 1); // }
    if (e !== -1 && e !== s + 1) return crc16(key.subarray(s + 1, e)) & 0x3fff;
  }
  return crc16(key) & 0x3fff;
}

/**
 * Slot ranges of `n` primaries, as clusterManagerCommandCreate computes them: float steps rounded
 * with lround, the last primary takes the rest.
 */
export function allocateSlots(n: number): Array<[number, number]> {
  const per = Math.fround(SLOTS / n);
  const out: Array<[number, number]> = [];
  let first = 0;
  let cursor = 0;
  for (let i = 0; i < n; i++) {
    let last = Math.round(Math.fround(cursor + per - 1));
    if (last > SLOTS || i === n - 1) last = SLOTS - 1;
    if (last < first) last = first;
    out.push([first, last]);
    first = last + 1;
    cursor = Math.fround(cursor + per);
  }
  return out;
}

/**
 * Which slots move from which source for a reshard of `numSlots` (clusterManagerComputeReshardTable):
 * sources sorted by slot count (most first), each gives its share, rounded up for the first.
 */
export function reshardTable(sources: CmNode[], numSlots: number): Array<{ source: CmNode; slot: number }> {
  const sorted = [...sources].sort((a, b) => b.slotsCount - a.slotsCount);
  const total = sorted.reduce((n, s) => n + s.slotsCount, 0);
  const moved: Array<{ source: CmNode; slot: number }> = [];
  sorted.forEach((node, i) => {
    // float arithmetic as in C
    const share = Math.fround(Math.fround(Math.fround(numSlots) / total) * node.slotsCount);
    const max = i === 0 ? Math.ceil(share) : Math.floor(share);
    let count = 0;
    for (let j = 0; j < SLOTS; j++) {
      if (!node.slots[j]) continue;
      if (count >= max || moved.length >= numSlots) break;
      moved.push({ source: node, slot: j });
      count++;
    }
  });
  return moved;
}
