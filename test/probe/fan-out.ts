import { enqueue } from '../../libs/queue';

export const handler = async (input: { ids?: string[] }) => {
  const ids = input.ids ?? [];
  await enqueue(
    'units',
    ids.map((id) => ({ id })),
  );
  return { enqueued: ids.length };
};
