import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';

/**
 * dynalite, made crash-consistent (and its reads leak-free) for the local runtime.
 *
 * dynalite 4 stores a table's items, each of its indexes and the table descriptions under key
 * prefixes of one LevelDB database. A PutItem, UpdateItem or DeleteItem (and each request of a
 * BatchWriteItem, which runs PutItem/DeleteItem per item) reads the old item under a per-key
 * in-memory lock, then `db.updateIndexes` deletes the old index entries and puts the new ones
 * (one LevelDB write each, in parallel), and only then `itemDb.put`/`itemDb.del` writes the item:
 * 1 + N + M separate LevelDB writes. A process killed between them leaves index entries for an
 * item that was never written, or an item without the index entries (an item whose outbox was
 * never in the sparse `outbox` index is never republished).
 *
 * Here `updateIndexes` computes the same index operations (dynalite's own `getIndexActions`) but
 * only parks them, keyed by table and item key; the item write that dynalite issues next for that
 * key, still under the same per-key lock, takes them and writes item and index entries in ONE
 * LevelDB batch. A batch is one record of LevelDB's write-ahead log, checksummed: after a crash it
 * is replayed whole or not at all, and readers never see half of it. The lock guarantees that at
 * most one write per key is between the two steps, so the parked operations cannot belong to
 * another write.
 *
 * Table descriptions: CreateTable writes the table as CREATING and flips it to ACTIVE after
 * `createTableMs` (a timer). Killed in between, the table would stay CREATING forever (every
 * item operation answers ResourceNotFound and the runtime, seeing it in ListTables, never creates
 * it again). No timer survives a restart, so when the server starts listening any CREATING table
 * is finished the way the timer would have (a new table has no items or index entries to repair).
 *
 * Reads: dynalite never closed a LevelDB iterator (see closingStream below); its Query and Scan
 * streams now close theirs, which keeps the native memory of a busy server flat.
 *
 * It patches dynalite's modules in this process, at the first call (nothing is installed on
 * disk, so it survives `npm ci`), after checking that the installed dynalite still writes the way
 * described above; if not, it refuses to start rather than run non-atomically.
 */

export interface DynaliteOptions {
  /** Where LevelDB keeps the data; without it dynalite runs in memory. */
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
  maxItemSizeKb?: number;
}

type Callback = (err?: Error | null, value?: unknown) => void;
type Item = Record<string, unknown>;
interface BatchOp {
  type: 'put' | 'del';
  key: string;
  value?: unknown;
}
interface Index {
  IndexName: string;
}
interface Table {
  TableName: string;
  TableStatus?: string;
  GlobalSecondaryIndexes?: (Index & { IndexStatus?: string })[];
  LocalSecondaryIndexes?: Index[];
  BillingModeSummary?: { LastUpdateToPayPerRequestDateTime?: number };
  CreationDateTime?: number;
}
interface SubDb {
  put(key: string, value: unknown, cb: Callback): void;
  del(key: string, cb: Callback): void;
  createValueStream(options?: Record<string, unknown>): NodeJS.ReadableStream;
}
interface LevelIterator {
  next(): Promise<unknown>;
  close(): Promise<void>;
}
interface Store {
  db: {
    open(): Promise<void>;
    batch(ops: BatchOp[], cb: Callback): void;
    keys(options?: Record<string, unknown>): LevelIterator;
    values(options?: Record<string, unknown>): LevelIterator;
    createKeyStream(options?: Record<string, unknown>): Readable;
    createValueStream(options?: Record<string, unknown>): Readable;
  };
  tableDb: SubDb & { lock(key: string, fn: (release: (cb: Callback) => Callback) => void): void };
  getItemDb(name: string): SubDb;
  recreate(): void;
}
interface DbModule {
  create(options: DynaliteOptions): Store;
  updateIndexes(store: Store, table: Table, existingItem: Item | null | undefined, item: Item | null | undefined, cb: Callback): void;
  getIndexActions(indexes: Index[], existingItem: unknown, item: unknown, table: Table): { puts: { index: string; key: string; item: unknown }[]; deletes: { index: string; key: string }[] };
  createKey(item: Item, table: Table): string;
}

const requireHere = createRequire(import.meta.url);

/**
 * What the patches share, kept on dynalite's db module itself: a process has one copy of that
 * module (Node's require cache) but may evaluate this file more than once (jest gives each test
 * file its own module registry), and the patches must be applied once.
 */
interface Shared {
  dynalite: (options: DynaliteOptions) => Server;
  db: DbModule;
  /** The store dynalite created last (dynalite() calls db.create synchronously). */
  lastStore?: Store;
  /** Parked index operations per patched store: `table \0 itemKey` → operations. */
  parked: WeakMap<Store, Map<string, BatchOp[]>>;
  patchedItemDbs: WeakSet<SubDb>;
  /** The store behind each server, for tests that look at LevelDB itself. */
  servers: WeakMap<Server, Store>;
}
const SHARED = Symbol.for('gongzhi.atomic-dynalite');

// dynalite's key layout (db/index.js): sub-databases are key prefixes `<name>~` of the one LevelDB.
const itemPrefix = (table: string) => `item-${table}~`;
const indexPrefix = (type: 'Local' | 'Global', table: string, index: string) => `index-${type.toLowerCase()}~${table}~${index}~`;

/** What this wrapper relies on, checked against the installed sources before patching. */
function checkDynaliteSources(root: string): void {
  const read = (file: string) => readFileSync(join(root, file), 'utf8');
  const version = (JSON.parse(read('package.json')) as { version: string }).version;
  const problems: string[] = [];
  const dbSource = read('db/index.js');
  for (const needle of [
    "getSubDb('item-' + name)",
    "getSubDb('index-' + indexType.toLowerCase() + '~' + tableName + '~' + indexName)",
    "subDbs[name] = createPrefixedDbWrapper(db, name + '~', lifecycleManager)",
    'mainDb.put(prefix + key, value, callback)',
    'mainDb.del(prefix + key, callback)',
    'levelDb.createValueStream = function (options) {',
    'levelDb.createKeyStream = function (options) {',
    'return mainDb.createValueStream(prefixedOptions)',
  ]) {
    if (!dbSource.includes(needle)) problems.push(`db/index.js no longer has ${needle}`);
  }
  // Every write path: lock the key, read, updateIndexes, then write the item under that key.
  const writes: Record<string, RegExp> = {
    'actions/putItem.js': /itemDb\.lock\(key,[\s\S]*db\.updateIndexes\(store, table, existingItem, data\.Item, function \(err\) \{\s*if \(err\) return cb\(err\)\s*itemDb\.put\(key, data\.Item,/,
    'actions/updateItem.js': /itemDb\.lock\(key,[\s\S]*db\.updateIndexes\(store, table, oldItem, item, function \(err\) \{\s*if \(err\) return cb\(err\)\s*itemDb\.put\(key, item,/,
    'actions/deleteItem.js': /itemDb\.lock\(key,[\s\S]*db\.updateIndexes\(store, table, existingItem, null, function \(err\) \{\s*if \(err\) return cb\(err\)\s*itemDb\.del\(key,/,
    'actions/batchWriteItem.js': /putItem = require\('\.\/putItem'\)[\s\S]*deleteItem = require\('\.\/deleteItem'\)/,
  };
  for (const [file, pattern] of Object.entries(writes)) if (!pattern.test(read(file))) problems.push(`${file} writes differently`);
  const callers = ['putItem', 'updateItem', 'deleteItem', 'batchWriteItem', 'createTable', 'updateTable', 'deleteTable', 'tagResource', 'untagResource'].filter((a) =>
    /updateIndexes/.test(read(`actions/${a}.js`)),
  );
  if (callers.join() !== 'putItem,updateItem,deleteItem') problems.push(`updateIndexes is called from ${callers.join(', ')}`);
  if (problems.length) {
    throw new Error(
      `dynalite ${version} does not write the way infra/local/atomic-dynalite.ts expects (it was checked against 4.0.0): ${problems.join('; ')}. Re-check the wrapper before using this version.`,
    );
  }
}

function install(): Shared {
  const main = requireHere.resolve('dynalite');
  const root = dirname(main);
  const db = requireHere(join(root, 'db', 'index.js')) as DbModule & { [SHARED]?: Shared };
  if (db[SHARED]) return db[SHARED];
  checkDynaliteSources(root);
  const dynalite = requireHere(main) as (options: DynaliteOptions) => Server;
  const state: Shared = { dynalite, db, parked: new WeakMap(), patchedItemDbs: new WeakSet(), servers: new WeakMap() };
  const { parked } = state;

  const originalUpdateIndexes = db.updateIndexes;
  db.updateIndexes = function atomicUpdateIndexes(store, table, existingItem, item, cb) {
    const pending = parked.get(store);
    if (!pending) return originalUpdateIndexes(store, table, existingItem, item, cb);
    if (!existingItem && !item) return cb();
    const ops: BatchOp[] = [];
    for (const type of ['Local', 'Global'] as const) {
      const indexes = (type === 'Local' ? table.LocalSecondaryIndexes : table.GlobalSecondaryIndexes) ?? [];
      const actions = db.getIndexActions(indexes, existingItem, item, table);
      for (const d of actions.deletes) ops.push({ type: 'del', key: indexPrefix(type, table.TableName, d.index) + d.key });
      for (const p of actions.puts) ops.push({ type: 'put', key: indexPrefix(type, table.TableName, p.index) + p.key, value: p.item });
    }
    const slot = `${table.TableName}\0${db.createKey((item ?? existingItem)!, table)}`;
    if (pending.has(slot)) return cb(new Error(`atomic-dynalite: two writes of one item at once in ${table.TableName} (the per-key lock was not held)`));
    pending.set(slot, ops);
    cb();
  };

  const originalCreate = db.create;
  db.create = function atomicCreate(options) {
    const store = originalCreate(options);
    patchStore(state, store);
    const originalRecreate = store.recreate;
    // After close(), dynalite's listen() replaces the store's functions with a new store's.
    store.recreate = function recreate(this: Store) {
      originalRecreate.call(this);
      patchStore(state, this);
    };
    state.lastStore = store;
    return store;
  };

  Object.defineProperty(db, SHARED, { value: state });
  return state;
}

/**
 * dynalite turns LevelDB iterators into streams whose destroy calls `iterator.return()`, which
 * abstract-level 3 iterators do not have: no iterator was ever closed, neither at the end of a
 * Query or Scan nor when one stops early at its Limit. The database keeps every iterator
 * (attached as a resource until it closes) and each native iterator pins the memtable and table
 * files of its moment, so under writes the process grew by megabytes a second in native memory
 * while the JS heap stayed small. These streams close the iterator when they end or are destroyed.
 */
function closingStream(iterator: LevelIterator): Readable {
  return new Readable({
    objectMode: true,
    read() {
      iterator.next().then(
        (value) => this.push(value === undefined ? null : value),
        (error: Error) => this.destroy(error),
      );
    },
    destroy(error, callback) {
      iterator.close().then(
        () => callback(error),
        (closeError: Error) => callback(error ?? closeError),
      );
    },
  });
}

function patchStore({ parked, patchedItemDbs }: Shared, store: Store): void {
  // The prefixed sub-databases call these on the main database at each read.
  store.db.createValueStream = (options) => closingStream(store.db.values(options));
  store.db.createKeyStream = (options) => closingStream(store.db.keys(options));
  const pending = new Map<string, BatchOp[]>();
  parked.set(store, pending);
  const getItemDb = store.getItemDb;
  store.getItemDb = function getAtomicItemDb(name) {
    const itemDb = getItemDb(name);
    if (!patchedItemDbs.has(itemDb)) {
      patchedItemDbs.add(itemDb);
      const put = itemDb.put;
      const del = itemDb.del;
      const take = (key: string) => {
        const slot = `${name}\0${key}`;
        const ops = pending.get(slot);
        pending.delete(slot);
        return ops;
      };
      itemDb.put = (key, value, cb) => {
        const ops = take(key);
        if (!ops) return put(key, value, cb);
        store.db.batch([...ops, { type: 'put', key: itemPrefix(name) + key, value }], cb);
      };
      itemDb.del = (key, cb) => {
        const ops = take(key);
        if (!ops) return del(key, cb);
        store.db.batch([...ops, { type: 'del', key: itemPrefix(name) + key }], cb);
      };
    }
    return itemDb;
  };
}

/** Finish what a CreateTable timer would have done, had the process lived (see above). */
async function finishCreatingTables(store: Store): Promise<string[]> {
  const tables: Table[] = [];
  await new Promise<void>((resolve, reject) => {
    const stream = store.tableDb.createValueStream();
    stream.on('data', (table: Table) => tables.push(table));
    stream.on('error', reject);
    stream.on('end', resolve);
  });
  const finished: string[] = [];
  for (const table of tables) {
    if (table?.TableStatus !== 'CREATING') continue;
    await new Promise<void>((resolve, reject) =>
      store.tableDb.lock(table.TableName, (release) => {
        const done = release((err) => (err ? reject(err) : resolve()));
        table.TableStatus = 'ACTIVE';
        for (const index of table.GlobalSecondaryIndexes ?? []) index.IndexStatus = 'ACTIVE';
        if (table.BillingModeSummary) table.BillingModeSummary.LastUpdateToPayPerRequestDateTime = table.CreationDateTime;
        store.tableDb.put(table.TableName, table, done);
      }),
    );
    finished.push(table.TableName);
  }
  return finished;
}

/**
 * Opens the database before anything reads it. dynalite opens it lazily and, when that fails,
 * answers every request with "Database is closed" (the cause lost); the first read then throws.
 * Here the failure is one error, LEVEL_LOCKED when another process holds the directory.
 */
async function openThenRepair(store: Store, path: string | undefined): Promise<void> {
  try {
    await store.db.open();
  } catch (error) {
    let locked = false;
    for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) locked ||= e.code === 'LEVEL_LOCKED';
    const failure = new Error(locked ? `${path} is in use by another process (LevelDB's lock)` : `cannot open ${path}: ${(error as Error).message}`, { cause: error });
    throw Object.assign(failure, { code: locked ? 'LEVEL_LOCKED' : (error as { code?: string }).code });
  }
  await finishCreatingTables(store);
}

/**
 * A dynalite server (not yet listening) whose every item write is one LevelDB batch with its
 * index entries. `listen()` first opens the database (an 'error' event with code LEVEL_LOCKED when
 * another process has it) and finishes tables a crash left CREATING.
 */
export function createDynalite(options: DynaliteOptions = {}): Server {
  const state = install();
  state.lastStore = undefined;
  const server = state.dynalite(options);
  const store = state.lastStore as Store | undefined;
  if (!store) throw new Error('atomic-dynalite: dynalite did not create its store through db.create');
  state.servers.set(server, store);
  const listen = server.listen;
  let repaired = false;
  server.listen = function listenAfterRepair(this: Server, ...args: unknown[]) {
    if (repaired) return listen.apply(this, args as Parameters<Server['listen']>);
    repaired = true;
    openThenRepair(store, options.path).then(
      () => listen.apply(this, args as Parameters<Server['listen']>),
      (error: Error) => this.emit('error', error),
    );
    return this;
  } as Server['listen'];
  return server;
}

/** The LevelDB database (abstract-level) under a server made by createDynalite (for tests). */
export function levelDbOf(server: Server): Store['db'] {
  const store = install().servers.get(server);
  if (!store) throw new Error('not a server made by createDynalite');
  return store.db;
}
