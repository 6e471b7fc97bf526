/**
 * The notification policy lives in shared-types (packages/shared-types/src/notifications/policy.ts):
 * Electron main applies it to native notifications, the web client (web.ts) to Web Notifications and
 * the server to Web Push, so every path decides alike. This file keeps the renderer's import path.
 */
export {
  composeText,
  decide,
  HIDDEN_BODY,
  HIDDEN_TITLE,
} from '@charla/shared-types';
