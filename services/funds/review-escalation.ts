import { escalateOverdueReviews } from './operations';

export const handler = async () => ({ escalated: await escalateOverdueReviews() });
