import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkArchitecture } from './architecture';

describe('architecture, from the imports', () => {
  test('the tree keeps every dependency rule', () => {
    expect(checkArchitecture(process.cwd())).toEqual([]);
  });

  describe('each rule catches a deliberate violation', () => {
    let root: string;
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'gongzhi-arch-'));
      for (const dir of ['events', 'libs', 'services']) cpSync(join(process.cwd(), dir), join(root, dir), { recursive: true });
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    const plant = (file: string, text: string) => {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), text);
    };
    const rules = () => checkArchitecture(root).map((v) => `${v.file}: ${v.rule}`);

    test('the copy is clean before anything is planted', () => expect(rules()).toEqual([]));
    test('events/ importing libs/', () => {
      plant('events/bad.ts', "import { db } from '../libs/db';\nexport const x = db;\n");
      expect(rules()).toEqual(['events/bad.ts: events/ imports nothing of the project']);
    });
    test('libs/ importing a service', () => {
      plant('libs/bad.ts', "import { routes } from '../services/funds/topology';\nexport const x = routes;\n");
      expect(rules()).toEqual(['libs/bad.ts: libs/ imports no service and no infrastructure']);
    });
    test('a service importing another', () => {
      plant('services/funds/bad.ts', "import * as votes from '../elections/store';\nexport const x = votes;\n");
      expect(rules()).toEqual(['services/funds/bad.ts: no service imports another (except the registry consumer kit)']);
    });
    test('a topology loading the AWS SDK through what it imports', () => {
      plant('services/funds/helper.ts', "import { GetCommand } from '@aws-sdk/lib-dynamodb';\nexport const x = GetCommand;\n");
      plant('services/funds/topology.ts', "import { x } from './helper';\nexport const topology = x;\n");
      // The topology and the list of every declaration that includes it.
      expect(rules()).toEqual(['services/funds/topology.ts: topology declarations load no AWS SDK', 'services/index.ts: topology declarations load no AWS SDK']);
    });
    test('a service naming another service’s table', () => {
      plant('services/funds/bad.ts', "import { tableName } from '../../libs/config';\nexport const t = () => tableName('elections');\n");
      expect(rules()).toEqual(['services/funds/bad.ts: a service touches only its own table']);
    });
  });
});
