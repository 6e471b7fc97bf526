import { e2eeContract } from './e2ee.contract.ts';
import { linkPreviewsContract } from './link-previews.contract.ts';
import { mediaContract } from './media.contract.ts';
import { messagingContract } from './messaging.contract.ts';
import { pointsContract } from './points.contract.ts';
import { sharedItemsContract } from './shared-items.contract.ts';
import { spaceIsolationContract } from './space-isolation.contract.ts';
import { openInFreshSpace, type SpacesRig } from './space-scoped.ts';
import { translationContract } from './translation.contract.ts';

/**
 * The space-level contracts again, each against a space's database reached through the scoped
 * storage inside the space's scope (what every module sees in a request that entered a space), then
 * isolation between two spaces. One list for both adapters, so neither can drift.
 */
export function spaceLevelContracts(makeRig: () => Promise<SpacesRig>): void {
  const inSpace = openInFreshSpace(makeRig);
  messagingContract(inSpace);
  mediaContract(inSpace);
  // Not moderation: its stats case counts accounts and their last-seen, which a space's database
  // holds only as placeholder rows (reported to the lead: space statistics need their own rule).
  sharedItemsContract(inSpace);
  linkPreviewsContract(inSpace);
  translationContract(inSpace);
  pointsContract(inSpace);
  e2eeContract(inSpace);
  spaceIsolationContract(makeRig);
}
