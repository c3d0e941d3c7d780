import { ApiError } from '../common/api-error.js';

const BEARER_CHALLENGE = { 'WWW-Authenticate': 'Bearer' };

export const notAuthenticated = () =>
  new ApiError(401, 'Not authenticated', { headers: BEARER_CHALLENGE });
export const invalidCredentials = () =>
  new ApiError(401, 'Could not validate credentials', { headers: BEARER_CHALLENGE });
export const inactiveAccount = (status: 401 | 403) =>
  new ApiError(
    status,
    'User account is inactive',
    status === 401 ? { headers: BEARER_CHALLENGE } : {},
  );
export const invalidLogin = () => new ApiError(401, 'Invalid username or password');
export const invalidRefreshToken = () => new ApiError(401, 'Invalid or expired refresh token');
