/**
 * --cluster reshard HOST:PORT (clusterManagerCommandReshard, redis-cli 7.0.15): moves N slots from
 * some primaries (or all) to one, asking for what the --cluster-* options leave out.
 */
import { hostFromArgs, isReplica, nodeInfo, reshardTable, SLOTS, atoi, type CmNode } from './core.js';
import { checkCluster } from './inspect.js';
import { ClusterManager, INVALID_HOST_ARG } from './manager.js';
import { moveSlot } from './migrate.js';
import { MoveProgress } from './progress.js';

/** Thrown inside the prompts when stdin ends: redis-cli would re-ask forever. */
class NoAnswer extends Error {}

/**
 * One answer typed after `question` (printed on stdout, as redis-cli's printf), cut as redis-cli's
 * read into a `size`-byte buffer cuts it (the last byte becomes the terminating NUL).
 */
async function prompt(cm: ClusterManager, question: string, size: number): Promise<string> {
  cm.io.out.write(question);
  await cm.io.out.flush();
  const line = cm.io.readLine ? await cm.io.readLine() : null;
  if (line === null) throw new NoAnswer();
  return line.slice(0, size - 1);
}

/**
 * A primary by its full ID (clusterNodeForResharding): an unknown ID or a replica prints redis-cli's
 * message and sets `fatal`; the target given as a source prints a message and is skipped.
 */
function nodeForResharding(cm: ClusterManager, id: string, target: CmNode | null): { node?: CmNode; fatal: boolean } {
  const node = cm.byName(id.toLowerCase());
  if (!node || isReplica(node)) {
    cm.log('err', `*** The specified node (${id}) is not known or not a master, please retry.\n`);
    return { fatal: true };
  }
  if (target && node.name === target.name) {
    cm.log('err', '*** It is not possible to use the target node as source node.\n');
    return { fatal: false };
  }
  return { node, fatal: false };
}

/** The source nodes from --cluster-from or the prompts; null when a given ID was fatal. */
async function readSources(cm: ClusterManager, target: CmNode): Promise<{ sources: CmNode[]; all: boolean } | null> {
  const sources: CmNode[] = [];
  const add = (id: string): boolean => {
    const r = nodeForResharding(cm, id, target);
    if (r.node) sources.push(r.node);
    return !r.fatal;
  };
  const from = cm.opts.from;
  if (from === undefined) {
    cm.io.out.write("Please enter all the source node IDs.\n  Type 'all' to use all the nodes as source nodes for the hash slots.\n  Type 'done' once you entered all the source nodes IDs.\n");
    for (;;) {
      const id = await prompt(cm, `Source node #${sources.length + 1}: `, 255);
      if (id === 'done') return { sources, all: false };
      if (id === 'all') return { sources, all: true };
      if (!add(id)) return null;
    }
  }
  // "a,b,all,c": IDs up to the first "all"; "all" as the last item counts too
  const items = from.split(',');
  for (let i = 0; i < items.length; i++) {
    const id = items[i]!;
    const isLast = i === items.length - 1;
    if (id === 'all') return { sources, all: true };
    if (isLast && id === '') break;
    if (!add(id)) return null;
  }
  return { sources, all: false };
}

/** --cluster reshard HOST:PORT */
export async function commandReshard(cm: ClusterManager, args: string[]): Promise<boolean> {
  const at = hostFromArgs(args);
  if (!at) {
    cm.io.err(INVALID_HOST_ARG);
    return false;
  }
  // redis-cli takes any number here (20000 moves every slot of the sources, -5 none): refused
  if (cm.opts.slots < 0 || cm.opts.slots > SLOTS) {
    cm.io.err(`*** Invalid --cluster-slots ${cm.opts.slots}: the number of slots to move must be from 1 to ${SLOTS}`);
    cm.io.err(`hint: pass --cluster-slots N with 1 <= N <= ${SLOTS} (or leave it out to be asked)`);
    return false;
  }
  if (!(await cm.loadFromNode(ClusterManager.nodeAt(at.ip, at.port)))) return false;
  await checkCluster(cm, false);
  if (cm.errors.length > 0) {
    await cm.io.out.flush();
    cm.io.err('*** Please fix your cluster problems before resharding');
    return false;
  }
  try {
    return await reshard(cm);
  } catch (err) {
    if (!(err instanceof NoAnswer)) throw err;
    cm.io.out.write('\n');
    await cm.io.out.flush();
    cm.io.err('*** Reshard aborted: stdin ended before an answer was given (nothing was moved)');
    cm.io.err('hint: give --cluster-slots N --cluster-to ID --cluster-from ID,ID|all --cluster-yes to reshard without questions');
    return false;
  }
}

async function reshard(cm: ClusterManager): Promise<boolean> {
  let slots = cm.opts.slots;
  while (slots <= 0 || slots > SLOTS) slots = atoi(await prompt(cm, `How many slots do you want to move (from 1 to ${SLOTS})? `, 6));
  let to = cm.opts.to;
  while (to === undefined) {
    const id = await prompt(cm, 'What is the receiving node ID? ', 255);
    if (id !== '') to = id;
  }
  const target = nodeForResharding(cm, to, null).node;
  if (!target) return false;
  const given = await readSources(cm, target);
  if (!given) return false;
  const sources = given.all ? cm.nodes.filter((n) => !isReplica(n) && n.replicate === null && n.name !== target.name) : given.sources;
  if (sources.length === 0) {
    await cm.io.out.flush();
    cm.io.err('*** No source nodes given, operation aborted.');
    return false;
  }
  const out = cm.io.out;
  out.write(`\nReady to move ${slots} slots.\n  Source nodes:\n`);
  for (const s of sources) out.write(`${nodeInfo(s, 4)}\n`);
  out.write(`  Destination node:\n${nodeInfo(target, 4)}\n`);
  const table = reshardTable(sources, slots);
  out.write('  Resharding plan:\n');
  for (const item of table) out.write(`    Moving slot ${item.slot} from ${item.source.name}\n`);
  if (!cm.opts.yes) {
    // mirrors the read(fd, buf, 4) of redis-cli: the first three bytes typed must be "yes"
    const answer = await prompt(cm, 'Do you want to proceed with the proposed reshard plan (yes/no)? ', 4).catch((err: unknown) => {
      if (err instanceof NoAnswer) return '';
      throw err;
    });
    if (answer !== 'yes') return false;
  }
  const progress = new MoveProgress(cm, table.length, 'Reshard');
  try {
    for (const item of table) {
      if (progress.stopRequested) return await progress.reportStopped();
      progress.beforeSlot(false);
      const r = await moveSlot(cm, item.source, target, item.slot, { verbose: true, returnError: true, onKeys: (n) => progress.keys(n) });
      if (!r.ok) {
        if (r.error !== null) cm.log('err', `clusterManagerMoveSlot failed: ${r.error}\n`);
        return await progress.reportFailed(item.source, target, item.slot);
      }
      await progress.slotDone(true);
    }
    return true;
  } finally {
    await progress.end();
  }
}
