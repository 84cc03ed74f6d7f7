import { rmSync } from 'node:fs';

const dir = process.env.GONGZHI_DATA_DIR ?? '.data';
rmSync(dir, { recursive: true, force: true });
console.log(`removed ${dir}/: the next npm start begins empty and seeds the demo again`);
