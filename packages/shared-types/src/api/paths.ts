/** REST paths under /api/v1, shared by server routes and the client. */
export const API_PREFIX = '/api/v1';

export const paths = {
  auth: {
    register: '/auth/register',
    login: '/auth/login',
    refresh: '/auth/refresh',
    logout: '/auth/logout',
    logoutAll: '/auth/logout-all',
    me: '/auth/me',
    sessions: '/auth/sessions',
    session: (id: string) => `/auth/sessions/${encodeURIComponent(id)}`,
    verifyEmail: '/auth/verify-email',
    resendVerification: '/auth/resend-verification',
    forgotPassword: '/auth/forgot-password',
    resetPassword: '/auth/reset-password',
    changePassword: '/auth/change-password',
    providers: '/auth/providers',
  },
  users: {
    list: '/users',
    me: '/users/me',
    byId: (id: string) => `/users/${encodeURIComponent(id)}`,
    block: (id: string) => `/users/${encodeURIComponent(id)}/block`,
    blocked: '/users/me/blocked',
  },
} as const;

/** Header a web client sends on cookie-authenticated calls (CSRF defence beside SameSite=Strict). */
export const CSRF_HEADER = 'x-charla-csrf';
