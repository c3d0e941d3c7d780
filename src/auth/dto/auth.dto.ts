import { ApiProperty } from '@nestjs/swagger';
import { FieldRule, StringField } from '../../common/validation/fields.js';
import { EmailField, NewPasswordField, UsernameField } from '../../users/dto/credential-fields.js';

export class RegisterDto {
  @UsernameField()
  username: string;

  @EmailField()
  email: string;

  @NewPasswordField()
  password: string;

  @StringField({
    optional: true,
    minLength: 1,
    maxLength: 64,
    description: 'Needed when the server runs with REGISTRATION=invite; ignored otherwise',
  })
  invite_code?: string;
}

/** JSON from the SPA, or the OAuth2 password form from Swagger's Authorize dialog. */
export class LoginDto {
  @StringField({
    trim: true,
    minLength: 1,
    maxLength: 254,
    description: 'Username or email; trimmed and lowercased',
    example: 'alice',
  })
  username: string;

  @StringField({
    minLength: 1,
    maxLength: 1024,
    format: 'password',
    example: 'correct horse battery',
  })
  password: string;

  @StringField({
    optional: true,
    maxLength: 64,
    description: 'OAuth2 form only; must be "password"',
  })
  @FieldRule((value, field) =>
    value === undefined || value === 'password' ? null : `${field} must be password`,
  )
  grant_type?: string;

  @StringField({ optional: true, maxLength: 1024, description: 'OAuth2 form; ignored' })
  scope?: string;

  @StringField({ optional: true, maxLength: 1024, description: 'OAuth2 form; ignored' })
  client_id?: string;

  @StringField({ optional: true, maxLength: 1024, description: 'OAuth2 form; ignored' })
  client_secret?: string;
}

export class RefreshTokenDto {
  @StringField({ minLength: 1, maxLength: 512 })
  refresh_token: string;
}

export class TokenPairDto {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…' })
  access_token: string;

  @ApiProperty({ enum: ['bearer'], example: 'bearer' })
  token_type: 'bearer';

  @ApiProperty({ type: 'integer', description: 'Access token lifetime in seconds', example: 1800 })
  expires_in: number;

  @ApiProperty({ example: 'Vd0Kq…' })
  refresh_token: string;
}
