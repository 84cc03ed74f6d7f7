// bench/memory.ts --raw: dynalite alone on a directory, with the project's table, printing its port.
// GONGZHI_DYNALITE=plain runs plain dynalite instead of infra/local/atomic-dynalite.ts.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createDynalite } from '../infra/local/atomic-dynalite';
import { createTableInput } from '../libs/table';

const options = { path: process.argv[2], createTableMs: 0 };
const server: Server = process.env.GONGZHI_DYNALITE === 'plain' ? dynalite(options) : createDynalite(options);
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const port = (server.address() as AddressInfo).port;
const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
await client.send(new CreateTableCommand(createTableInput('gongzhi-bench')));
client.destroy();
await new Promise((r) => setTimeout(r, 50));
process.stdout.write(`port ${port}\n`);
