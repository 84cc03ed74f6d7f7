import middy from '@middy/core';
import { SignJWT } from 'jose';
import dynalite from 'dynalite';
import { z } from 'zod';
test('esm deps load', async () => {
  const h = middy(async () => 1);
  expect(await h({}, {} as any)).toBe(1);
  const t = await new SignJWT({ a: 1 }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('k'.repeat(32)));
  expect(t.split('.').length).toBe(3);
  expect(typeof dynalite).toBe('function');
  expect(z.string().parse('x')).toBe('x');
});
