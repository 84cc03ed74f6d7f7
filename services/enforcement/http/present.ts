import { downloadUrl, objectInfo } from '../../../libs/files';
import type { CompoundView } from '../../registry/kit/read-model';
import { pendingStep, stageOf, type Finding } from '../domain/finding';

/** The compound a compound-scoped route addresses: the read model's view, loaded by `locate`. */
export const compoundOf = (location: unknown) => location as CompoundView;

/** A finding as shown: where it stands on its ladder, what comes next and when, and its evidence with download links once uploaded. */
export async function present(f: Finding) {
  const evidence = await Promise.all(
    f.evidence.map(async (e) => {
      const stored = await objectInfo(e.key);
      return { ...e, uploaded: Boolean(stored), size: stored?.size, downloadUrl: stored ? await downloadUrl(e.key, { filename: e.filename }) : undefined };
    }),
  );
  return { ...f, evidence, stage: stageOf(f), nextStep: pendingStep(f) };
}
