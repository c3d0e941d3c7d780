import { StringField } from '../../common/validation/fields.js';

/** The register rules for username, email and password (contract §3.1), shared with PATCH §4.2. */

export const USERNAME_CHARACTERS = /^(?=.*[A-Za-z0-9])[A-Za-z0-9_-]+$/;
// A single @; a local part of 1-64 non-space code points (hence /u); dot-separated labels; a TLD of 2+ letters.
export const EMAIL_ADDRESS = /^[^\s@]{1,64}@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}$/u;

export function UsernameField(options: { optional?: boolean } = {}): PropertyDecorator {
  return StringField({
    ...options,
    minLength: 3,
    maxLength: 50,
    pattern: USERNAME_CHARACTERS,
    patternMessage:
      'username may only contain letters, digits, _ and -, and must include a letter or digit',
    description: 'Letters, digits, _ and -; stored lowercased',
    example: 'alice',
  });
}

export function EmailField(options: { optional?: boolean } = {}): PropertyDecorator {
  return StringField({
    ...options,
    trim: true,
    minLength: 1,
    maxLength: 254,
    pattern: EMAIL_ADDRESS,
    patternMessage: 'email must be a valid email address',
    format: 'email',
    description: 'Trimmed and stored lowercased',
    example: 'alice@example.org',
  });
}

export function NewPasswordField(options: { optional?: boolean } = {}): PropertyDecorator {
  return StringField({
    ...options,
    minLength: 8,
    maxLength: 100,
    format: 'password',
    example: 'correct horse battery',
  });
}

export function normalizeUsername(username: string): string {
  return username.toLowerCase();
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
