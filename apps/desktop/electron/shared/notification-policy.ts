/**
 * The notification policy lives in shared-types (the server's Web Push applies it too); this file
 * keeps the desktop's import path.
 */
export {
  composeText,
  type Decision,
  decide,
  HIDDEN_BODY,
  HIDDEN_TITLE,
  type NotificationPolicyPrefs,
  type PolicyInput,
} from '@charla/shared-types';
