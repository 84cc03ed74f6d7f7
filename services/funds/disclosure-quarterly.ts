import { publishDisclosures } from './operations';

export const handler = async () => ({ published: await publishDisclosures() });
